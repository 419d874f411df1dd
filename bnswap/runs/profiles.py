"""Profiles as data: how a paper spec is scaled to a budget (epochs, LR milestones, width, seeds,
data subset, learning-rate rule, precision). The profile is part of every run's identity and is
written into its record, so a number in the book always says how it was made."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from ..core.spec import RunSpec


@dataclass(frozen=True)
class Profile:
    """How a paper spec is scaled for execution. ``None`` fields keep the paper's value."""

    name: str
    description: str
    epochs: int | None = None
    width: float | None = None
    seeds: int = 3
    train_per_class: int | None = None
    lr_cap: float | None = None
    """Learning-rate rule: use ``min(paper lr, lr_cap)`` (see the ``cpu`` profile)."""
    precision: str | None = None
    """Training precision (:data:`bnswap.core.registries.PRECISIONS`); ``None`` keeps the spec's,
    fp32."""

    def lr_for(self, paper_lr: float) -> float:
        """The learning rate this profile trains with where the paper used ``paper_lr``."""
        return paper_lr if self.lr_cap is None else min(paper_lr, self.lr_cap)

    def apply(self, spec: RunSpec, min_seeds: int = 1) -> list[RunSpec]:
        """The runs (one per seed, at least ``min_seeds``) that execute ``spec`` under this
        profile. The LR milestones are scaled with the epochs (200 epochs with drops at 100 and
        150 become 10 epochs with drops at 5 and 8)."""
        epochs = self.epochs or spec.epochs
        milestones = tuple(sorted({max(1, round(m * epochs / spec.epochs))
                                   for m in spec.milestones}))
        return [spec.replace(epochs=epochs, milestones=milestones, lr=self.lr_for(spec.lr),
                             seed=seed, width=self.width or spec.width, profile=self.name,
                             train_per_class=self.train_per_class or spec.train_per_class,
                             precision=self.precision or spec.precision)
                for seed in range(max(self.seeds, min_seeds))]

    def to_dict(self) -> dict:
        return asdict(self)


PROFILES: dict[str, Profile] = {
    "full": Profile("full", "the paper's settings: 200 epochs (ImageNet 100), width 1, 3 seeds, "
                    "bf16 weight layers with fp32 activations and BN (a GPU)",
                    precision="bf16_mixed"),
    "cpu": Profile(
        "cpu",
        "CPU scale: width 0.25, 10 epochs (LR x0.1 after epochs 5 and 8), 1 seed, learning rate "
        "capped at 0.01 (the paper's rates were tuned for 200 epochs; the pilot on the "
        "methods page compares both rates at 10)",
        epochs=10, width=0.25, seeds=1, lr_cap=0.01),
    "cpu_long": Profile(
        "cpu_long",
        "CPU scale, long enough for weight decay to act: width 0.25, 70 epochs (LR x0.1 after "
        "epochs 35 and 52), 1 seed, the paper's learning rates (its own pilot: Swap's 0.1 trains "
        "well at 70 epochs, so no cap), fp32 on every CPU (a queue that spans machines keeps one "
        "precision; bf16 ran 10x slower on a CPU without bf16 instructions)",
        epochs=70, width=0.25, seeds=1, precision="fp32"),
    "gpu_pair": Profile(
        "gpu_pair",
        "a short GPU run: full width, 30 epochs (LR x0.1 after epochs 15 and 22), 1 seed, learning "
        "rate capped at 0.01 as in the cpu profile, bf16 weight layers with fp32 activations and "
        "BN; sized for the Convention/Swap pair in minutes",
        epochs=30, width=1.0, seeds=1, lr_cap=0.01, precision="bf16_mixed"),
    "smoke": Profile("smoke", "seconds per run, for tests: width 0.125, 1 epoch, 10 images per "
                     "class, 1 seed, LR capped at 0.01", epochs=1, width=0.125, seeds=1,
                     train_per_class=10, lr_cap=0.01),
}


def get_profile(name: str) -> Profile:
    try:
        return PROFILES[name]
    except KeyError:
        raise ValueError(f"unknown profile {name!r}; choose one of: {', '.join(PROFILES)}") from None
