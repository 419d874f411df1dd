"""The command that reproduces a run, written into its record with the settings that change its
numbers (torch threads, device, precision)."""

from __future__ import annotations

from ..core.spec import RunSpec


def experiment_of(spec: RunSpec) -> tuple[str, str] | None:
    """``(experiment name, dataset)`` of the first experiment that runs ``spec`` under its
    profile, or None."""
    from .experiments import EXPERIMENTS
    from .profiles import PROFILES

    prof = PROFILES.get(spec.profile)
    if prof is None:
        return None
    for exp in EXPERIMENTS.values():
        if any(s == spec for _, s in exp.expand(prof)):
            return exp.name, spec.dataset
    return None


def train_command(spec: RunSpec) -> str | None:
    """A ``python -m bnswap train ...`` command whose runs include ``spec``, or None when
    ``train`` cannot express it (captures, gradients, fixed learning rates)."""
    from .profiles import get_profile
    from .experiments import paper_spec

    try:
        prof = get_profile(spec.profile)
        base = prof.apply(paper_spec(spec.arch, spec.order, spec.activation, spec.dataset))[0]
    except ValueError:
        return None
    args = [f"--arch {spec.arch}", f"--order {spec.order}", f"--activation {spec.activation}",
            f"--dataset {spec.dataset}", f"--profile {spec.profile}"]
    overrides = {"lr": "--lr", "wd_weight": "--wd", "epochs": "--epochs", "width": "--width",
                 "precision": "--precision"}
    for field, flag in overrides.items():
        if getattr(spec, field) != getattr(base, field):
            args.append(f"{flag} {getattr(spec, field)}")
    if spec.wd_gamma != base.wd_gamma or spec.wd_beta != base.wd_beta:
        if spec.wd_gamma != spec.wd_beta:
            return None
        args.append(f"--wd-bn {spec.wd_gamma}")
    from .cli_specs import train_specs

    try:
        _, candidates = train_specs(spec.arch, spec.order, spec.activation, spec.dataset,
                                 spec.profile, **_override_values(spec, base))
    except ValueError:
        return None
    if spec not in candidates:
        return None
    return "python -m bnswap train " + " ".join(args)


def _override_values(spec: RunSpec, base: RunSpec) -> dict:
    out = {}
    for field, name in (("lr", "lr"), ("wd_weight", "wd"), ("epochs", "epochs"),
                        ("width", "width"), ("precision", "precision")):
        if getattr(spec, field) != getattr(base, field):
            out[name] = getattr(spec, field)
    if spec.wd_gamma != base.wd_gamma or spec.wd_beta != base.wd_beta:
        out["wd_bn"] = spec.wd_gamma
    return out


def command(spec: RunSpec, threads: int, device: str) -> str:
    """The shortest command that trains ``spec`` with these settings (``verify`` re-trains any
    record, whatever made it)."""
    settings = f"--threads {threads} --device {device}"
    found = experiment_of(spec)
    if found:
        name, dataset = found
        return f"python -m bnswap experiment {name} --profile {spec.profile} --dataset {dataset} " \
               f"{settings}"
    cmd = train_command(spec)
    if cmd:
        return f"{cmd} {settings}"
    return f"python -m bnswap verify {spec.key()} {settings}  (re-trains this record's spec)"


def reproduction(spec: RunSpec, device: str) -> dict:
    """The ``reproduce`` field of a record: command, torch threads, device and precision."""
    import torch

    threads = torch.get_num_threads()
    return {"command": command(spec, threads, str(device)), "threads": threads,
            "device": str(device), "precision": spec.precision}
