"""The typed result of a batch: one outcome per workbook, and the portfolio's numbers.

``WorkbookOutcome.to_dict()`` is one entry of ``portfolio.json``; ``from_dict`` reads
it back, which is how ``--resume`` keeps the numbers of a workbook it skips.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from datetime import date
from typing import Any

from ftreport.model.format import date_of_day
from ftreport.model.problems import Problem

# Statuses: ran now; skipped by --resume (input, tool and settings unchanged); its
# input has problems; anything else went wrong.
OK, UNCHANGED, BAD_INPUT, FAILED = "ok", "unchanged", "bad-input", "failed"
COMPLETED = (OK, UNCHANGED)


@dataclass
class WorkbookOutcome:
    """What happened to one workbook, with the numbers its portfolio row shows."""

    file: str  # as named on the command line (or found in a folder named there)
    path: str  # absolute: the --resume key
    status: str
    folder: str = ""  # its outputs' folder, relative to OUTDIR
    sha256: str | None = None
    tool_version: str | None = None
    settings: dict[str, Any] = field(default_factory=dict)  # iterations, seed, pdf
    seconds: float | None = None
    problems: list[Problem] = field(default_factory=list)
    error: str | None = None
    outputs: dict[str, str] = field(default_factory=dict)  # kind -> path relative to OUTDIR
    # The portfolio row, from the run's JSON (None when it did not run).
    scenario: str | None = None
    currency: str | None = None
    baseline: str | None = None
    recommended: str | None = None
    savings: float | None = None  # the recommended option's savings_vs_baseline
    pv_savings: float | None = None  # baseline npv_cost minus recommended npv_cost
    payback_day: int | None = None  # the recommended option's break_even_day
    payback_date: str | None = None  # ISO date of the payback day
    p_cheapest: float | None = None  # the recommended option's, when simulated
    warnings: int | None = None

    @property
    def completed(self) -> bool:
        return self.status in COMPLETED

    def to_dict(self) -> dict[str, Any]:
        values = asdict(self)
        values["problems"] = [p.to_dict() for p in self.problems]
        return values

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> WorkbookOutcome:
        known = {f.name for f in fields(cls)}
        kept = {k: v for k, v in values.items() if k in known}
        kept["problems"] = [problem_from_dict(p) for p in values.get("problems", [])]
        return cls(**kept)


@dataclass
class BatchResult:
    """What ``ftreport.batch`` ran and wrote. ``to_dict()`` is ``portfolio.json``."""

    outdir: str
    outcomes: list[WorkbookOutcome]
    skipped: list[str] = field(default_factory=list)  # named files not run, with the reason
    portfolio: dict[str, str] = field(default_factory=dict)  # kind -> path written
    generated_at: str = ""
    tool_version: str = ""
    settings: dict[str, Any] = field(default_factory=dict)

    @property
    def exit_code(self) -> int:
        """0 when every workbook ran, 1 when any failed, else 2 when any had bad input."""
        statuses = {o.status for o in self.outcomes}
        if FAILED in statuses:
            return 1
        return 2 if BAD_INPUT in statuses else 0

    def count(self, status: str) -> int:
        return sum(o.status == status for o in self.outcomes)

    def to_dict(self) -> dict[str, Any]:
        return {"tool_version": self.tool_version, "generated_at": self.generated_at,
                "settings": dict(self.settings),
                "counts": {s: self.count(s) for s in (OK, UNCHANGED, BAD_INPUT, FAILED)},
                "skipped": list(self.skipped),
                "workbooks": [o.to_dict() for o in self.outcomes]}


def problem_from_dict(values: dict[str, Any], file: str | None = None) -> Problem:
    """A Problem from its ``to_dict()``; ``file`` renames the file its message names."""
    kept = {f.name: values.get(f.name) for f in fields(Problem)}
    if file is not None:
        kept["file"] = file
    return Problem(**kept)


def portfolio_numbers(run: dict[str, Any], first_day: date | None) -> dict[str, Any]:
    """The portfolio row's numbers from one run's JSON (``ftreport run --json``).

    Day 1 is the scenario's ``start_date`` when it has one, else ``first_day``
    (the memo's: the day after it is generated).
    """
    rows = {row["name"]: row for row in run["options"]}
    chosen, baseline = rows[run["recommended"]], rows[run["baseline"]]
    scenario = run["scenario"]
    day = chosen["break_even_day"]
    start = scenario.get("start_date")
    if start:
        first_day = date.fromisoformat(str(start)[:10])
    simulated = {o["name"]: o for o in (run["simulation"] or {}).get("options", [])}
    pv_savings = None
    if baseline["npv_cost"] is not None and chosen["npv_cost"] is not None:
        pv_savings = baseline["npv_cost"] - chosen["npv_cost"]
    return {
        "scenario": scenario["scenario_name"],
        "currency": scenario["currency"],
        "baseline": run["baseline"],
        "recommended": run["recommended"],
        "savings": chosen["savings_vs_baseline"],
        "pv_savings": pv_savings,
        "payback_day": day,
        # No date when the baseline stays: nothing is switched, so nothing pays back.
        "payback_date": (date_of_day(first_day, day).isoformat()
                         if day is not None and first_day is not None
                         and run["recommended"] != run["baseline"] else None),
        "p_cheapest": simulated.get(run["recommended"], {}).get("p_cheapest"),
        "warnings": len(run["warnings"]),
    }
