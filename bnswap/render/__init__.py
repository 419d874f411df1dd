"""Words and pictures (the top layer): the chapters' computed Markdown, the scoreboard's rows,
the figures and the explorer. Every number comes from :mod:`bnswap.findings`; nothing here
loads a record or trains. The chapters read the sentences as one namespace
(``from bnswap import render as R``): markdown (display, tables, run status), provenance (setup,
caveats, cost, profiles, pilot), comparison (gaps against seed noise, sweeps), layers (the
saturation chapter), tables (Tables 1, 2, 7), extended (gradients, fit, NoBN, pooling, shifted
Tanh), precision (fp32 against bf16_mixed), hyperparameters (the appendix pages: Tables 3-6
beside each profile, a profile's size, the results download), takeaways (each chapter's claims
by verdict).
"""

from ..core.registries import DATASET_NAMES
from .comparison import (describe_gap, metric_by_profile_markdown, seed_spread_markdown,
                         skewness_order_brief, skewness_order_markdown, sweep_markdown)
from .extended import (blocks_after_pooling, fit_markdown, gradient_markdown, learning_markdown,
                       nobn_markdown, pooling_markdown, shifted_comparison,
                       shifted_table_markdown, shifted_tanh_markdown)
from .hyperparameters import (RECORD_FIELDS, SCOREBOARD_FIELDS, TRAIN_IMAGES, csv_text,
                              download_summary_markdown, experiment_labels, experiment_size,
                              experiment_size_markdown, hyperparameter_rows,
                              hyperparameters_markdown, lr_changes, lr_changes_markdown,
                              profile_settings_markdown, record_rows, schedule_markdown,
                              schedule_rows, scoreboard_rows, size_ratio_markdown,
                              sweep_shrink_markdown, total_size, train_images, write_csv)
from .layers import channel_summary, saturation_blocks_markdown, saturation_summary
from .markdown import glue, markdown_table, run_command, show, status_markdown
from .precision import layer_precision_markdown, precision_cost_markdown, precision_markdown
from .provenance import (caveats_markdown, cost_by_arch_markdown, cost_markdown, cost_rows,
                         describe_setup, differences_from_paper, pilot_markdown,
                         pilot_summary_markdown, profiles_markdown, setup_line, setup_markdown)
from .tables import (activation_gains_markdown, dataset_instructions, depth_markdown,
                     table1_gaps_markdown, table1_markdown, table2_markdown)
from .takeaways import takeaways_markdown, verdict_groups

__all__ = [
    "DATASET_NAMES", "describe_gap", "metric_by_profile_markdown", "seed_spread_markdown",
    "skewness_order_markdown", "skewness_order_brief", "sweep_markdown", "sweep_shrink_markdown",
    "blocks_after_pooling", "fit_markdown", "gradient_markdown",
    "learning_markdown", "nobn_markdown",
    "pooling_markdown", "shifted_comparison", "shifted_table_markdown", "shifted_tanh_markdown",
    "channel_summary", "saturation_blocks_markdown",
    "saturation_summary", "glue", "markdown_table", "run_command", "show", "status_markdown",
    "precision_markdown", "layer_precision_markdown", "precision_cost_markdown", "caveats_markdown", "cost_by_arch_markdown", "cost_markdown",
    "cost_rows", "describe_setup", "differences_from_paper",
    "pilot_markdown", "pilot_summary_markdown", "profiles_markdown", "setup_line", "setup_markdown",
    "activation_gains_markdown", "dataset_instructions", "depth_markdown",
    "table1_gaps_markdown", "table1_markdown", "table2_markdown",
    "TRAIN_IMAGES", "hyperparameter_rows", "hyperparameters_markdown", "lr_changes",
    "lr_changes_markdown", "schedule_rows", "schedule_markdown", "profile_settings_markdown",
    "train_images", "experiment_size", "total_size", "experiment_size_markdown",
    "size_ratio_markdown", "RECORD_FIELDS", "SCOREBOARD_FIELDS", "experiment_labels",
    "record_rows", "scoreboard_rows", "csv_text", "write_csv", "download_summary_markdown",
    "verdict_groups", "takeaways_markdown",
]
