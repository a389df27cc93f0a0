"""The analysis stage's output: exhibits, each one finding of the paper held as data.

`build_exhibits` is loaded on first use: a kernel that only reads filed exhibits (notebooks
02–04) then never imports the builders and what they need (scipy for the intruder check).
"""

from audit_analysis.analysis.exhibits.model import ChartSpec, Exhibit, Exhibits, quantity

__all__ = ["ChartSpec", "Exhibit", "Exhibits", "build_exhibits", "quantity"]


def __getattr__(name: str):
    if name == "build_exhibits":
        from audit_analysis.analysis.exhibits.build import build_exhibits

        return build_exhibits
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
