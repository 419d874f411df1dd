"""The CPU allocator setting: freed large tensors are reused instead of page-faulted in again."""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

# One "step" holds four activation-sized tensors (64, 32, 48 and 64 MB; glibc's largest dynamic mmap
# threshold is 32 MB) and frees them, as a full-width training step does. glibc's memalign path
# needs a few steps before freed blocks coalesce into reusable ones, so faults are counted over
# steps 6-10: about 53,000 per step without the setting (every page of every tensor), and with it
# usually 0 (now and then one tensor's 16,384 while the heap settles).
PROBE = """
import json, resource, torch
from bnswap.core.allocator import keep_freed_memory
on = keep_freed_memory()
def faults_for_one_step():
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    tensors = [torch.empty(n << 20).fill_(1.0) for n in (16, 8, 12, 16)]
    del tensors
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before
steps = [faults_for_one_step() for _ in range(10)]
print(json.dumps({"on": on, "faults": sum(steps[5:])}))
"""


def probe(malloc: str | None) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "BNSWAP_MALLOC"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    if malloc is not None:
        env["BNSWAP_MALLOC"] = malloc
    out = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True,
                         timeout=120, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.skipif(platform.system() != "Linux" or platform.libc_ver()[0] != "glibc",
                    reason="the setting is glibc-specific")
def test_freed_large_tensors_are_reused_without_page_faults() -> None:
    default, kept = probe("default"), probe(None)
    assert default["on"] is False and kept["on"] is True
    assert default["faults"] > 5 * 40000  # glibc unmaps each block on free and maps it afresh
    assert kept["faults"] < default["faults"] / 5  # mostly the same pages are handed back


def test_setting_is_reported_in_records_environment() -> None:
    import torch

    from bnswap.core.train import device_info

    from bnswap.core.allocator import keep_freed_memory
    from bnswap.core.train import code_version

    info = device_info(torch.device("cpu"))
    assert info["malloc_keeps_freed_memory"] is keep_freed_memory()
    assert info["code"] == code_version() and info["code"]  # a commit (+dirty) or the version
