"""The results store: records keyed by spec hash, atomic, checksummed, trained only when missing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import bnswap.core.train as train_module
from bnswap.core.spec import RunSpec
from bnswap.runs.experiments import paper_spec
from bnswap.runs.results import (CorruptRecordError, MissingRecordError, Store, read_record,
                                 results_dir, run_or_load, training_allowed)

BODY = {"status": "complete", "profile": {"name": "test"},
        "data": {"dataset": "cifar10", "source": "jpeg-copy"},
        "history": [{"epoch": 1, "train_loss": 2.1, "test_acc": 31.5}],
        "final": {"test_acc": 31.5}, "layers": [{"layer": 1, "saturation": 0.25}]}


def spec(**changes) -> RunSpec:
    base = paper_spec("vgg16_8", "swap", "tanh", "cifar10", width=0.125, epochs=1,
                      milestones=(), batch_size=32, lr=0.05, profile="test")
    return base.replace(**changes)


def test_save_load_roundtrip(tmp_path) -> None:
    store = Store(tmp_path / "store")
    s = spec()
    saved = store.save(s, BODY)
    assert saved["key"] == s.key()
    assert store.path(s) == tmp_path / "store" / f"{s.key()}.json"
    assert store.exists(s)
    loaded = store.load(s)
    assert loaded == saved
    assert RunSpec.from_dict(loaded["spec"]) == s
    for key, value in BODY.items():
        assert loaded[key] == value
    assert store.load(spec(seed=1)) is None  # another spec has no record
    assert list(store.records()) == [saved]


def test_key_is_content_hash_of_spec() -> None:
    a, b = spec(), spec()
    assert a.key() == b.key() and len(a.key()) == 16
    assert spec(seed=1).key() != a.key()
    assert spec(wd_beta=1e-4).key() != a.key()
    assert RunSpec.from_dict(json.loads(json.dumps(a.to_dict()))).key() == a.key()


def test_results_dir_setting(tmp_path, monkeypatch) -> None:
    assert results_dir() == tmp_path / "results"  # set by the autouse fixture
    assert Store().root == tmp_path / "results"
    assert results_dir(tmp_path / "x") == tmp_path / "x"


def test_truncated_record_is_detected(tmp_path) -> None:
    store = Store(tmp_path)
    s = spec()
    store.save(s, BODY)
    text = store.path(s).read_text()
    store.path(s).write_text(text[: len(text) // 2])
    with pytest.raises(CorruptRecordError, match="delete it"):
        store.load(s)
    with pytest.raises(CorruptRecordError):
        list(store.records())


@pytest.mark.parametrize("edit", ["accuracy", "drop_layers", "checksum"])
def test_edited_record_fails_its_checksum(tmp_path, edit: str) -> None:
    store = Store(tmp_path)
    s = spec()
    store.save(s, BODY)
    record = json.loads(store.path(s).read_text())
    if edit == "accuracy":
        record["final"]["test_acc"] = 99.9
    elif edit == "drop_layers":
        del record["layers"]
    else:
        record["checksum"] = "0" * 64
    store.path(s).write_text(json.dumps(record))  # valid JSON, wrong content
    with pytest.raises(CorruptRecordError, match="checksum"):
        store.load(s)
    with pytest.raises(CorruptRecordError):
        read_record(store.path(s))


def test_record_under_another_specs_name_is_rejected(tmp_path) -> None:
    store = Store(tmp_path)
    a, b = spec(), spec(seed=7)
    store.save(a, BODY)
    store.path(a).rename(store.path(b))
    with pytest.raises(CorruptRecordError, match="different spec"):
        store.load(b)


def test_run_or_load_returns_existing_record_without_training(tmp_path, monkeypatch) -> None:
    store = Store(tmp_path)
    s = spec()
    saved = store.save(s, BODY)

    def no_training(*_a, **_k):
        raise AssertionError("trained although a record exists")

    monkeypatch.setattr(train_module, "train", no_training)
    assert run_or_load(s, lambda: pytest.fail("loaded data"), store=store) == saved
    monkeypatch.setenv("BNSWAP_NO_TRAIN", "1")  # existing records load even where training is off
    assert run_or_load(s, lambda: pytest.fail("loaded data"), store=store) == saved


def test_run_or_load_refuses_corrupt_record(tmp_path, monkeypatch) -> None:
    store = Store(tmp_path)
    s = spec()
    store.save(s, BODY)
    store.path(s).write_text("{")
    monkeypatch.setattr(train_module, "train", lambda *a, **k: pytest.fail("trained"))
    with pytest.raises(CorruptRecordError):
        run_or_load(s, lambda: pytest.fail("loaded data"), store=store)


@pytest.mark.parametrize("value", ["1", "true", "yes"])
def test_no_train_setting_raises_missing_record(tmp_path, monkeypatch, value: str) -> None:
    monkeypatch.setenv("BNSWAP_NO_TRAIN", value)
    assert not training_allowed()
    s = spec()
    with pytest.raises(MissingRecordError) as err:
        run_or_load(s, lambda: pytest.fail("loaded data"), store=Store(tmp_path))
    assert "BNSWAP_NO_TRAIN" in str(err.value) and s.key() in str(err.value)
    assert not any(tmp_path.iterdir())


def test_training_allowed_by_default(monkeypatch) -> None:
    assert training_allowed()
    monkeypatch.setenv("BNSWAP_NO_TRAIN", "0")
    assert training_allowed()


def test_run_or_load_trains_saves_and_then_loads(tmp_path, tiny_data) -> None:
    store = Store(tmp_path / "store")
    s = spec()
    calls = []

    def load():
        calls.append(1)
        return tiny_data

    record = run_or_load(s, load, store=store, progress=False, checkpoint_dir=tmp_path / "ckpt",
                         profile={"name": "test", "epochs": 1})
    assert calls == [1]
    assert list((tmp_path / "ckpt").iterdir()) == []  # spent once the record is written
    assert record["status"] == "complete" and record["key"] == s.key()
    assert record["profile"] == {"name": "test", "epochs": 1}
    assert record["data"] == tiny_data.provenance()
    assert "model" not in record
    for key in ("history", "final", "layers", "train_seconds", "images_per_second",
                "environment", "checksum", "created"):
        assert key in record
    json.dumps(record)  # plain JSON
    assert read_record(store.path(s)) == record
    assert run_or_load(s, load, store=store) == record and calls == [1]


def test_atomic_write_leaves_no_temporary_files(tmp_path) -> None:
    store = Store(tmp_path / "store")
    specs = [spec(seed=i) for i in range(3)]
    for s in specs:
        store.save(s, BODY)
    store.save(specs[0], {**BODY, "final": {"test_acc": 40.0}})  # overwrite in place
    names = sorted(p.name for p in (tmp_path / "store").iterdir())
    assert names == sorted(f"{s.key()}.json" for s in specs)
    assert store.load(specs[0])["final"] == {"test_acc": 40.0}


def test_failed_write_keeps_the_old_record(tmp_path, monkeypatch) -> None:
    store = Store(tmp_path)
    s = spec()
    old = store.save(s, BODY)

    def broken_write(self: Path, text: str, *args, **kwargs):
        with open(self, "w") as f:
            f.write(text[: len(text) // 3])
        raise OSError("disk full")

    with monkeypatch.context() as m:
        m.setattr(Path, "write_text", broken_write)
        with pytest.raises(OSError, match="disk full"):
            store.save(s, {**BODY, "final": {"test_acc": 1.0}})
    assert store.load(s) == old
    assert [p.name for p in tmp_path.iterdir()] == [f"{s.key()}.json"]


def test_training_queue_resumes_interrupted_runs_first(tmp_path, monkeypatch) -> None:
    from bnswap.runs.results import checkpoint_path
    from bnswap.runs.runner import training_queue

    monkeypatch.setenv("BNSWAP_CACHE_DIR", str(tmp_path / "cache"))
    store = Store(tmp_path / "store")
    specs = [spec(seed=k) for k in range(5)]
    store.save(specs[1], BODY)  # done: not queued
    for k in (3, 4):  # interrupted: a checkpoint exists
        path = checkpoint_path(specs[k])
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"")
    assert checkpoint_path(specs[3]) == tmp_path / "cache" / "checkpoints" / f"{specs[3].key()}.pt"
    queue = training_queue(specs + [specs[0]], store)
    assert [s.seed for s in queue] == [3, 4, 0, 2]


def test_committed_records_are_named_by_their_specs_key() -> None:
    """No change to RunSpec may change a key: every committed record's file name is the hash of
    the spec it holds, and each is read back intact."""
    from bnswap.runs.results import DEFAULT_DIR, read_record

    paths = sorted(DEFAULT_DIR.glob("*.json"))
    assert paths, "no committed records"
    for path in paths:
        record = read_record(path)
        assert RunSpec.from_dict(record["spec"]).key() == path.stem == record["key"], path
