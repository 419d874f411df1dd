"""Recovery: damaged checkpoints start the run over, Ctrl-C ends in one line, an ambiguous key
prefix lists its matches, a stray file in the store is skipped, a changed data folder rebuilds
its cache."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

import bnswap.__main__ as cli
from bnswap.core import interrupt
from bnswap.core.data import load_dataset
from bnswap.core.train import train
from bnswap.runs.experiments import paper_spec
from bnswap.runs.results import Store


def tiny_spec(**changes):
    return paper_spec("vgg16_8", "swap", "tanh", "cifar10", width=0.125, epochs=2,
                      milestones=(), batch_size=40, lr=0.05, profile="test").replace(**changes)


def strip(history):
    return [{k: v for k, v in h.items() if k != "seconds"} for h in history]


@pytest.mark.parametrize("damage", ["truncated", "garbage", "empty"])
def test_damaged_checkpoint_is_discarded_and_the_run_starts_over(tiny_data, tmp_path, capsys,
                                                                  damage) -> None:
    spec = tiny_spec()
    ckpt = tmp_path / "run.pt"
    train(spec, tiny_data, checkpoint=ckpt, progress=False, stop_after=1)
    raw = ckpt.read_bytes()
    ckpt.write_bytes({"truncated": raw[: len(raw) // 3], "garbage": b"\x00junk" * 50,
                      "empty": b""}[damage])
    resumed = train(spec, tiny_data, checkpoint=ckpt, progress=False)
    fresh = train(spec, tiny_data, progress=False)
    assert resumed["complete"] and strip(resumed["history"]) == strip(fresh["history"])
    err = capsys.readouterr().err
    assert f"discarding the checkpoint {ckpt}" in err and "starts over from epoch 1" in err


def test_ctrl_c_is_one_line_saying_how_to_resume(monkeypatch, capsys) -> None:
    def interrupted(*args, **kwargs):
        interrupt.note("vgg16_11 swap tanh cifar100 [cpu]", 3)
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "run_specs", interrupted)
    with pytest.raises(SystemExit) as exc:
        cli.main(["train", "--profile", "smoke", "--no-progress"])
    assert exc.value.code == 130
    err = capsys.readouterr().err.strip()
    assert err.splitlines() == [err]
    assert err.startswith("interrupted at epoch 4 of vgg16_11 swap tanh cifar100 [cpu]; rerun "
                          "the same command to resume")


def test_ambiguous_prefix_lists_the_matches(tmp_path, capsys) -> None:
    store = tmp_path / "store"
    store.mkdir()
    for key in ("e000000000000001", "e000000000000002", "f000000000000003"):
        (store / f"{key}.json").write_text("{}")
    with pytest.raises(SystemExit) as exc:
        cli.main(["measure", "e", "--results-dir", str(store)])
    message = str(exc.value)
    assert "matches 2 records" in message and "e000000000000001, e000000000000002" in message
    assert "f000000000000003" not in message and "give more digits" in message


def test_a_non_record_file_is_skipped_with_a_warning(tmp_path, capsys) -> None:
    store = Store(tmp_path / "store")
    spec = tiny_spec()
    store.save(spec, {"status": "failed", "error": "deliberate"})
    (store.root / "notes.json").write_text("my notes, not a record")
    assert [r["key"] for r in store.records()] == [spec.key()]
    assert "ignoring" in capsys.readouterr().err
    cli.main(["measure", spec.key()[:6], "--results-dir", str(store.root)])
    assert "FAILED: deliberate" in capsys.readouterr().out


def _png(value: int) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(np.full((32, 32, 3), value, np.uint8)).save(buf, format="PNG")
    return buf.getvalue()


def test_a_changed_data_folder_rebuilds_its_cache(tmp_path) -> None:
    root = tmp_path / "data"
    for split, n in (("train", 2), ("test", 1)):
        for cls in ("a", "b"):
            (root / "cifar10" / split / cls).mkdir(parents=True)
            for i in range(n):
                (root / "cifar10" / split / cls / f"{i}.png").write_bytes(_png(40 * i + 20))
    assert load_dataset("cifar10", root, download=False).train_x.shape[0] == 4
    (root / "cifar10" / "train" / "a" / "9.png").write_bytes(_png(200))
    assert load_dataset("cifar10", root, download=False).train_x.shape[0] == 5
