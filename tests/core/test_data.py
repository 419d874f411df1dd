"""Data loading from tiny fake folder trees and archives made here, plus the shared CIFAR-10 copy."""

from __future__ import annotations

import io
import tarfile
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

import bnswap.core.data as data_module
from bnswap.core.data import DatasetNotFoundError, load_dataset, stratified_subset
from bnswap.core.paths import cache_dir, resolve_data_dir

# Class names deliberately not created in sorted order; labels must follow sorted names.
COLOURS = {"whale": (200, 40, 40), "apple": (40, 200, 40), "maple_tree": (40, 40, 200)}
SORTED = sorted(COLOURS)


def image_bytes(colour, size=(32, 32), fmt="JPEG", seed=0) -> bytes:
    """A solid colour with a little noise, encoded as ``fmt``."""
    rng = np.random.default_rng(seed)
    w, h = size
    arr = np.clip(np.array(colour)[None, None, :] + rng.integers(-8, 9, (h, w, 3)), 0, 255)
    buf = io.BytesIO()
    Image.fromarray(arr.astype(np.uint8)).save(buf, format=fmt)
    return buf.getvalue()


def write_class_tree(root: Path, splits: dict[str, int], ext: str = "jpg", fmt: str = "JPEG",
                     size=(32, 32)) -> dict[str, list[tuple[str, np.ndarray]]]:
    """``root/<split>/<class>/<i>.<ext>``; returns the decoded pixels written, per split."""
    written: dict[str, list] = {}
    for split, per_class in splits.items():
        for k, cls in enumerate(COLOURS):
            folder = root / split / cls
            folder.mkdir(parents=True)
            for i in range(per_class):
                raw = image_bytes(COLOURS[cls], size, fmt, seed=hash((split, k, i)) % 2**32)
                (folder / f"img{i:03d}.{ext}").write_bytes(raw)
                pixels = np.array(Image.open(io.BytesIO(raw)).convert("RGB"))
                written.setdefault(split, []).append((cls, f"img{i:03d}", pixels))
    return written


def write_cifar_archive(data_dir: Path, staging: Path, name: str = "cifar100",
                        splits=None) -> Path:
    """``<name>-jpg.tar.gz`` holding ``<name>/{train,test}/<class>/*.jpg`` (the shared layout)."""
    write_class_tree(staging / name, splits or {"train": 4, "test": 2})
    archive = data_dir / f"{name}-jpg.tar.gz"
    data_dir.mkdir(parents=True, exist_ok=True)
    with tarfile.open(archive, "w:gz") as tar:
        # Members in creation order (classes unsorted), so labels cannot come from archive order.
        for split in ("train", "test"):
            for cls in COLOURS:
                for f in sorted((staging / name / split / cls).iterdir(), reverse=True):
                    tar.add(f, arcname=f"{name}/{split}/{cls}/{f.name}")
    return archive


def listing(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def nearest_class(img: torch.Tensor) -> str:
    mean = img.double().mean((1, 2)).numpy()
    return min(COLOURS, key=lambda c: np.abs(mean - np.array(COLOURS[c])).sum())


def assert_labels_follow_colours(x: torch.Tensor, y: torch.Tensor, classes: list[str]) -> None:
    assert classes == SORTED
    for img, label in zip(x, y):
        assert classes[int(label)] == nearest_class(img)


def cache_files() -> list[Path]:
    return sorted(cache_dir().glob("*.pt"))


# ---- CIFAR JPEG copies ------------------------------------------------------------------------------


def test_cifar_archive_loads_with_sorted_labels_and_jpeg_provenance(tmp_path) -> None:
    data_dir = tmp_path / "data"
    write_cifar_archive(data_dir, tmp_path / "staging")
    before = listing(data_dir)
    data = load_dataset("cifar100", data_dir=data_dir, download=False)
    assert data.name == "cifar100" and data.source == "jpeg-copy"
    assert data.provenance()["source"] == "jpeg-copy"
    assert "JPEG" in data.source_detail and "cifar100-jpg.tar.gz" in data.source_detail
    assert data.train_x.shape == (12, 3, 32, 32) and data.train_x.dtype == torch.uint8
    assert data.test_x.shape == (6, 3, 32, 32)
    assert data.train_y.dtype == torch.int64
    assert_labels_follow_colours(data.train_x, data.train_y, data.classes)
    assert_labels_follow_colours(data.test_x, data.test_y, data.classes)
    assert torch.bincount(data.train_y).tolist() == [4, 4, 4]
    xs = data.train_x.double() / 255
    np.testing.assert_allclose(data.mean, xs.mean((0, 2, 3)).numpy(), atol=1e-6)
    np.testing.assert_allclose(data.std, xs.std((0, 2, 3), correction=0).numpy(), atol=1e-5)
    # The cache goes to BNSWAP_CACHE_DIR; nothing is written next to the source.
    assert cache_dir() == tmp_path / "cache"
    assert len(cache_files()) == 1 and cache_files()[0].name.startswith("cifar100-")
    assert listing(data_dir) == before


def test_second_load_uses_the_cache(tmp_path, monkeypatch) -> None:
    data_dir = tmp_path / "data"
    write_cifar_archive(data_dir, tmp_path / "staging")
    first = load_dataset("cifar100", data_dir=data_dir, download=False)

    def no_decoding(*_args, **_kw):
        raise AssertionError("decoded images although a cache exists")

    monkeypatch.setattr(data_module, "_decode", no_decoding)
    second = load_dataset("cifar100", data_dir=data_dir, download=False)
    for field in ("train_x", "train_y", "test_x", "test_y"):
        assert torch.equal(getattr(first, field), getattr(second, field))
    assert (second.classes, second.source, second.mean, second.std) == (
        first.classes, first.source, first.mean, first.std)


def test_archive_is_hashed_once_per_process_and_again_when_replaced(tmp_path, monkeypatch) -> None:
    data_dir = tmp_path / "data"
    archive = write_cifar_archive(data_dir, tmp_path / "staging")
    file_hashes = []
    real = data_module.hashlib.sha256

    def counting(*args):
        if not args:  # the file digest starts empty; cache keys of folders hash a path string
            file_hashes.append(1)
        return real(*args)

    monkeypatch.setattr(data_module.hashlib, "sha256", counting)
    first = load_dataset("cifar100", data_dir=data_dir, download=False)
    load_dataset("cifar100", data_dir=data_dir, download=False)
    assert len(file_hashes) == 1
    # A replaced archive (new contents, new size) is hashed again and gets its own cache entry.
    archive.unlink()
    write_cifar_archive(data_dir, tmp_path / "staging2", splits={"train": 5, "test": 2})
    second = load_dataset("cifar100", data_dir=data_dir, download=False)
    assert len(file_hashes) == 2 and len(second.train_y) == len(first.train_y) * 5 // 4
    assert len(cache_files()) == 2


@pytest.mark.parametrize("damage", ["garbage", "truncated", "empty"])
def test_corrupt_cache_is_rebuilt(tmp_path, damage: str) -> None:
    data_dir = tmp_path / "data"
    write_cifar_archive(data_dir, tmp_path / "staging")
    first = load_dataset("cifar100", data_dir=data_dir, download=False)
    (cache,) = cache_files()
    blob = cache.read_bytes()
    cache.write_bytes({"garbage": b"not a torch file" * 10, "truncated": blob[: len(blob) // 2],
                       "empty": b""}[damage])
    again = load_dataset("cifar100", data_dir=data_dir, download=False)
    assert torch.equal(again.train_x, first.train_x) and torch.equal(again.test_y, first.test_y)
    assert cache_files() == [cache]
    assert torch.load(cache, weights_only=True)["name"] == "cifar100"  # rewritten, valid again
    assert listing(data_dir) == ["cifar100-jpg.tar.gz"]


def test_extracted_cifar_folder_loads_exact_pixels(tmp_path) -> None:
    data_dir = tmp_path / "data"
    # PNG is lossless, so the loaded tensors can be compared pixel for pixel.
    written = write_class_tree(data_dir / "cifar10", {"train": 3, "test": 2}, "png", "PNG")
    before = listing(data_dir)
    data = load_dataset("cifar10", data_dir=data_dir, download=False)
    assert data.source == "jpeg-copy"
    assert data.classes == SORTED
    for split, x, y in (("train", data.train_x, data.train_y), ("test", data.test_x, data.test_y)):
        # Order: classes sorted by name, files sorted within a class.
        expected = sorted(written[split], key=lambda t: (t[0], t[1]))
        assert x.shape[0] == len(expected)
        for img, label, (cls, _, pixels) in zip(x, y, expected):
            assert data.classes[int(label)] == cls
            assert torch.equal(img, torch.from_numpy(pixels).permute(2, 0, 1))
    assert listing(data_dir) == before
    assert len(cache_files()) == 1


def test_folder_caches_of_different_data_dirs_do_not_mix(tmp_path) -> None:
    """Two data directories with different images must not share one cache entry."""
    a, b = tmp_path / "a", tmp_path / "b"
    write_class_tree(a / "cifar10", {"train": 2, "test": 1}, "png", "PNG")
    write_class_tree(b / "cifar10", {"train": 3, "test": 1}, "png", "PNG")
    first = load_dataset("cifar10", data_dir=a, download=False)
    second = load_dataset("cifar10", data_dir=b, download=False)
    assert first.train_x.shape[0] == 6 and second.train_x.shape[0] == 9


def test_archive_is_preferred_to_folder_and_test_classes_must_train(tmp_path) -> None:
    data_dir = tmp_path / "data"
    write_cifar_archive(data_dir, tmp_path / "staging", "cifar10", {"train": 2, "test": 1})
    (data_dir / "cifar10" / "train").mkdir(parents=True)  # an empty extracted folder
    assert load_dataset("cifar10", data_dir=data_dir, download=False).train_x.shape[0] == 6

    other = tmp_path / "other"
    write_class_tree(other / "cifar10", {"train": 1, "test": 1}, "png", "PNG")
    (other / "cifar10" / "test" / "zebra").mkdir()
    (other / "cifar10" / "test" / "zebra" / "z.png").write_bytes(
        image_bytes((0, 0, 0), fmt="PNG"))
    with pytest.raises(ValueError, match="zebra"):
        load_dataset("cifar10", data_dir=other, download=False)


# ---- Tiny ImageNet and ImageNet folders ---------------------------------------------------------------


def test_tiny_imagenet_layout(tmp_path) -> None:
    root = tmp_path / "data" / "tiny-imagenet-200"
    wnids = {"n03000000": (200, 40, 40), "n01000000": (40, 200, 40), "n02000000": (40, 40, 200)}
    for wnid, colour in wnids.items():
        images = root / "train" / wnid / "images"
        images.mkdir(parents=True)
        (root / "train" / wnid / f"{wnid}_boxes.txt").write_text("")
        for i in range(3):
            (images / f"{wnid}_{i}.JPEG").write_bytes(image_bytes(colour, (64, 64), seed=i))
    (root / "val" / "images").mkdir(parents=True)
    lines = []
    for i, wnid in enumerate(["n02000000", "n03000000", "n01000000", "n02000000"]):
        (root / "val" / "images" / f"val_{i}.JPEG").write_bytes(
            image_bytes(wnids[wnid], (64, 64), seed=10 + i))
        lines.append(f"val_{i}.JPEG\t{wnid}\t0\t0\t63\t63")
    (root / "val" / "val_annotations.txt").write_text("\n".join(lines) + "\n")
    (root / "wnids.txt").write_text("\n".join(wnids) + "\n")
    before = listing(tmp_path / "data")

    data = load_dataset("tiny_imagenet", data_dir=tmp_path / "data", download=False)
    assert data.classes == sorted(wnids)
    assert data.source == "image-folder"
    assert data.train_x.shape == (9, 3, 64, 64) and data.test_x.shape == (4, 3, 64, 64)
    assert torch.bincount(data.train_y).tolist() == [3, 3, 3]
    # val labels come from val_annotations.txt (n02, n03, n01, n02); the colour check below ties
    # each val image to its annotated class.
    assert sorted(data.test_y.tolist()) == [0, 1, 1, 2]
    for img, label in zip(torch.cat([data.train_x, data.test_x]),
                          torch.cat([data.train_y, data.test_y])):
        mean = img.double().mean((1, 2)).numpy()
        assert np.abs(mean - np.array(wnids[data.classes[int(label)]])).max() < 20
    assert data.provenance()["image_size"] == 64
    assert len(cache_files()) == 1 and listing(tmp_path / "data") == before


def test_incomplete_folders_say_what_the_layout_should_be(tmp_path) -> None:
    """A Tiny ImageNet without val annotations and an ImageNet without val images raise
    DatasetNotFoundError with the expected layout, not a bare KeyError or ValueError."""
    tiny = tmp_path / "data" / "tiny-imagenet-200"
    (tiny / "train" / "n01000000" / "images").mkdir(parents=True)
    (tiny / "train" / "n01000000" / "images" / "a.JPEG").write_bytes(
        image_bytes((200, 40, 40), (64, 64)))
    (tiny / "val" / "images").mkdir(parents=True)
    (tiny / "wnids.txt").write_text("n01000000\n")
    with pytest.raises(DatasetNotFoundError, match="tiny-imagenet-200.zip"):
        load_dataset("tiny_imagenet", data_dir=tmp_path / "data", download=False)
    folder = tmp_path / "data" / "imagenet" / "train" / "n01000000"
    folder.mkdir(parents=True)
    (folder / "a.JPEG").write_bytes(image_bytes((200, 40, 40), (64, 64)))
    (tmp_path / "data" / "imagenet" / "val").mkdir()
    with pytest.raises(DatasetNotFoundError, match="no test images found.*imagenet/val/<class>"):
        load_dataset("imagenet", data_dir=tmp_path / "data", download=False)


def test_imagenet_folders_are_downsampled(tmp_path) -> None:
    data_dir = tmp_path / "data"
    root = data_dir / "imagenet"
    sizes = [(80, 48), (48, 100), (64, 64)]
    for split, n in (("train", 3), ("val", 1)):
        for cls in COLOURS:
            folder = root / split / cls
            folder.mkdir(parents=True)
            for i in range(n):
                (folder / f"{cls}_{i}.JPEG").write_bytes(
                    image_bytes(COLOURS[cls], sizes[i], seed=i))
    data = load_dataset("imagenet", data_dir=data_dir, download=False, imagenet_size=16)
    assert data.train_x.shape == (9, 3, 16, 16) and data.test_x.shape == (3, 3, 16, 16)
    assert data.source == "image-folder"
    assert_labels_follow_colours(data.train_x, data.train_y, data.classes)
    assert_labels_follow_colours(data.test_x, data.test_y, data.classes)
    # Another target size is another cache entry.
    assert load_dataset("imagenet", data_dir=data_dir, download=False,
                        imagenet_size=8).train_x.shape[-1] == 8
    assert len(cache_files()) == 2


# ---- errors and settings ------------------------------------------------------------------------------


@pytest.mark.parametrize("name,hint", [("cifar10", "cifar10-jpg.tar.gz"),
                                       ("cifar100", "cifar-100-python"),
                                       ("tiny_imagenet", "tiny-imagenet-200"),
                                       ("imagenet", "imagenet/train")])
def test_missing_dataset_error_says_what_where_and_how(tmp_path, name: str, hint: str) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(DatasetNotFoundError) as err:
        load_dataset(name, data_dir=empty, download=False)
    message = str(err.value)
    assert repr(name) in message
    assert str(empty) in message
    assert hint in message
    assert isinstance(err.value, FileNotFoundError)
    assert not any(empty.iterdir())


def test_missing_dataset_without_data_dir_names_the_setting() -> None:
    with pytest.raises(DatasetNotFoundError) as err:
        load_dataset("cifar10", download=False)
    assert "BNSWAP_DATA_DIR" in str(err.value) and "--data-dir" in str(err.value)
    assert str(cache_dir()) in str(err.value)


def test_unknown_dataset_lists_valid_names() -> None:
    with pytest.raises(ValueError) as err:
        load_dataset("mnist")
    for name in ("cifar10", "cifar100", "tiny_imagenet", "imagenet"):
        assert name in str(err.value)


def test_data_and_cache_settings(tmp_path, monkeypatch) -> None:
    assert resolve_data_dir() is None
    monkeypatch.setenv("BNSWAP_DATA_DIR", str(tmp_path / "env"))
    assert resolve_data_dir() == tmp_path / "env"
    assert resolve_data_dir(tmp_path / "explicit") == tmp_path / "explicit"
    monkeypatch.delenv("BNSWAP_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_dir() == tmp_path / "xdg" / "bnswap"


def test_stratified_subset() -> None:
    y = torch.arange(5).repeat(30)[torch.randperm(150, generator=torch.Generator().manual_seed(0))]
    idx = stratified_subset(y, 7, seed=2)
    assert torch.bincount(y[idx]).tolist() == [7] * 5
    assert torch.equal(idx, idx.sort().values) and idx.unique().numel() == 35
    assert torch.equal(idx, stratified_subset(y, 7, seed=2))
    assert not torch.equal(idx, stratified_subset(y, 7, seed=3))
    assert stratified_subset(y, 100).numel() == 150  # asking for more keeps every image


# ---- the shared archive (only where BNSWAP_DATA_DIR points at it) -----------------------------------


def test_shared_cifar10_archive(shared_data_dir: Path) -> None:
    archive = shared_data_dir / "cifar10-jpg.tar.gz"
    if not archive.exists():
        pytest.skip(f"{archive} not found: the shared CIFAR-10 JPEG copy is not available here")
    data = load_dataset("cifar10", data_dir=shared_data_dir, download=False)
    try:
        assert data.train_x.shape == (50000, 3, 32, 32) and data.test_x.shape == (10000, 3, 32, 32)
        assert data.num_classes == 10
        assert data.classes[0] == "airplane" and data.classes[-1] == "truck"
        assert torch.bincount(data.train_y).tolist() == [5000] * 10
        assert torch.bincount(data.test_y).tolist() == [1000] * 10
        assert data.source == "jpeg-copy"
        np.testing.assert_allclose(data.mean, (0.4913, 0.4821, 0.4465), atol=1.5e-3)
    finally:
        for path in cache_files():  # ~180 MB: do not leave it in the test's temporary folder
            path.unlink()


def test_normalisation_is_the_population_std_whole_or_in_chunks():
    """Both paths (the whole set at once, and chunked sums for large sets) give numpy's
    population mean and std per channel."""
    gen = torch.Generator().manual_seed(0)
    x = torch.randint(0, 256, (7, 3, 2, 2), dtype=torch.uint8, generator=gen)
    ref = x.double().numpy() / 255.0
    want_mean, want_std = ref.mean((0, 2, 3)), ref.std((0, 2, 3))  # ddof=0
    for whole_below in (2**27, 1):  # whole, then chunked
        mean, std = data_module._normalisation(x, whole_below=whole_below)
        assert np.allclose(mean, want_mean, atol=1e-6) and np.allclose(std, want_std, atol=1e-6)
