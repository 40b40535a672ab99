"""What a Dask worker does for one workbook.

It answers with plain data only (dicts, lists, strings, numbers), never an
exception or one of our classes, so the client needs nothing but the answer to
report it and a worker's failure never stops the batch.
"""

from __future__ import annotations

import json
import time
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ftreport import __version__

if TYPE_CHECKING:
    from ftreport.batch.results import BatchResult


def run_workbook(path: str, outdir: str, settings: dict[str, Any]) -> dict[str, Any]:
    """Run one workbook into ``outdir`` with ``ftreport.api.run``; return what happened.

    ``settings`` holds ``iterations``, ``seed``, ``pdf`` and perhaps ``prices``. The
    answer's ``status`` is ``ok`` (with ``result``, the run's ``to_dict()``, and
    ``first_day``, the memo's day 1), ``bad-input`` (with ``problems``, each
    ``Problem.to_dict()``) or ``failed`` (with ``error``).
    """
    from ftreport.api import run
    from ftreport.model.problems import FtreportError, InputError

    started = time.perf_counter()
    answer: dict[str, Any] = {"tool_version": __version__}
    try:
        result = run(path, outdir, iterations=settings["iterations"], seed=settings["seed"],
                     pdf=settings["pdf"], prices=settings.get("prices"))
        # Through JSON, so the answer is exactly what `ftreport run --json` prints.
        answer.update(status="ok",
                      result=json.loads(json.dumps(result.to_dict(), allow_nan=False)),
                      first_day=memo_first_day().isoformat())
    except InputError as exc:
        answer.update(status="bad-input", problems=[p.to_dict() for p in exc.problems])
    except FtreportError as exc:
        answer.update(status="failed", error=str(exc))
    except Exception as exc:
        # Any other failure is this workbook's row in the portfolio, not the batch's end.
        answer.update(status="failed", error=f"unexpected {type(exc).__name__}: {exc}")
    answer["seconds"] = round(time.perf_counter() - started, 3)
    return answer


def memo_first_day() -> date:
    """Day 1 as the memo counts it: the day after it is generated."""
    from ftreport.model.inputs import run_time

    return run_time().date() + timedelta(days=1)


def write_portfolio_files(result: BatchResult, folder: str) -> str:
    """Write the portfolio of ``result`` into ``folder`` (OUTDIR, absolute); return the
    time it was generated (ISO)."""
    from ftreport.batch.portfolio import write_portfolio

    write_portfolio(result, Path(folder))
    return result.generated_at
