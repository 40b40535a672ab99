"""`ftreport batch`: run many workbooks on a Dask cluster (docs/batch.md)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from ftreport.cli.common import reports_errors
from ftreport.model.schema import MAX_MC_ITERATIONS


class BatchProgress:
    """The batch's progress as click's bar on stderr, drawn from ``bar(done, total)``."""

    def __init__(self) -> None:
        self.bar: Any = None

    def __call__(self, done: int, total: int) -> None:
        if self.bar is None:
            self.bar = click.progressbar(length=total, label="Running workbooks",
                                         file=sys.stderr, show_pos=True)
            self.bar.__enter__()
        self.bar.update(done - self.bar.pos)
        if done >= total:
            self.bar.__exit__(None, None, None)


@click.command()
@click.argument("paths", metavar="PATH...", nargs=-1, required=True)
@click.option("-o", "--outdir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the portfolio and, in OUTDIR/<name>/, each workbook's reports.")
@click.option("--workers", type=click.IntRange(min=1),
              help="Worker processes of the local cluster (default: one per core).")
@click.option("--scheduler", metavar="ADDRESS",
              help="Run on this Dask cluster (tcp://HOST:PORT) instead of a local one; "
                   "default DASK_SCHEDULER_ADDRESS when set.")
@click.option("--resume", is_flag=True,
              help="Skip workbooks unchanged since the last portfolio.json (same input "
                   "SHA-256, tool version and options, outputs still there).")
@click.option("--iterations", type=click.IntRange(0, MAX_MC_ITERATIONS),
              help="Monte Carlo samples for every workbook (overrides mc_iterations).")
@click.option("--seed", type=click.IntRange(min=0), help="Random seed (overrides mc_seed).")
@click.option("--no-pdf", is_flag=True, help="Do not write the workbooks' PDF memos.")
@click.option("--prices", "prices", type=click.Path(dir_okay=False, path_type=Path),
              metavar="FILE", help="A user price book layered over the shipped one, for "
              "every workbook (JSON, or an .xlsx with a Prices table).")
@reports_errors
def batch(paths: tuple[str, ...], outdir: Path, workers: int | None, scheduler: str | None,
          resume: bool, iterations: int | None, seed: int | None, no_pdf: bool,
          prices: Path | None) -> None:
    """Run every workbook PATH names (files, folders, globs) on a Dask cluster.

    Each workbook's reports go to OUTDIR/<name>/, and OUTDIR/portfolio.xlsx,
    .json and .pdf compare them all. A bad workbook never stops the others.
    Exits 0 when every workbook ran, 2 when any had bad input, 1 when any failed.

    Example: ftreport batch scenarios/ -o nightly/ --resume
    """
    from ftreport.batch import batch as run_batch

    result = run_batch(paths, outdir, workers=workers, scheduler=scheduler, resume=resume,
                       iterations=iterations, seed=seed, pdf=not no_pdf, prices=prices,
                       progress=BatchProgress() if sys.stderr.isatty() else None)
    for note in result.skipped:
        click.echo(f"skipped {note}", err=True)
    for outcome in result.outcomes:
        for problem in outcome.problems:
            click.echo(f"error: {problem}", err=True)
        if outcome.error:
            click.echo(f"error: {outcome.file}: {outcome.error}", err=True)
    for outcome in result.outcomes:
        click.echo(batch_line(outcome))
    for kind, written in result.portfolio.items():
        click.echo(f"wrote portfolio {kind}: {written}")
    if result.exit_code:
        raise click.exceptions.Exit(result.exit_code)


def batch_line(outcome: Any) -> str:
    """One workbook's line in the batch's closing list."""
    if outcome.completed:
        from ftreport.model.format import Formatter

        savings = Formatter(outcome.currency or "USD").money(outcome.savings)
        return (f"{outcome.status:<9} {outcome.file}: {outcome.recommended} recommended, "
                f"savings {savings}")
    if outcome.problems:
        n = len(outcome.problems)
        return f"{outcome.status:<9} {outcome.file}: {n} problem{'s' if n != 1 else ''}"
    return f"{outcome.status:<9} {outcome.file}: {outcome.error}"
