"""pytest settings for the chapter notebooks (``pytest --nbval`` re-executes them).

nbval starts each notebook's kernel after this module is imported, and the kernel inherits this
environment:

* ``BNSWAP_NO_TRAIN=1``: a chapter never trains here; a missing record shows as "not run", so a
  chapter whose committed outputs came from a record that is not committed fails loudly instead
  of training for hours.
* ``BNSWAP_RESULTS_DIR`` is removed: the committed outputs were made from the repository's
  ``results/``, so they must be compared against exactly that store.
* the repository is put on ``PYTHONPATH`` so ``import bnswap`` works without an install.
* matplotlib's inline backend in the kernel is left alone; nbval does not compare images.
* ``BNSWAP_BATCH=1``: no reader moves a slider here, so the explorer's live ipywidgets panel is
  skipped (a live ``Output`` widget can leave a notebook client waiting forever).
"""

import os
from pathlib import Path

from bnswap.render.explorer import BATCH_ENV

REPO = Path(__file__).resolve().parent.parent

os.environ["BNSWAP_NO_TRAIN"] = "1"
os.environ.pop("BNSWAP_RESULTS_DIR", None)
os.environ["PYTHONPATH"] = os.pathsep.join(
    p for p in (str(REPO), os.environ.get("PYTHONPATH")) if p)
os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
os.environ[BATCH_ENV] = "1"

# Folders next to the chapters that hold no chapters (executed copies, failures, build output).
collect_ignore_glob = ["_build/*", "**/.ipynb_checkpoints/*", "*.failed.ipynb"]
