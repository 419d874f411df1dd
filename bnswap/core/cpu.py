"""What the CPU a run trained on can do with bf16: its model name and its bf16 features.

Whether bf16 pays on a CPU depends on these (README, *Precision*): with AMX-BF16 matrix units
it is several times faster than fp32, with AVX512-BF16 dot products modestly faster, and with
neither it is emulated and much slower. Records keep both, so a reader can tell which machine
made a record's timings. Linux only (``/proc/cpuinfo``); elsewhere both are empty."""

from __future__ import annotations

from pathlib import Path

CPUINFO = Path("/proc/cpuinfo")


def _first(field: str, text: str) -> str:
    for line in text.splitlines():
        name, _, value = line.partition(":")
        if name.strip() == field:
            return value.strip()
    return ""


def _cpuinfo() -> str:
    try:
        return CPUINFO.read_text()
    except OSError:
        return ""


def cpu_model(text: str | None = None) -> str:
    """The first processor's ``model name`` ("" when unknown)."""
    return _first("model name", _cpuinfo() if text is None else text)


def cpu_bf16_features(text: str | None = None) -> list[str]:
    """The first processor's bf16 and AMX flags, sorted (e.g. ``['amx_bf16', 'amx_tile',
    'avx512_bf16']``); ``[]`` when it has none or the flags are unknown."""
    flags = _first("flags", _cpuinfo() if text is None else text).split()
    return sorted({f for f in flags if "bf16" in f or f.startswith("amx")})


def cpu_facts() -> tuple[str, list[str]]:
    """:func:`cpu_model` and :func:`cpu_bf16_features` from one read of ``/proc/cpuinfo``."""
    text = _cpuinfo()
    return cpu_model(text), cpu_bf16_features(text)
