"""The library API: what `ftreport run` does, callable from a notebook or script."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ftreport.engine.analysis import analyse
from ftreport.fileio import report_stem
from ftreport.model.results import RunResult


def run(path: str | Path, outdir: str | Path | None = None, *, iterations: int | None = None,
        seed: int | None = None, workbook: bool = True, pdf: bool = True,
        in_place: bool = False, template_dir: str | Path | None = None,
        progress: Callable[[int, int], None] | None = None) -> RunResult:
    """Read a scenario workbook, compute, and (with ``outdir``) write the reports.

    Writes ``OUTDIR/<name>.report.xlsx`` and ``OUTDIR/<name>.memo.pdf``; with
    ``in_place`` the result sheets go into the analyst's own file instead of a
    copy, when that is safe. Raises ftreport.InputError for bad input.
    """
    from ftreport.workbook.reader import read_workbook

    path = Path(path)
    book = read_workbook(path)
    if outdir is not None:
        Path(outdir).mkdir(parents=True, exist_ok=True)
    if iterations is not None:
        book.scenario.mc_iterations = iterations
    if seed is not None:
        book.scenario.mc_seed = seed
    result = RunResult(analyse(book))

    if book.scenario.mc_iterations > 0:
        from ftreport.engine.simulation import simulate

        result.simulation = simulate(book, result.analysis, progress=progress)

    if in_place or (outdir is not None and workbook):
        from ftreport.workbook.writer import write_report

        target = path if in_place else Path(outdir) / f"{report_stem(path)}.report.xlsx"
        write_report(result, target, in_place=in_place)
        result.outputs["workbook"] = str(target)
    if outdir is not None and pdf:
        from ftreport.report import write_memo

        target = Path(outdir) / f"{report_stem(path)}.memo.pdf"
        write_memo(result, target, template_dir=template_dir)
        result.outputs["memo"] = str(target)
    if outdir is not None:
        # Last: it records the reports' checksums, so `ftreport send` can trust its numbers.
        from ftreport.mail import write_summary

        result.outputs["summary"] = str(write_summary(result, outdir))
    return result
