"""The `ftreport` command: parses options, calls the library, prints.

Heavy libraries (numpy, pandas, WeasyPrint) are imported inside the commands
that use them, so `ftreport --help` answers at once.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from ftreport import __version__
from ftreport.model.problems import FtreportError, InputError

F = TypeVar("F", bound=Callable[..., Any])


def error_lines(exc: Exception) -> tuple[list[str], int]:
    """What to print for an error, and the exit code it owns (click's model)."""
    if isinstance(exc, InputError):
        n = len(exc.problems)
        return ([f"error: {problem}" for problem in exc.problems]
                + [f"{n} problem{'s' if n != 1 else ''} found; nothing was written or sent."],
                exc.exit_code)
    if isinstance(exc, FtreportError):
        return [f"error: {exc}"], exc.exit_code
    return [f"error: unexpected {type(exc).__name__}: {exc} "
            "(run with --debug for the traceback)"], FtreportError.exit_code


def reports_errors(command: F) -> F:
    """Turn the library's errors into one clear message each and their exit code.

    Bad input exits 2, a failure to write or send exits 1; a traceback is shown
    only under `ftreport --debug`.
    """

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        ctx = click.get_current_context()
        try:
            return command(*args, **kwargs)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except Exception as exc:
            if ctx.find_root().params.get("debug"):
                raise
            lines, code = error_lines(exc)
            for line in lines:
                click.echo(line, err=True)
            ctx.exit(code)

    return wrapper  # type: ignore[return-value]


class ProgressBar:
    """The simulation's progress as a one-line bar on stderr: ``bar(done, total)``."""

    WIDTH = 30

    def __call__(self, done: int, total: int) -> None:
        filled = self.WIDTH * done // total
        sys.stderr.write(f"\rSimulating [{'#' * filled}{'.' * (self.WIDTH - filled)}] "
                         f"{done:,}/{total:,}")
        if done >= total:
            sys.stderr.write("\n")
        sys.stderr.flush()


def smtp_options(command: F) -> F:
    """The mail server options `send` and `run --email-to` share (see docs/email.md).

    There is deliberately no password option: command lines are visible to other
    users and kept in shell history.
    """
    options = [
        click.option("--smtp-host", "host", metavar="HOST",
                     help="Mail server (else FTREPORT_SMTP_HOST or smtp.toml)."),
        click.option("--smtp-port", "port", type=click.IntRange(1, 65535),
                     help="Port (default 465 for tls, 587 for starttls, 25 for plain)."),
        click.option("--smtp-user", "user", metavar="USER",
                     help="Login; the password comes from FTREPORT_SMTP_PASSWORD or "
                          "smtp.toml, never the command line."),
        click.option("--security", type=click.Choice(["tls", "starttls", "plain"],
                                                      case_sensitive=False),
                     help="tls (implicit, port 465), starttls (default) or plain "
                          "(unencrypted, no login)."),
        click.option("--cafile", type=click.Path(dir_okay=False, path_type=Path),
                     help="CA certificates (PEM) to trust for a private or self-signed "
                          "server certificate."),
        click.option("--smtp-timeout", "timeout", type=click.FloatRange(min=1),
                     help="Seconds each network step may take (default 30)."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def show_delivery(delivery: Any, *, err: bool = False) -> None:
    for note in delivery.notes:
        click.echo(f"note: {note}", err=True)
    click.echo(str(delivery), err=err)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
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
@reports_errors
def init(path: Path, example: str, force: bool) -> None:
    """Write a new scenario workbook to PATH, ready to fill in."""
    from ftreport.workbook.template import write_template

    write_template(path, example=example, force=force)
    click.echo(f"wrote {path}")


@main.command()
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True,
              help="Print the result as one JSON object: valid, and every problem with its "
                   "code, file, sheet, cell, field, expected and found.")
@reports_errors
def validate(path: Path, as_json: bool) -> None:
    """Check a scenario workbook and list every problem, each with its sheet and cell.

    Exits 0 when the workbook is valid, 2 when it is not.

    Example: ftreport validate scenario.xlsx --json
    """
    from ftreport.workbook.reader import read_workbook

    if not as_json:
        book = read_workbook(path)
        click.echo(f"{path}: valid ({len(book.options)} options, "
                   f"{len(book.uncertainty)} uncertain inputs)")
        return
    try:
        book = read_workbook(path)
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
@click.option("--iterations", type=click.IntRange(min=0),
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
@smtp_options
@reports_errors
def run(path: Path, outdir: Path | None, as_json: bool, iterations: int | None,
        seed: int | None, no_pdf: bool, in_place: bool, template_dir: Path | None,
        email_to: tuple[str, ...], email_cc: tuple[str, ...], email_subject: str | None,
        email_from: str | None, **smtp: Any) -> None:
    """Compute costs and break-even for PATH and write the reports to OUTDIR."""
    from ftreport.api import run as run_report

    mail_request = None
    if email_to:
        from ftreport import mail

        if outdir is None and not in_place:
            raise click.UsageError("--email-to needs -o OUTDIR for the reports to attach.")
        # Checked first, so a typo in an address costs no computing and writes nothing.
        mail_request = mail.prepare(to=email_to, cc=email_cc, subject=email_subject,
                                    sender=email_from, template_dir=template_dir, **smtp)
    result = run_report(path, outdir, iterations=iterations, seed=seed, pdf=not no_pdf,
                        in_place=in_place, template_dir=template_dir,
                        progress=ProgressBar() if sys.stderr.isatty() and not as_json
                        else None)
    if as_json:
        click.echo(json.dumps(result.to_dict(), indent=2, allow_nan=False))
        if mail_request is not None:
            show_delivery(mail.email_result(result, mail_request), err=True)
        return
    a = result.analysis
    rows = a.option_rows()
    chosen = rows[a.recommended]
    currency = a.book.scenario.currency
    click.echo(f"recommended: {chosen['name']} (total {chosen['total_cost']:,.2f} {currency} "
               f"over {a.book.scenario.horizon_days} days)")
    for w in a.warnings:
        click.echo(f"warning: {w.message}")
    for kind, written in result.outputs.items():
        click.echo(f"wrote {kind}: {written}")
    if mail_request is not None:
        show_delivery(mail.email_result(result, mail_request))


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
@smtp_options
@reports_errors
def send(paths: tuple[Path, ...], to: tuple[str, ...], cc: tuple[str, ...],
         subject: str | None, sender: str | None, eml: Path | None,
         template_dir: Path | None, **smtp: Any) -> None:
    """Email the memo and report workbook in OUTDIR, or the .pdf/.xlsx files named.

    The body's numbers come from <name>.summary.json beside the reports, when
    there is one. Mail settings: these options, then FTREPORT_SMTP_* variables,
    then smtp.toml in your config folder (docs/email.md).
    """
    from ftreport import mail

    show_delivery(mail.send_reports(paths, to=to, cc=cc, subject=subject, sender=sender,
                                    eml=eml, template_dir=template_dir, **smtp))


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


@main.command()
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
@click.option("--iterations", type=click.IntRange(min=0),
              help="Monte Carlo samples for every workbook (overrides mc_iterations).")
@click.option("--seed", type=click.IntRange(min=0), help="Random seed (overrides mc_seed).")
@click.option("--no-pdf", is_flag=True, help="Do not write the workbooks' PDF memos.")
@reports_errors
def batch(paths: tuple[str, ...], outdir: Path, workers: int | None, scheduler: str | None,
          resume: bool, iterations: int | None, seed: int | None, no_pdf: bool) -> None:
    """Run every workbook PATH names (files, folders, globs) on a Dask cluster.

    Each workbook's reports go to OUTDIR/<name>/, and OUTDIR/portfolio.xlsx,
    .json and .pdf compare them all. A bad workbook never stops the others.
    Exits 0 when every workbook ran, 2 when any had bad input, 1 when any failed.

    Example: ftreport batch scenarios/ -o nightly/ --resume
    """
    from ftreport.batch import batch as run_batch

    result = run_batch(paths, outdir, workers=workers, scheduler=scheduler, resume=resume,
                       iterations=iterations, seed=seed, pdf=not no_pdf,
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
