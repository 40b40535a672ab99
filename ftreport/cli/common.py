"""What every command shares: one way errors become messages and exit codes, the
progress bar, the SMTP options and how a delivery is printed."""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

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
