"""The runner's worker pool: workers must not outlive the process that started them."""

import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="parent-death signal is Linux-only")

def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie still answers kill(pid, 0); it has stopped running all the same
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(") ", 1)[1][0] != "Z"
    except FileNotFoundError:  # reaped between the two looks
        return False


def _wait_dead(pids: list[int], timeout: float) -> list[int]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        alive = [p for p in pids if _alive(p)]
        if not alive:
            return []
        time.sleep(0.1)
    return [p for p in pids if _alive(p)]


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"])
def test_pool_workers_end_when_parent_is_killed(tmp_path, how):
    """A parent killed mid-run (even by SIGKILL, which runs no cleanup) takes its busy workers
    with it, instead of leaving them to train on as orphans."""
    script = tmp_path / "parent.py"
    script.write_text(textwrap.dedent("""
        import os, sys, time
        from bnswap.runs.runner import worker_pool

        def busy(_):
            os.write(1, f"{os.getpid()}\\n".encode())  # one write: the two workers never interleave
            time.sleep(120)

        if __name__ == "__main__":
            with worker_pool(2) as pool:
                pool.map(busy, range(2), chunksize=1)
    """))
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    parent = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True,
                              cwd=tmp_path, env=env)
    try:
        workers = [int(parent.stdout.readline()) for _ in range(2)]
        assert all(_alive(p) for p in workers)
        parent.send_signal(how)
        parent.wait(timeout=30)
        assert _wait_dead(workers, timeout=30) == []
    finally:
        parent.kill()
        parent.wait()


def _fake_cifar10(root) -> None:
    """A tiny CIFAR-10 in the extracted class-folder layout: 10 training and 2 test PNGs per
    class, each class a flat colour plus noise (enough for the smoke profile's subset)."""
    import io

    import numpy as np
    from PIL import Image

    rng = np.random.default_rng(0)
    for split, n in (("train", 10), ("test", 2)):
        for c in range(10):
            folder = root / "cifar10" / split / f"class{c}"
            folder.mkdir(parents=True)
            for i in range(n):
                arr = np.clip(25 * c + rng.integers(-8, 9, (32, 32, 3)), 0, 255).astype(np.uint8)
                buf = io.BytesIO()
                Image.fromarray(arr).save(buf, format="PNG")
                (folder / f"{i}.png").write_bytes(buf.getvalue())


def test_two_jobs_record_what_one_job_records(tmp_path):
    """run_specs with jobs=2 (a spawned worker pool) writes the same records as jobs=1 in this
    process: the same specs, statuses and final numbers (training is seeded)."""
    from bnswap.runs.profiles import get_profile
    from bnswap.runs.experiments import paper_spec
    from bnswap.runs.results import Store
    from bnswap.runs.runner import RunOptions, run_specs

    _fake_cifar10(tmp_path / "data")
    prof = get_profile("smoke")
    specs = [prof.apply(paper_spec("vgg11", order, "tanh", "cifar10"))[0]
             for order in ("convention", "swap")]
    finals = {}
    for jobs in (2, 1):
        opts = RunOptions(data_dir=str(tmp_path / "data"),
                          results_dir=str(tmp_path / f"results{jobs}"), progress=False, threads=1)
        records = run_specs(specs, prof, opts, jobs=jobs)
        assert [r["key"] for r in records] == [s.key() for s in specs]
        assert all(r["status"] == "complete" for r in records)
        assert all(Store(opts.results_dir).exists(s) for s in specs)
        finals[jobs] = [r["final"] for r in records]
    assert finals[2] == finals[1]
