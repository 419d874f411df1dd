"""Checks of user input made before any work starts: command-line values, the device, folders,
and the contents of a data source.

Each check raises :class:`InputError` (a ``ValueError``) whose message is one line saying what
was wrong and what is valid, so the command line can print it without a traceback.
"""

from __future__ import annotations

import argparse
import math
import os
from pathlib import Path
from typing import Callable, Iterable

PARTIAL_DATA_ENV = "BNSWAP_PARTIAL_DATA"
"""Set to 1 to accept a dataset with fewer classes or images than the real one (tests, subsets)."""

EXPECTED_SIZES: dict[str, tuple[int, int | None, int | None]] = {
    "cifar10": (10, 50_000, 10_000), "cifar100": (100, 50_000, 10_000),
    "tiny_imagenet": (200, 100_000, 10_000), "imagenet": (1000, None, None)}
"""(classes, training images, test images) of each dataset; None: not checked."""


class InputError(ValueError):
    """A bad value, folder or file given by the user; the message says what is valid."""


class DataError(InputError):
    """A data source that exists but cannot be used as the dataset it should be."""


# ---- command-line value types (argparse ``type=``) -----------------------------------------------


def _number(kind: Callable[[str], float], text: str, what: str) -> float:
    try:
        value = kind(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not {what}") from None
    if isinstance(value, float) and not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"{text!r} is not finite; give {what}")
    return value


def positive_int(text: str) -> int:
    """An integer >= 1 (epochs, threads, jobs)."""
    value = _number(int, text, "a whole number >= 1")
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is below 1; give a whole number >= 1")
    return value


def positive_float(text: str) -> float:
    """A finite number > 0 (learning rate, width)."""
    value = _number(float, text, "a finite number > 0")
    if value <= 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not > 0; give a finite number > 0")
    return value


def width_value(text: str) -> float:
    """A width multiplier in (0, 4]."""
    value = positive_float(text)
    if value > 4:
        raise argparse.ArgumentTypeError(f"{text!r} is above 4; give a width in (0, 4] "
                                         f"(1 is the paper's network)")
    return value


def learning_rate(text: str) -> float:
    """A learning rate in (0, 10]."""
    value = positive_float(text)
    if value > 10:
        raise argparse.ArgumentTypeError(f"{text!r} is above 10; give a learning rate in (0, 10]")
    return value


def weight_decay(text: str) -> float:
    """A weight decay in [0, 1)."""
    value = _number(float, text, "a finite number in [0, 1)")
    if not 0 <= value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is outside [0, 1); give a weight decay such "
                                         f"as 0.0005")
    return value


# ---- device --------------------------------------------------------------------------------------


def check_device(device: str) -> str:
    """``device`` if torch can train on it here; otherwise an :class:`InputError` naming the
    devices that are available."""
    import torch

    try:
        dev = torch.device(device)
    except (RuntimeError, ValueError):
        raise InputError(f"unknown device {device!r}; valid: {', '.join(available_devices())}") \
            from None
    if dev.type == "cpu":
        return device
    if dev.type == "cuda":
        if not torch.cuda.is_available():
            raise InputError(f"device {device!r} asked for, but torch finds no CUDA GPU here; "
                             f"use --device cpu (valid here: {', '.join(available_devices())})")
        if dev.index is not None and dev.index >= torch.cuda.device_count():
            raise InputError(f"device {device!r} does not exist: this machine has "
                             f"{torch.cuda.device_count()} GPU(s); valid: "
                             f"{', '.join(available_devices())}")
        return device
    if dev.type == "mps" and getattr(torch.backends, "mps", None) and \
            torch.backends.mps.is_available():
        return device
    raise InputError(f"device {device!r} cannot be used here; valid: "
                     f"{', '.join(available_devices())}")


def available_devices() -> list[str]:
    import torch

    devices = ["cpu"]
    if torch.cuda.is_available():
        devices += ["cuda"] + [f"cuda:{i}" for i in range(torch.cuda.device_count())]
    if getattr(torch.backends, "mps", None) and torch.backends.mps.is_available():
        devices.append("mps")
    return devices


# ---- folders -------------------------------------------------------------------------------------


def check_writable_dir(path: str | os.PathLike, what: str, setting: str) -> Path:
    """``path`` as a folder this process can write into (created if missing); otherwise an
    :class:`InputError` naming ``what`` it is for and the ``setting`` that chooses it."""
    path = Path(path).expanduser()
    existing = path
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if existing.exists() and not existing.is_dir():
        raise InputError(f"the {what} {path} cannot be used: {existing} is a file, not a folder; "
                         f"choose a folder with {setting}")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise InputError(f"the {what} {path} is not writable ({existing} does not allow writing); "
                         f"choose a writable folder with {setting}")
    return path


def check_data_dir(path: str | os.PathLike | None) -> Path | None:
    """The data folder, if given: it must be a readable folder."""
    if path is None:
        return None
    path = Path(path).expanduser()
    if path.exists() and not path.is_dir():
        raise InputError(f"the data folder {path} is a file, not a folder; pass the folder that "
                         f"holds the datasets (--data-dir or BNSWAP_DATA_DIR; see README › Data)")
    if path.exists() and not os.access(path, os.R_OK | os.X_OK):
        raise InputError(f"the data folder {path} is not readable; fix its permissions or pass "
                         f"another with --data-dir")
    return path


# ---- data contents -------------------------------------------------------------------------------


class Named(bytes):
    """Bytes of an image file that remember where they came from (for error messages)."""

    source: str = "an image"


def named(raw: bytes, source: str) -> Named:
    blob = Named(raw)
    blob.source = source
    return blob


def partial_data_allowed() -> bool:
    return os.environ.get(PARTIAL_DATA_ENV, "") in ("1", "true", "yes")


def check_counts(name: str, train: Iterable[tuple[str, bytes]], test: Iterable[tuple[str, bytes]],
                 detail: str, how_to_get: str) -> None:
    """Refuse a source with fewer classes or images than ``name`` has (unless
    ``BNSWAP_PARTIAL_DATA=1``), before any image is decoded."""
    train, test = list(train), list(test)
    classes = {c for c, _ in train}
    empty = sorted(classes - {c for c, _ in test})
    if empty and not partial_data_allowed():
        raise DataError(f"{name}: classes {empty[:5]} have training but no test images ({detail}); "
                        f"the data directory should hold: {how_to_get}")
    if partial_data_allowed():
        return
    want_classes, want_train, want_test = EXPECTED_SIZES[name]
    short = []
    if len(classes) < want_classes:
        short.append(f"{len(classes)} of {want_classes} classes")
    if want_train and len(train) < want_train:
        short.append(f"{len(train)} of {want_train} training images")
    if want_test and len(test) < want_test:
        short.append(f"{len(test)} of {want_test} test images")
    if short:
        raise DataError(f"{name} is incomplete ({', '.join(short)}; {detail}); the data directory "
                        f"should hold: {how_to_get} (set {PARTIAL_DATA_ENV}=1 to train on a "
                        f"subset anyway)")
