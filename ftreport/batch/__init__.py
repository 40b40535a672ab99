"""Many workbooks at once on a Dask cluster: ``ftreport.batch(paths, outdir)``.

The layer above ftreport.api: each workbook runs through ``ftreport.api.run`` as one
Dask task, into ``OUTDIR/<name>/``, and the portfolio (``portfolio.xlsx``,
``portfolio.json``, ``portfolio.pdf``) sums them up. docs/batch.md has the details.
Dask is imported only when a batch runs (the ``batch`` extra installs it).
"""

from __future__ import annotations

import sys
import types
from typing import Any

from ftreport.batch.results import BatchResult, WorkbookOutcome
from ftreport.batch.runner import batch

__all__ = ["BatchResult", "WorkbookOutcome", "batch"]


class _CallablePackage(types.ModuleType):
    """``ftreport.batch`` is both this package and the function: once a module of it is
    imported, Python sets the attribute ``ftreport.batch`` to the package, so the
    package calls the function and ``ftreport.batch(paths, outdir)`` always works."""

    def __call__(self, *args: Any, **kwargs: Any) -> BatchResult:
        return batch(*args, **kwargs)


sys.modules[__name__].__class__ = _CallablePackage
