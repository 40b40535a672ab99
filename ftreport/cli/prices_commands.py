"""`ftreport prices`: look through, export and refresh the price book (docs/prices.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from ftreport.cli.common import reports_errors


def _iso_date(ctx: click.Context, param: click.Parameter, value: str | None) -> Any:
    """A --at DATE option as a date (YYYY-MM-DD), or None when not given."""
    from datetime import date

    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date YYYY-MM-DD") from None


@click.group()
def prices() -> None:
    """Look through, export and refresh the price book (docs/prices.md)."""


@prices.command("list")
@click.option("--provider", help="Only providers whose name contains this (any case).")
@click.option("--search", help="Only rows whose model, provider or notes contain this.")
@click.option("--at", "on", callback=_iso_date, metavar="DATE",
              help="The rows in force on DATE (default: today).")
@click.option("--json", "as_json", is_flag=True, help="Print the rows as a JSON list.")
@reports_errors
def prices_list(provider: str | None, search: str | None, on: Any, as_json: bool) -> None:
    """The price rows in force, one per model and deployment.

    Example: ftreport prices list --provider azure --at 2026-06-01
    """
    from datetime import date

    from ftreport.model.pricebook import load_pricebook
    from ftreport.prices import rows_table, select_rows

    rows = select_rows(load_pricebook(), on or date.today(), provider, search)
    if as_json:
        click.echo(json.dumps([r.to_dict() for r in rows], indent=1))
    else:
        click.echo(rows_table(rows))


@prices.command("show")
@click.argument("model")
@click.option("--at", "on", callback=_iso_date, metavar="DATE",
              help="Mark the row in force on DATE (an error when none is).")
@reports_errors
def prices_show(model: str, on: Any) -> None:
    """Every dated row of MODEL with its source and flags.

    Example: ftreport prices show ft:gpt-3.5-turbo --at 2023-09-01
    """
    from ftreport.model.pricebook import load_pricebook
    from ftreport.prices import show_model

    text, missing = show_model(load_pricebook(), model, on)
    click.echo(text)
    if missing is not None:
        raise missing


@prices.command("export")
@click.argument("file", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["json", "csv"]),
              help="Default: csv for a FILE ending .csv, else json.")
@click.option("--at", "on", callback=_iso_date, metavar="DATE",
              help="Only the rows in force on DATE (default: the whole book).")
@reports_errors
def prices_export(file: Path | None, fmt: str | None, on: Any) -> None:
    """Write the price book (or its rows in force --at DATE) to FILE, or print it.

    Example: ftreport prices export prices.csv --at 2026-12-01
    """
    from ftreport.fileio import atomic_write
    from ftreport.model.pricebook import load_pricebook
    from ftreport.prices import export_text

    fmt = fmt or ("csv" if file and file.suffix.lower() == ".csv" else "json")
    text = export_text(load_pricebook(), fmt, on)
    if file is None:
        click.echo(text, nl=False)
        return
    with atomic_write(file) as temp:
        temp.write_text(text, encoding="utf-8")
    click.echo(f"wrote {file}")


@prices.command("import-litellm")
@click.argument("file", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", "out", required=True,
              type=click.Path(dir_okay=False, path_type=Path),
              help="The user price book to write (JSON, the shipped book's format).")
@click.option("--yes", is_flag=True, help="Write without asking.")
@reports_errors
def prices_import_litellm(file: Path | None, out: Path, yes: bool) -> None:
    """Refresh inference prices from LiteLLM's model_prices_and_context_window.json.

    Without FILE, reads the copy inside an installed litellm package, found without
    importing it; never a network call. Shows what changes against the shipped book,
    then writes the new and changed rows to OUT.

    Example: ftreport prices import-litellm model_prices_and_context_window.json -o mine.json
    """
    from datetime import date

    from ftreport.model.pricebook import load_pricebook
    from ftreport.prices import (
        diff_table,
        import_litellm,
        locate_litellm_json,
        read_litellm,
        write_user_book,
    )

    table = read_litellm(file or locate_litellm_json())
    diff = import_litellm(load_pricebook(), table, date.today())
    click.echo(diff_table(diff))
    if not diff.rows:
        click.echo(f"nothing to write: {out} not written")
        return
    if not yes:
        click.confirm(f"Write {len(diff.rows)} rows to {out}?", abort=True)
    write_user_book(out, diff)
    click.echo(f"wrote {out} ({len(diff.rows)} rows)")
