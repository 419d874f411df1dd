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
        from bnswap.runner import worker_pool

        def busy(_):
            print(os.getpid(), flush=True)
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
