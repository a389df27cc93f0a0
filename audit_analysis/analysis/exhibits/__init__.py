"""The analysis stage's output: exhibits, each one finding of the paper held as data."""

from audit_analysis.analysis.exhibits.build import build_exhibits
from audit_analysis.analysis.exhibits.model import ChartSpec, Exhibit, Exhibits, quantity

__all__ = ["ChartSpec", "Exhibit", "Exhibits", "build_exhibits", "quantity"]
