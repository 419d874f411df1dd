"""Numbers only (the middle layer): queries on records, the paper's numbers, seed noise and
contrasts, the verdict rules, the claims scored as findings, and Gaussian closed forms. Nothing
here writes a sentence, loads a record or trains: the chapters and the command line pass records
in. The chapters read the most used names as one namespace (``from bnswap import findings as A``).
"""

from .compare import seed_gap_noise
from .paper import PAPER, paper
from .pilot import best_rate_gap
from .records import accuracy, average_metric, by_label, group_by, records_of, sweep_points
from .stats import contrast, fit_line, signed

__all__ = ["PAPER", "paper", "accuracy", "average_metric", "by_label", "group_by", "records_of",
           "sweep_points", "contrast", "fit_line", "signed", "seed_gap_noise", "best_rate_gap"]
