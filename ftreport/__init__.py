"""ftreport: fine-tune or keep prompting? Cost and break-even from a scenario workbook.

The library API is what the command line calls; a notebook can call it directly::

    import ftreport
    result = ftreport.run("scenario.xlsx", outdir="out")
    result.to_dict()        # the same object `ftreport run --json` prints
    ftreport.send(["out"], to=["cfo@example.com"])   # `ftreport send out --to ...`
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = ["InputError", "Problem", "__version__", "batch", "read_workbook", "run", "send"]

if TYPE_CHECKING:
    from ftreport.api import run, send
    from ftreport.batch import batch
    from ftreport.model.problems import InputError, Problem
    from ftreport.workbook.reader import read_workbook


def __getattr__(name: str) -> Any:
    # Lazy, so that `ftreport --help` never imports numpy, pandas or WeasyPrint.
    if name in ("run", "send"):
        from ftreport import api

        return getattr(api, name)
    if name == "batch":
        # The package ftreport.batch, which calls ftreport.batch.batch (see its __init__).
        import ftreport.batch

        return ftreport.batch
    if name in ("InputError", "Problem"):
        from ftreport.model import problems

        return getattr(problems, name)
    if name == "read_workbook":
        from ftreport.workbook.reader import read_workbook

        return read_workbook
    raise AttributeError(f"module 'ftreport' has no attribute {name!r}")
