"""The results store: one JSON record per run, named by the hash of its :class:`RunSpec`.

A record holds everything a chapter needs to draw its figures (spec, profile, data provenance,
environment, per-epoch curves, final accuracy, per-layer metrics, distribution samples, gradient
scales), so the book renders without checkpoints or a GPU. Records are written atomically
(temporary file + rename) and carry a checksum of their content: a truncated or edited record is
detected and never silently used. :func:`run_or_load` trains only when a record is missing.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
from pathlib import Path
from typing import Callable, Iterable

from ..core.paths import cache_dir
from ..core.spec import RunSpec

FORMAT = 1
DEFAULT_DIR = Path(__file__).resolve().parents[2] / "results"


class CorruptRecordError(ValueError):
    """A record file exists but is truncated, unparsable or fails its checksum."""


class MissingRecordError(LookupError):
    """A record is missing and training is not allowed here (``BNSWAP_NO_TRAIN=1``)."""


def results_dir(explicit: str | os.PathLike | None = None) -> Path:
    """``explicit``, else ``$BNSWAP_RESULTS_DIR``, else the repository's ``results/``."""
    value = explicit or os.environ.get("BNSWAP_RESULTS_DIR")
    return Path(value).expanduser() if value else DEFAULT_DIR


def _canonical(obj) -> str:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"))


def _checksum(body: dict) -> str:
    return hashlib.sha256(_canonical(body).encode()).hexdigest()


def training_allowed() -> bool:
    return os.environ.get("BNSWAP_NO_TRAIN", "") not in ("1", "true", "yes")


class Store:
    """A folder of records: ``<root>/<spec key>.json``."""

    def __init__(self, root: str | os.PathLike | None = None) -> None:
        self.root = results_dir(root)

    def path(self, spec: RunSpec) -> Path:
        return self.root / f"{spec.key()}.json"

    def exists(self, spec: RunSpec) -> bool:
        return self.path(spec).exists()

    def load(self, spec: RunSpec) -> dict | None:
        """The record of ``spec``, or None when there is none. Raises CorruptRecordError."""
        path = self.path(spec)
        if not path.exists():
            return None
        record = read_record(path)
        if record["spec"] != spec.to_dict():
            raise CorruptRecordError(f"{path} holds a different spec than its name says")
        return record

    def save(self, spec: RunSpec, body: dict) -> dict:
        """Write ``body`` (status, results, ...) as the record of ``spec``, atomically."""
        record = {"format": FORMAT, "key": spec.key(), "spec": spec.to_dict(),
                  "created": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
                  **body}
        record["checksum"] = _checksum(record)
        path = self.path(spec)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        try:
            tmp.write_text(json.dumps(record, indent=1, sort_keys=True) + "\n")
            os.replace(tmp, path)
        except BaseException:  # a failed write leaves neither a partial record nor a temp file
            tmp.unlink(missing_ok=True)
            raise
        return record

    def records(self) -> Iterable[dict]:
        """Every record of the store, in key order. A corrupt one raises
        :class:`CorruptRecordError` naming its file: it is never skipped silently. A file whose
        name is not a record key (``notes.json``) is not a record: it is skipped with a warning."""
        for path in self.record_paths():
            yield read_record(path)

    def record_paths(self, prefix: str = "") -> list[Path]:
        """The record files whose key starts with ``prefix``, in key order (others warned of)."""
        from .store_files import record_files

        return record_files(self.root, prefix)


def read_record(path: Path) -> dict:
    try:
        record = json.loads(Path(path).read_text())
    except (OSError, json.JSONDecodeError) as exc:
        raise CorruptRecordError(f"record {path} is unreadable ({exc}); delete it to re-run") from exc
    if not isinstance(record, dict) or not isinstance(record.get("spec"), dict):
        raise CorruptRecordError(f"record {path} holds {type(record).__name__} JSON, not a record "
                                 f"(an object with a spec); delete it to re-run")
    body = {k: v for k, v in record.items() if k != "checksum"}
    if record.get("checksum") != _checksum(body):
        raise CorruptRecordError(f"record {path} fails its checksum; delete it to re-run")
    return record


def checkpoint_path(spec: RunSpec, checkpoint_dir: str | os.PathLike | None = None) -> Path:
    """Where an interrupted run of ``spec`` keeps its last epoch (default: under the data cache
    directory)."""
    return (Path(checkpoint_dir) if checkpoint_dir else cache_dir() / "checkpoints") / \
        f"{spec.key()}.pt"


def run_or_load(spec: RunSpec, load_data: Callable[[], "object"], *, store: Store | None = None,
                device: str = "cpu", progress: bool = True, profile: dict | None = None,
                checkpoint_dir: str | os.PathLike | None = None) -> dict:
    """The record of ``spec``: loaded if present, otherwise trained, measured and saved.

    ``load_data`` is called only when training is needed. A run that diverges is saved with
    ``status: "failed"`` (and returned as such, never as a result). Interrupted runs resume from
    their last epoch checkpoint in ``checkpoint_dir`` (default: the data cache directory).
    Importing this module needs no torch: the trainer (:mod:`bnswap.core.train`) is imported
    here, when a run must be trained.
    """
    store = store or Store()
    record = store.load(spec)
    if record is not None:
        return record
    _refuse_untrainable(spec, store)
    from .lock import run_lock

    with run_lock(store.root, spec.key(), spec.short()) as waited:
        record = store.load(spec) if waited else None
        if record is not None:
            return record
        return _train_and_save(spec, load_data, store, device, progress, profile, checkpoint_dir)


def _refuse_untrainable(spec: RunSpec, store: Store) -> None:
    """Raise when ``spec`` may not be trained here: training is off, or the store is no folder
    this process can write to (checked before any data is loaded)."""
    from ..core.validate import check_writable_dir

    if not training_allowed():
        raise MissingRecordError(
            f"no record for {spec.short()} ({store.path(spec).name} in {store.root}) and "
            f"BNSWAP_NO_TRAIN is set: unset BNSWAP_NO_TRAIN to train it, or train the experiment "
            f"that lists it (`python -m bnswap experiment NAME --profile {spec.profile}`; "
            f"`python -m bnswap list` names them)")
    check_writable_dir(store.root, "results folder", "--results-dir or BNSWAP_RESULTS_DIR")


def _train_and_save(spec: RunSpec, load_data: Callable[[], "object"], store: Store, device: str,
                    progress: bool, profile: dict | None,
                    checkpoint_dir: str | os.PathLike | None) -> dict:
    from .health import result_problem
    from .reproduce import reproduction
    from ..core.train import DivergedError, train

    data = load_data()
    ckpt = checkpoint_path(spec, checkpoint_dir)
    base = {"profile": profile or {"name": spec.profile}, "data": data.provenance(),
            "reproduce": reproduction(spec, device)}
    try:
        result = train(spec, data, device=device, checkpoint=ckpt, progress=progress)
    except DivergedError as exc:
        record = store.save(spec, {**base, "status": "failed", "error": str(exc)})
        ckpt.unlink(missing_ok=True)
        return record
    result.pop("model")  # the trained module is not part of a record
    problem = result_problem(result)
    if problem:
        record = store.save(spec, {**base, "status": "failed", "error": f"{spec.short()}: {problem}"})
        ckpt.unlink(missing_ok=True)
        return record
    record = store.save(spec, {**base, "status": "complete", **result})
    ckpt.unlink(missing_ok=True)  # the record is written (atomically): the checkpoint is spent
    return record
