"""One trainer per run: a second process asking for a run that is being trained waits for its
record (and says who trains it) instead of training it again."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from bnswap.core.spec import RunSpec
from bnswap.runs.lock import lock_path, run_lock
from bnswap.runs.results import Store, run_or_load

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="flock is POSIX")
REPO = Path(__file__).resolve().parents[1]
SPEC = RunSpec("vgg16_8", "swap", "tanh", "cifar10", 0.01, 0, 0, 0, 1, ())

TRAINER = textwrap.dedent("""
    import json, sys, time
    from bnswap.runs.lock import run_lock
    from bnswap.runs.results import Store
    from bnswap.core.spec import RunSpec
    root, spec = sys.argv[1], RunSpec.from_dict(json.loads(sys.argv[2]))
    with run_lock(root, spec.key()):
        print("locked", flush=True)
        time.sleep(3)
        Store(root).save(spec, {"status": "complete", "note": "trained by the first process"})
""")


def test_second_process_waits_for_the_first_ones_record(tmp_path, capsys) -> None:
    root = tmp_path / "results"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(REPO),
                                                                  os.environ.get("PYTHONPATH")])))
    first = subprocess.Popen([sys.executable, "-c", TRAINER, str(root),
                              json.dumps(SPEC.to_dict())], stdout=subprocess.PIPE, text=True,
                             env=env)
    try:
        assert first.stdout.readline().strip() == "locked"

        def must_not_train():
            raise AssertionError("the second process trained the run as well")

        record = run_or_load(SPEC, must_not_train, store=Store(root), progress=False)
    finally:
        first.wait(timeout=60)
    assert record["note"] == "trained by the first process"
    err = capsys.readouterr().err
    assert f"is being trained by process {first.pid}" in err and "waiting for its record" in err
    assert not lock_path(root, SPEC.key()).exists(), "the lock file is removed on release"


def test_lock_is_reentrant_across_sequential_uses(tmp_path) -> None:
    for _ in range(3):
        with run_lock(tmp_path, "k") as waited:
            assert waited is False
            assert lock_path(tmp_path, "k").read_text() == str(os.getpid())
    assert not lock_path(tmp_path, "k").exists()
