"""Datasets as whole uint8 tensors, converted once and cached (Section 2's benchmarks).

Where the data comes from, in order:

1. the cache (``$BNSWAP_CACHE_DIR``, default ``$XDG_CACHE_HOME/bnswap`` or ``~/.cache/bnswap``):
   one ``.pt`` file per dataset and source that loads in well under a second;
2. the data directory (``--data-dir`` or ``$BNSWAP_DATA_DIR``), which may hold
   * ``cifar10-jpg.tar.gz`` / ``cifar100-jpg.tar.gz`` or their extracted ``cifar10/`` /
     ``cifar100/`` class folders: JPEG copies of CIFAR (recorded as source ``jpeg-copy``),
   * torchvision's ``cifar-10-batches-py`` / ``cifar-100-python`` (source ``original``),
   * ``tiny-imagenet-200/`` in its standard layout, ``imagenet/{train,val}/<class>/`` folders;
3. torchvision's download of the original CIFAR (when online; into the cache directory).

Nothing is ever written next to the source data: the data directory may be read-only.
"""

from __future__ import annotations

import hashlib
import io
import os
import tarfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

import numpy as np
import torch
from PIL import Image
from tqdm.auto import tqdm

from .paths import cache_dir, resolve_data_dir
from .registries import CIFAR, DATASETS, HOW_TO_GET

from . import validate


IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".bmp")
CACHE_FORMAT = 1


class DatasetNotFoundError(FileNotFoundError):
    """A dataset could not be found or fetched; the message says where we looked and what to do."""


@dataclass
class ImageData:
    """A dataset held as tensors: images uint8 ``[N, 3, H, W]``, labels int64 ``[N]``."""

    name: str
    train_x: torch.Tensor
    train_y: torch.Tensor
    test_x: torch.Tensor
    test_y: torch.Tensor
    classes: list[str]
    source: str
    """``original`` (torchvision), ``jpeg-copy`` (the offline JPEG archives) or ``image-folder``."""
    source_detail: str = ""
    mean: tuple[float, ...] = field(default=())
    std: tuple[float, ...] = field(default=())

    @property
    def num_classes(self) -> int:
        return len(self.classes)

    def provenance(self) -> dict:
        """What every record says about its data."""
        return {"dataset": self.name, "source": self.source, "detail": self.source_detail,
                "train_size": int(self.train_y.numel()), "test_size": int(self.test_y.numel()),
                "image_size": int(self.train_x.shape[-1])}


# ---- decoding -----------------------------------------------------------------------------


def _decode(raw: bytes, size: int | None) -> np.ndarray:
    try:
        img = Image.open(io.BytesIO(raw))
        img = img.convert("RGB")
    except (OSError, ValueError, SyntaxError) as exc:  # PIL's errors for a non-image or damage
        why = str(exc).split(" <_io.")[0]  # PIL names the in-memory buffer, not the file
        raise validate.DataError(f"{getattr(raw, 'source', 'an image')} is not a readable image "
                                 f"({why}); remove or replace that file") from None
    with img:
        if size is not None and img.size != (size, size):
            w, h = img.size
            scale = size / min(w, h)
            img = img.resize((max(size, round(w * scale)), max(size, round(h * scale))),
                             Image.BILINEAR)
            w, h = img.size
            left, top = (w - size) // 2, (h - size) // 2
            img = img.crop((left, top, left + size, top + size))
        return np.asarray(img, dtype=np.uint8)


def _stack(items: list[tuple[bytes, int]], size: int | None, desc: str) -> tuple[torch.Tensor,
                                                                                 torch.Tensor]:
    arrays = [_decode(raw, size) for raw, _ in tqdm(items, desc=f"decoding {desc}", leave=False,
                                                    mininterval=1.0, disable=None)]
    x = torch.from_numpy(np.stack(arrays)).permute(0, 3, 1, 2).contiguous()
    y = torch.tensor([label for _, label in items], dtype=torch.int64)
    return x, y


def _is_image(name: str) -> bool:
    return name.lower().endswith(IMAGE_EXTENSIONS)


def _read_tar_split(archive: Path, top: str) -> dict[str, list[tuple[str, bytes]]]:
    """``{split: [(class, bytes), ...]}`` from an archive laid out as ``top/split/class/img``."""
    out: dict[str, list[tuple[str, bytes]]] = {}
    with tarfile.open(archive) as tar:
        for member in tar:
            parts = Path(member.name).parts
            if not member.isfile() or len(parts) != 4 or parts[0] != top or not _is_image(parts[3]):
                continue
            raw = validate.named(tar.extractfile(member).read(), f"{archive}:{member.name}")
            out.setdefault(parts[1], []).append((parts[2], raw))
    return out


def _labelled(pairs: Iterable[tuple[str, bytes]], classes: list[str]) -> list[tuple[bytes, int]]:
    index = {c: i for i, c in enumerate(classes)}
    return [(raw, index[c]) for c, raw in sorted(pairs, key=lambda p: p[0])]


def _folder_pairs(root: Path) -> list[tuple[str, bytes]]:
    """``(class, bytes)`` for every image in ``root/<class>/`` (sorted, so deterministic)."""
    if not root.is_dir():
        raise DatasetNotFoundError(f"{root} is missing: expected class folders under "
                                   f"{root.parent}/train/ and {root.parent}/{root.name}/")
    return [(d.name, validate.named(f.read_bytes(), str(f))) for d in sorted(p for p in root.iterdir() if p.is_dir())
            for f in sorted(d.rglob("*")) if f.is_file() and _is_image(f.name)]


_DIGESTS: dict[tuple[str, int, int], str] = {}


def _sha256(path: Path) -> str:
    """SHA-256 of a file, remembered per process while its size and modification time stay the
    same (a CIFAR archive is 185 MB: hashing it on every load cost about half a second)."""
    st = path.stat()
    memo = (str(path.resolve()), st.st_size, st.st_mtime_ns)
    if memo not in _DIGESTS:
        h = hashlib.sha256()
        with open(path, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                h.update(chunk)
        _DIGESTS[memo] = h.hexdigest()
    return _DIGESTS[memo]


# ---- per-source loaders --------------------------------------------------------------------


def _from_pairs(name: str, train: list, test: list, source: str, detail: str,
                size: int | None) -> ImageData:
    classes = sorted({c for c, _ in train})
    missing = sorted({c for c, _ in test} - set(classes))
    if missing:
        raise ValueError(f"{name}: test classes {missing[:5]} have no training images; the data "
                         f"directory should hold: {HOW_TO_GET[name]}")
    if not train or not test:
        raise DatasetNotFoundError(f"{name}: no {'training' if not train else 'test'} images "
                                   f"found; the data directory should hold: {HOW_TO_GET[name]}")
    validate.check_counts(name, train, test, detail, HOW_TO_GET[name])
    train_x, train_y = _stack(_labelled(train, classes), size, f"{name} train")
    test_x, test_y = _stack(_labelled(test, classes), size, f"{name} test")
    return ImageData(name, train_x, train_y, test_x, test_y, classes, source, detail)


def _cifar_jpeg_archive(name: str, archive: Path) -> ImageData:
    try:
        splits = _read_tar_split(archive, name)
    except (tarfile.TarError, EOFError, OSError, zlib.error) as exc:
        raise validate.DataError(f"{archive} is not a readable .tar.gz ({type(exc).__name__}: "
                                 f"{exc}); it may be truncated: replace it with a complete copy"
                                 ) from None
    if "train" not in splits or "test" not in splits:
        raise ValueError(f"{archive} does not hold {name}/train and {name}/test class folders")
    detail = (f"JPEG copy (quality ~75) of {name} from {archive.name}, sha256 "
              f"{_sha256(archive)[:16]}; not the original lossless pixels")
    return _from_pairs(name, splits["train"], splits["test"], "jpeg-copy", detail, None)


def _cifar_jpeg_folder(name: str, root: Path) -> ImageData:
    detail = f"JPEG copy of {name} from extracted class folders; not the original pixels"
    return _from_pairs(name, _folder_pairs(root / "train"), _folder_pairs(root / "test"),
                       "jpeg-copy", detail, None)


def _cifar_torchvision(name: str, root: Path, download: bool) -> ImageData:
    from torchvision import datasets

    cls = datasets.CIFAR10 if name == "cifar10" else datasets.CIFAR100
    train = cls(str(root), train=True, download=download)
    test = cls(str(root), train=False, download=download)

    def tensors(ds):
        return (torch.from_numpy(ds.data).permute(0, 3, 1, 2).contiguous(),
                torch.tensor(ds.targets, dtype=torch.int64))

    (trx, try_), (tex, tey) = tensors(train), tensors(test)
    return ImageData(name, trx, try_, tex, tey, list(train.classes), "original",
                     f"torchvision {cls.__name__} (original pixels)")


def _tiny_imagenet(root: Path) -> ImageData:
    try:
        train = [(d.name, validate.named(f.read_bytes(), str(f)))
                 for d in sorted((root / "train").iterdir()) if d.is_dir()
                 for f in sorted((d / "images").iterdir()) if _is_image(f.name)]
        annotations = (root / "val" / "val_annotations.txt").read_text().splitlines()
        label_of = dict(line.split("\t")[:2] for line in annotations if line.strip())
        test = [(label_of[f.name], validate.named(f.read_bytes(), str(f)))
                for f in sorted((root / "val" / "images").iterdir()) if _is_image(f.name)]
    except (OSError, KeyError) as exc:  # a missing file, or an image the annotations omit
        raise DatasetNotFoundError(f"tiny_imagenet: {root} is incomplete ({exc!r}); "
                                   f"{HOW_TO_GET['tiny_imagenet']}") from exc
    return _from_pairs("tiny_imagenet", train, test, "image-folder",
                       "Tiny ImageNet (tiny-imagenet-200, val split as test)", 64)


def _imagenet(root: Path, size: int) -> ImageData:
    return _from_pairs("imagenet", _folder_pairs(root / "train"), _folder_pairs(root / "val"),
                       "image-folder", f"ImageNet folders downsampled to {size}x{size}", size)


def _candidates(name: str, root: Path | None) -> Iterator[tuple[str, Path]]:
    """(kind, path) sources for ``name`` present under ``root``."""
    if root is None:
        return
    if name in CIFAR:
        tv = {"cifar10": "cifar-10-batches-py", "cifar100": "cifar-100-python"}[name]
        checks = [("archive", root / f"{name}-jpg.tar.gz"), ("folder", root / name / "train"),
                  ("torchvision", root / tv)]
    elif name == "tiny_imagenet":
        checks = [("tiny", root / "tiny-imagenet-200" / "train")]
    else:
        checks = [("imagenet", root / "imagenet" / "train")]
    for kind, path in checks:
        if path.exists():
            yield kind, path


def _normalisation(x: torch.Tensor, whole_below: int = 2**27
                   ) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """Per-channel mean and (population) std of uint8 images, as fractions of 255 (float64
    sums); large sets are summed in chunks, with the same result."""
    xs = x.double().div_(255.0) if x.numel() < whole_below else None
    if xs is None:  # large sets: accumulate in chunks
        s = torch.zeros(3, dtype=torch.float64)
        s2 = torch.zeros(3, dtype=torch.float64)
        for chunk in x.split(max(1, min(4096, len(x) // 2))):
            c = chunk.double().div_(255.0)
            s += c.sum((0, 2, 3))
            s2 += (c * c).sum((0, 2, 3))
        n = x.numel() / 3
        mean = s / n
        std = (s2 / n - mean**2).sqrt()
    else:
        mean, std = xs.mean((0, 2, 3)), xs.std((0, 2, 3), correction=0)
    return tuple(round(float(v), 6) for v in mean), tuple(round(float(v), 6) for v in std)


def _cache_key(kind: str, path: Path, imagenet_size: int) -> str:
    """Names a source's cache entry: an archive by its content hash, torchvision's original CIFAR
    by name, and a folder by its location and content (:func:`bnswap.source_digest.folder_digest`:
    two data directories never share one, and a changed folder is converted again)."""
    if kind == "archive":
        return f"jpeg-{_sha256(path)[:12]}"
    if kind == "torchvision":
        return "original"
    from .source_digest import folder_digest

    where = folder_digest(path.parent if kind in ("folder", "tiny", "imagenet") else path)
    prefix = {"folder": "jpeg-folder", "tiny": "folder", "imagenet": f"folder{imagenet_size}"}
    return f"{prefix[kind]}-{where}"


def _cache_path(name: str, key: str) -> Path:
    return cache_dir() / f"{name}-{key}-v{CACHE_FORMAT}.pt"


def save_atomic(obj: object, path: Path) -> None:
    """``torch.save`` to ``path`` via a temporary file and a rename: readers see the old file or
    the new one, never half of one; a failed save leaves no temporary file behind."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        torch.save(obj, tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _to_cache(data: ImageData, path: Path) -> None:
    save_atomic({k: getattr(data, k) for k in ("name", "train_x", "train_y", "test_x", "test_y",
                                                 "classes", "source", "source_detail", "mean",
                                                 "std")}, path)


def _from_cache(path: Path) -> ImageData | None:
    try:
        blob = torch.load(path, weights_only=True)
        return ImageData(**blob)
    except Exception:  # a truncated or stale cache file is rebuilt, never trusted
        return None


def load_dataset(name: str, data_dir: str | os.PathLike | None = None, download: bool = True,
                 imagenet_size: int = 64) -> ImageData:
    """Load ``name`` as tensors, converting and caching it on first use (see module docstring).

    Raises :class:`DatasetNotFoundError` naming the dataset, the places searched and how to get it.
    """
    if name not in DATASETS:
        raise ValueError(f"unknown dataset {name!r}; choose one of: {', '.join(DATASETS)}")
    root = validate.check_data_dir(resolve_data_dir(data_dir))
    validate.check_writable_dir(cache_dir(), "cache folder", "BNSWAP_CACHE_DIR")
    looked: list[str] = []
    for kind, path in _candidates(name, root):
        cpath = _cache_path(name, _cache_key(kind, path, imagenet_size))
        cached = _from_cache(cpath) if cpath.exists() else None
        if cached is not None:
            return cached
        if kind == "archive":
            data = _cifar_jpeg_archive(name, path)
        elif kind == "folder":
            data = _cifar_jpeg_folder(name, path.parent)
        elif kind == "torchvision":
            data = _cifar_torchvision(name, path.parent, download=False)
        elif kind == "tiny":
            data = _tiny_imagenet(path.parent)
        else:
            data = _imagenet(path.parent, imagenet_size)
        data.mean, data.std = _normalisation(data.train_x)
        _to_cache(data, cpath)
        return data
    looked.append(f"data directory {root}" if root else
                  "no data directory (set BNSWAP_DATA_DIR or pass --data-dir)")
    if name in CIFAR:
        cpath = _cache_path(name, "original")
        cached = _from_cache(cpath) if cpath.exists() else None
        if cached is not None:
            return cached
        looked.append(f"cache {cpath}")
        if download:
            try:
                data = _cifar_torchvision(name, cache_dir() / "downloads", download=True)
            except Exception as exc:  # offline, blocked, ...
                looked.append(f"torchvision download failed ({type(exc).__name__}: {exc})")
            else:
                data.mean, data.std = _normalisation(data.train_x)
                _to_cache(data, cpath)
                return data
    raise DatasetNotFoundError(
        f"dataset {name!r} not found. Looked in: {'; '.join(looked)}. To get it: "
        f"{HOW_TO_GET[name]}.")


def stratified_subset(y: torch.Tensor, per_class: int, seed: int = 0) -> torch.Tensor:
    """Indices of the first ``per_class`` examples of every class after a seeded shuffle."""
    gen = torch.Generator().manual_seed(seed)
    order = torch.randperm(y.numel(), generator=gen)
    picked = []
    for c in torch.unique(y):
        picked.append(order[y[order] == c][:per_class])
    return torch.cat(picked).sort().values
