"""The computed Markdown that the chapters show: every sentence and table comes from records.

Nothing here is typed by hand into a chapter. Each module reads the records with the queries of
:mod:`bnswap.analysis` and writes one kind of text:

- :mod:`.markdown`: :func:`show` displays Markdown in a notebook, :func:`markdown_table` builds
  tables, :func:`status_markdown` says how many runs are recorded and how to make the rest;
- :mod:`.provenance`: how the runs were made (:func:`caveats_markdown`), their cost
  (:func:`cost_markdown`), the profiles and the learning-rate pilot;
- :mod:`.comparison`: ours against the paper, with seed noise (:func:`describe_gap`,
  :func:`seed_spread_markdown`, :func:`skewness_order_markdown`, :func:`sweep_markdown`);
- :mod:`.precision`: fp32 against bf16_mixed training (:func:`precision_markdown`);
- :mod:`.layers`: the saturation chapter's per-layer sentences;
- :mod:`.extended`: the extended chapter's tables (:func:`table1_markdown`,
  :func:`table2_markdown`, :func:`depth_markdown`, :func:`gradient_markdown`) and sentences;
- :mod:`.hyperparameters`: the appendix pages: Tables 3-6 beside each profile
  (:func:`hyperparameters_markdown`, :func:`schedule_markdown`), the size of a profile
  (:func:`experiment_size_markdown`) and the results download (:func:`record_rows`,
  :func:`write_csv`);
- :mod:`.takeaways`: each chapter's claims grouped by verdict (:func:`takeaways_markdown`).

Chapters import the package (``from bnswap import report as R``) and call ``R.<function>``.
"""

from __future__ import annotations

from ..paper import ACTIVATION_NAMES, DATASET_NAMES
from .markdown import show, markdown_table, run_command, status_markdown
from .provenance import (describe_setup, seeds_per_configuration, seeds_text, setup_markdown,
                         differences_from_paper, caveats_markdown, cost_rows, cost_markdown,
                         cost_by_arch_markdown, pilot_markdown, profiles_markdown,
                         pilot_summary_markdown)
from .comparison import (seed_gap_noise, seed_spread_markdown, describe_gap,
                         skewness_order_markdown, sweep_markdown)
from .precision import precision_gaps, precision_markdown
from .layers import saturation_summary, channel_summary, saturation_blocks_markdown
from .extended import (table1_markdown, table1_gaps_markdown, dataset_instructions,
                       table2_markdown, depth_markdown, gradient_markdown, learning_markdown,
                       nobn_markdown, fit_markdown, blocks_after_pooling, pooling_markdown,
                       activation_gains_markdown, shifted_tanh_markdown)
from .hyperparameters import (TRAIN_IMAGES, hyperparameter_rows, hyperparameters_markdown,
                              lr_changes, lr_changes_markdown, schedule_rows, schedule_markdown,
                              profile_settings_markdown, train_images, experiment_size,
                              total_size, experiment_size_markdown, size_ratio_markdown,
                              RECORD_FIELDS, SCOREBOARD_FIELDS, experiment_labels, record_rows,
                              scoreboard_rows, csv_text, write_csv, download_summary_markdown)
from .takeaways import verdict_groups, takeaways_markdown

__all__ = [
    "ACTIVATION_NAMES", "DATASET_NAMES", "show", "markdown_table", "run_command",
    "status_markdown", "describe_setup", "seeds_per_configuration", "seeds_text", "setup_markdown",
    "differences_from_paper", "caveats_markdown", "cost_rows", "cost_markdown",
    "cost_by_arch_markdown", "pilot_markdown", "profiles_markdown", "pilot_summary_markdown",
    "seed_gap_noise", "seed_spread_markdown", "describe_gap", "skewness_order_markdown",
    "sweep_markdown", "saturation_summary", "channel_summary", "saturation_blocks_markdown",
    "table1_markdown", "table1_gaps_markdown", "dataset_instructions", "table2_markdown",
    "depth_markdown", "gradient_markdown", "learning_markdown", "nobn_markdown", "fit_markdown",
    "blocks_after_pooling", "pooling_markdown", "activation_gains_markdown",
    "shifted_tanh_markdown", "precision_gaps", "precision_markdown",
    "TRAIN_IMAGES", "hyperparameter_rows", "hyperparameters_markdown", "lr_changes",
    "lr_changes_markdown", "schedule_rows", "schedule_markdown", "profile_settings_markdown",
    "train_images", "experiment_size", "total_size", "experiment_size_markdown",
    "size_ratio_markdown", "RECORD_FIELDS", "SCOREBOARD_FIELDS", "experiment_labels",
    "record_rows", "scoreboard_rows", "csv_text", "write_csv", "download_summary_markdown",
    "verdict_groups", "takeaways_markdown",
]
