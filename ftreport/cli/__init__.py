"""The `ftreport` command: parses options, calls the library, prints.

Heavy libraries (numpy, pandas, WeasyPrint, Dask) are imported inside the commands
that use them, so `ftreport --help` answers at once. Errors become messages and exit
codes in one place (ftreport.cli.common.reports_errors).
"""

from __future__ import annotations

import gc
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ftreport import __version__
from ftreport.cli.batch_command import batch
from ftreport.cli.common import (
    ProgressBar,
    error_lines,
    reports_errors,
    show_delivery,
    smtp_options,
)
from ftreport.cli.prices_commands import prices
from ftreport.model.problems import InputError
from ftreport.model.schema import MAX_MC_ITERATIONS

if TYPE_CHECKING:
    from ftreport.model.results import RunResult

__all__ = ["ProgressBar", "error_lines", "main"]


class MainGroup(click.Group):
    """The `ftreport` group; ``--debug`` may also follow the subcommand
    (`ftreport validate x.xlsx --debug`), where it is usually typed on a second try."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        end = args.index("--") if "--" in args else len(args)
        if "--debug" in args[:end]:
            args = ["--debug"] + [a for a in args[:end] if a != "--debug"] + args[end:]
        return super().parse_args(ctx, args)


@click.group(cls=MainGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="ftreport")
@click.option("--debug", is_flag=True, help="Show tracebacks instead of short messages.")
def main(debug: bool) -> None:
    """Fine-tune or keep prompting? Cost and break-even from a scenario workbook.

    Start with `ftreport init scenario.xlsx`, fill it in with Excel or
    LibreOffice, then `ftreport run scenario.xlsx -o out/`.

    Exit codes: 0 done, 1 a failure (writing, sending), 2 bad input.
    """


@main.command()
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--example",
              type=click.Choice(["starter", "blank", "seed-000", "support", "distillation"]),
              default="starter", show_default=True,
              help="What to start from: a small valid comparison to type over (starter), "
                   "empty inputs (blank), or a filled-in example.")
@click.option("--force", is_flag=True, help="Overwrite PATH if it exists.")
@click.option("--prices", "prices", type=click.Path(dir_okay=False, path_type=Path),
              metavar="FILE", help="A user price book (JSON as `ftreport prices export` "
              "writes, or an .xlsx with a Prices table) layered over the shipped one.")
@reports_errors
def init(path: Path, example: str, force: bool, prices: Path | None) -> None:
    """Write a new scenario workbook to PATH, ready to fill in.

    Example: ftreport init scenario.xlsx --example support --prices our-prices.json
    """
    from ftreport.api import user_pricebook
    from ftreport.workbook.template import write_template

    write_template(path, example=example, force=force, pricebook=user_pricebook(prices))
    click.echo(f"wrote {path}")


@main.command()
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True,
              help="Print the result as one JSON object: valid, and every problem with its "
                   "code, file, sheet, cell, field, expected and found.")
@click.option("--prices", "prices", type=click.Path(dir_okay=False, path_type=Path),
              metavar="FILE", help="A user price book (JSON as `ftreport prices export` "
              "writes, or an .xlsx with a Prices table) layered over the shipped one.")
@reports_errors
def validate(path: Path, as_json: bool, prices: Path | None) -> None:
    """Check a scenario workbook and list every problem, each with its sheet and cell.

    Exits 0 when the workbook is valid, 2 when it is not.

    Example: ftreport validate scenario.xlsx --json
    """
    from ftreport.api import user_pricebook
    from ftreport.workbook.reader import read_workbook

    if not as_json:
        book = read_workbook(path, user_pricebook(prices))
        click.echo(f"{path}: valid ({len(book.options)} options, "
                   f"{len(book.uncertainty)} uncertain inputs)")
        return
    try:
        book = read_workbook(path, user_pricebook(prices))
    except InputError as exc:
        click.echo(json.dumps({"file": str(path), "valid": False,
                               "problems": [p.to_dict() for p in exc.problems]}, indent=2))
        raise click.exceptions.Exit(exc.exit_code) from None
    click.echo(json.dumps({"file": str(path), "valid": True, "problems": [],
                           "options": len(book.options),
                           "uncertain_inputs": len(book.uncertainty)}, indent=2))


@main.command()
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--outdir", type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the report workbook and memo (created if missing).")
@click.option("--json", "as_json", is_flag=True, help="Print the results as one JSON object.")
@click.option("--iterations", type=click.IntRange(0, MAX_MC_ITERATIONS),
              help="Monte Carlo samples (overrides mc_iterations; 0 = none).")
@click.option("--seed", type=click.IntRange(min=0), help="Random seed (overrides mc_seed).")
@click.option("--no-pdf", is_flag=True, help="Do not write the PDF memo.")
@click.option("--in-place", is_flag=True,
              help="Write the result sheets into PATH itself, when that is safe.")
@click.option("--template-dir", type=click.Path(file_okay=False, exists=True, path_type=Path),
              help="Your own memo templates and assets; ours fill in what it lacks.")
@click.option("--email-to", multiple=True, metavar="ADDR",
              help="Email the reports to ADDR when done; repeat for more (see `send`).")
@click.option("--email-cc", multiple=True, metavar="ADDR", help="Copy the email to ADDR.")
@click.option("--email-subject", help="Subject (default: scenario and recommendation).")
@click.option("--email-from", metavar="ADDR", help="Sender (else FTREPORT_SMTP_FROM).")
@click.option("--email-timeout", "deadline", type=click.FloatRange(min=1), metavar="SECONDS",
              help="Seconds sending may take in all, however the server behaves (default 60).")
@click.option("--trials", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="Write every iteration's inputs and outputs to FILE (.csv, or .parquet "
                   "with pyarrow installed).")
@click.option("--sipmath", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="Write a SIPmath 3.0 library (.json) of the inputs and key outputs.")
@click.option("--dask", "use_dask", is_flag=True,
              help="Run the simulation on Dask: the cluster at DASK_SCHEDULER_ADDRESS when "
                   "set, else a local cluster of one worker per core started for the run.")
@click.option("--scheduler", metavar="ADDRESS",
              help="Run the simulation on the Dask cluster at ADDRESS (tcp://HOST:PORT).")
@smtp_options
@click.option("--prices", "prices", type=click.Path(dir_okay=False, path_type=Path),
              metavar="FILE", help="A user price book (JSON as `ftreport prices export` "
              "writes, or an .xlsx with a Prices table) layered over the shipped one.")
@reports_errors
def run(path: Path, outdir: Path | None, as_json: bool, iterations: int | None,
        seed: int | None, no_pdf: bool, in_place: bool, template_dir: Path | None,
        email_to: tuple[str, ...], email_cc: tuple[str, ...], email_subject: str | None,
        email_from: str | None, deadline: float | None, trials: Path | None,
        sipmath: Path | None, use_dask: bool, scheduler: str | None, prices: Path | None,
        **smtp: Any) -> None:
    """Compute costs and break-even for PATH and write the reports to OUTDIR.

    Example: ftreport run scenario.xlsx -o out/ --email-to cfo@example.com

    Example: ftreport run big-study.xlsx -o out/ --scheduler tcp://10.0.0.5:8786
    """
    from ftreport.api import NotSentError
    from ftreport.api import run as run_report

    # The modules just loaded live as long as the command: keep the collector from
    # walking them again (a full collection during a run cost about 20 ms).
    gc.freeze()
    if email_to and outdir is None and not in_place:
        raise click.UsageError("--email-to needs -o OUTDIR for the reports to attach.")
    if outdir is None and not in_place and not as_json and not (trials or sipmath):
        # Never compute and then write nothing without a word.
        raise click.UsageError("say where the reports go: -o OUTDIR (the report workbook "
                               "and memo), --in-place (into PATH), --json to print the "
                               "results only, or --trials / --sipmath FILE.")
    try:
        result = run_report(
            path, outdir, iterations=iterations, seed=seed, pdf=not no_pdf, in_place=in_place,
            template_dir=template_dir,
            progress=ProgressBar() if sys.stderr.isatty() and not as_json else None,
            email_to=email_to, email_cc=email_cc, email_subject=email_subject,
            email_from=email_from, smtp_host=smtp["host"], smtp_port=smtp["port"],
            smtp_user=smtp["user"], smtp_security=smtp["security"], smtp_cafile=smtp["cafile"],
            smtp_timeout=smtp["timeout"], email_deadline=deadline, trials=trials,
            sipmath=sipmath, dask=use_dask, scheduler=scheduler, prices=prices)
    except NotSentError as exc:
        show_run(exc.result, as_json)  # the reports were written: say so before the error
        raise
    show_run(result, as_json)


def show_run(result: RunResult, as_json: bool) -> None:
    """What `run` prints: the JSON or the recommendation and files, then the delivery."""
    if as_json:
        click.echo(json.dumps(result.to_dict(), indent=2, allow_nan=False))
    else:
        a = result.analysis
        chosen = a.option_rows()[a.recommended]
        click.echo(f"recommended: {chosen['name']} (total {chosen['total_cost']:,.2f} "
                   f"{a.book.scenario.currency} over {a.book.scenario.horizon_days} days)")
        for w in a.warnings:
            click.echo(f"warning: {w.message}")
        for kind, written in result.outputs.items():
            click.echo(f"wrote {kind}: {written}")
    if result.delivery is not None:
        show_delivery(result.delivery, err=as_json)


@main.command()
@click.argument("paths", metavar="OUTDIR_OR_FILES...", nargs=-1, required=True,
                type=click.Path(path_type=Path))
@click.option("--to", multiple=True, required=True, metavar="ADDR",
              help="Recipient; repeat for more.")
@click.option("--cc", multiple=True, metavar="ADDR", help="Copy to ADDR; repeat for more.")
@click.option("--subject", help="Subject (default: scenario and recommendation).")
@click.option("--from", "sender", metavar="ADDR",
              help="Sender (else FTREPORT_SMTP_FROM or smtp.toml).")
@click.option("--eml", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the message to this .eml draft (opens in Outlook or Thunderbird) "
                   "instead of sending it.")
@click.option("--template-dir", type=click.Path(file_okay=False, exists=True, path_type=Path),
              help="Your own email.txt.j2 / email.html.j2; ours fill in what it lacks.")
@click.option("--timeout", "deadline", type=click.FloatRange(min=1), metavar="SECONDS",
              help="Seconds the whole send may take, however the server behaves "
                   "(default 60; --smtp-timeout bounds each step).")
@smtp_options
@reports_errors
def send(paths: tuple[Path, ...], to: tuple[str, ...], cc: tuple[str, ...],
         subject: str | None, sender: str | None, eml: Path | None,
         template_dir: Path | None, deadline: float | None, **smtp: Any) -> None:
    """Email the memo and report workbook in OUTDIR, or the .pdf/.xlsx files named.

    The body's numbers come from <name>.summary.json beside the reports, when
    there is one. Mail settings: these options, then FTREPORT_SMTP_* variables,
    then smtp.toml in your config folder (docs/email.md).

    Example: ftreport send out/ --to cfo@example.com --eml draft.eml
    """
    from ftreport.api import send as send_reports

    show_delivery(send_reports(paths, to=to, cc=cc, subject=subject, sender=sender, eml=eml,
                               template_dir=template_dir, deadline=deadline, **smtp))




main.add_command(prices)
main.add_command(batch)
