"""What a Dask worker does for one workbook.

It answers with plain data only (dicts, lists, strings, numbers), never an
exception or one of our classes, so the client needs nothing but the answer to
report it and a worker's failure never stops the batch.
"""

from __future__ import annotations

import json
import time
from typing import Any

from ftreport import __version__


def run_workbook(path: str, outdir: str, settings: dict[str, Any]) -> dict[str, Any]:
    """Run one workbook into ``outdir`` with ``ftreport.api.run``; return what happened.

    ``settings`` holds ``iterations``, ``seed`` and ``pdf``. The answer's ``status``
    is ``ok`` (with ``result``, the run's ``to_dict()``), ``bad-input`` (with
    ``problems``, each ``Problem.to_dict()``) or ``failed`` (with ``error``).
    """
    from ftreport.api import run
    from ftreport.model.problems import FtreportError, InputError

    started = time.perf_counter()
    answer: dict[str, Any] = {"tool_version": __version__}
    try:
        result = run(path, outdir, iterations=settings["iterations"], seed=settings["seed"],
                     pdf=settings["pdf"])
        # Through JSON, so the answer is exactly what `ftreport run --json` prints.
        answer.update(status="ok",
                      result=json.loads(json.dumps(result.to_dict(), allow_nan=False)))
    except InputError as exc:
        answer.update(status="bad-input", problems=[p.to_dict() for p in exc.problems])
    except FtreportError as exc:
        answer.update(status="failed", error=str(exc))
    except Exception as exc:
        # Any other failure is this workbook's row in the portfolio, not the batch's end.
        answer.update(status="failed", error=f"unexpected {type(exc).__name__}: {exc}")
    answer["seconds"] = round(time.perf_counter() - started, 3)
    return answer
