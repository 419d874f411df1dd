"""Shared fixtures for the engine tests.

Every test runs with its own cache and results folders under ``tmp_path`` (so nothing is written to
the repository or the user's cache), with training allowed and without a data directory: tests
build the data they need. The one test that reads the shared CIFAR archives finds them through the
``BNSWAP_DATA_DIR`` value the session started with (see :func:`shared_data_dir`).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import torch
from hypothesis import HealthCheck, settings

from bnswap.core.data import ImageData

# Busy CI machines make per-example timing meaningless; never write a database into the repo.
settings.register_profile("bnswap", deadline=None, database=None, max_examples=40,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("bnswap")

SHARED_DATA_DIR = os.environ.get("BNSWAP_DATA_DIR")

# The models here are tiny: one thread avoids thread-pool contention on busy CI cores.
torch.set_num_threads(1)


@pytest.fixture(autouse=True)
def isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Private cache and results folders; training allowed; no data directory; small datasets
    accepted (``BNSWAP_PARTIAL_DATA=1``)."""
    monkeypatch.setenv("BNSWAP_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("BNSWAP_RESULTS_DIR", str(tmp_path / "results"))
    # A book/conftest.py may forbid training for the whole session; these tests train on purpose.
    monkeypatch.delenv("BNSWAP_NO_TRAIN", raising=False)
    monkeypatch.delenv("BNSWAP_DATA_DIR", raising=False)
    # The tests' datasets are a few classes of a few images: accept them as CIFAR and the rest.
    monkeypatch.setenv("BNSWAP_PARTIAL_DATA", "1")
    return tmp_path


@pytest.fixture
def shared_data_dir() -> Path:
    """The shared data folder from ``BNSWAP_DATA_DIR`` (skips the test when it is not set)."""
    if not SHARED_DATA_DIR:
        pytest.skip("BNSWAP_DATA_DIR is not set: no shared CIFAR archives to test against")
    path = Path(SHARED_DATA_DIR).expanduser()
    if not path.is_dir():
        pytest.skip(f"BNSWAP_DATA_DIR={SHARED_DATA_DIR} is not a folder")
    return path


def synthetic_data(name: str = "cifar10", classes: int = 4, train_per_class: int = 24,
                   test_per_class: int = 8, size: int = 32, seed: int = 0) -> ImageData:
    """A learnable toy dataset: each class is noise around its own colour.

    Built directly as an :class:`ImageData`, so no files or decoding are involved.
    """
    gen = torch.Generator().manual_seed(seed)
    palette = torch.randint(30, 226, (classes, 3), generator=gen)

    def split(per_class: int) -> tuple[torch.Tensor, torch.Tensor]:
        y = torch.arange(classes).repeat_interleave(per_class)
        noise = torch.randint(-30, 31, (y.numel(), 3, size, size), generator=gen)
        x = (palette[y][:, :, None, None] + noise).clamp(0, 255).to(torch.uint8)
        order = torch.randperm(y.numel(), generator=gen)
        return x[order].contiguous(), y[order].contiguous()

    train_x, train_y = split(train_per_class)
    test_x, test_y = split(test_per_class)
    xs = train_x.double() / 255
    mean = tuple(float(v) for v in xs.mean((0, 2, 3)))
    std = tuple(float(v) for v in xs.std((0, 2, 3)))
    return ImageData(name, train_x, train_y, test_x, test_y,
                     [f"class{i}" for i in range(classes)], "original", "synthetic test data",
                     mean, std)


@pytest.fixture
def make_data():
    """The :func:`synthetic_data` factory (a fixture, so test modules need not import conftest)."""
    return synthetic_data


@pytest.fixture
def tiny_data() -> ImageData:
    return synthetic_data()
