"""Write the scenario workbook analysts fill in: `ftreport init`.

Every public name (sheet, defined name, table, header cell) comes from
ftreport.model.schema, so the template, the reader and docs/workbook.md cannot drift
apart. The workbook is made to be filled in by hand: a note on every header and
Scenario value, an input message and a check on every input column, number
formats, frozen headers, and price cells that look the model up in `Prices`.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from ftreport.fileio import atomic_write
from ftreport.model import schema
from ftreport.model.factors import SHIPPED_FACTORS
from ftreport.model.format import CURRENCY_SYMBOLS
from ftreport.model.inputs import run_time
from ftreport.model.pricebook import PRICE_COLUMNS, PriceBook, load_pricebook
from ftreport.model.problems import InputError, Problem, describe
from ftreport.workbook import (
    CORRELATIONS_TABLE,
    FACTORS_TABLE,
    OPTIONS_TABLE,
    PRICES_TABLE,
    SCENARIO_SHEET,
    SCENARIOS_INPUT_SHEET,
    UNCERTAINTY_TABLE,
)
from ftreport.workbook._checks import field_check, list_check
from ftreport.workbook._correlations import correlations_sheet
from ftreport.workbook._examples import EXAMPLES, Example
from ftreport.workbook._input_tables import input_columns
from ftreport.workbook._price_lookups import (
    FIRST_ROW,
    HEADER_ROW,
    LOOKED_UP,
    PRICE_MODELS_NAME,
    PRICE_NOTES,
    SHARE_LOOKED_UP,
    price_lookup,
    price_lookup_value,
)
from ftreport.workbook._template_print import print_template
from ftreport.workbook._template_scenarios import scenarios_sheet
from ftreport.workbook._xlsx import add_cached_values
from ftreport.workbook.styles import heading

VALUE_COLUMN = "C"  # the Scenario sheet's one value column
BLANK_OPTION_ROWS = 10
SPARE_ROWS = 2  # empty rows left in an example's tables, ready to fill
VALIDATED_ROWS = 500  # input checks reach below the table, for rows an analyst adds
MONEY = frozenset({*LOOKED_UP, "monthly_fixed_cost", "one_time_cost", "data_generation_cost"})
COUNTS = frozenset({"input_tokens", "output_tokens", "training_tokens", "training_examples",
                    "requests_per_day", "horizon_days", "mc_iterations", "retrain_every_days"})

UNCERTAINTY_NOTES = {
    "input": "A Scenario defined name or an Options column that may vary (see the list).",
    "option": "Blank for a Scenario input; an option's name; or * for one draw shared by every "
              "option (a row for one option overrides a * row for the same input).",
    "distribution": "fixed, uniform, integer, normal, triangular, pert, lognormal or poisson.",
    "p1": "fixed: value; uniform/integer: min; normal/lognormal: mean; triangular/pert: min; "
          "poisson: mean.",
    "p2": "uniform/integer: max; normal/lognormal: sd (of the value itself); "
          "triangular/pert: mode (most likely).",
    "p3": "triangular/pert: max. Blank for the others.",
    "clip_min": "Optional: a sample below this is set to it.",
    "clip_max": "Optional: a sample above this is set to it.",
    "notes": "Where the range comes from.",
}
FACTOR_NOTES = {
    "question": "A reason to fine-tune or not, from the seed documents. Add your own rows.",
    "answer": "yes, no or unknown. The memo weighs these beside the cost.",
    "notes": "Why; the pre-filled text says which way a yes points.",
    "favours": "What a yes argues for: fine-tuning, prompting or neutral (a no argues for "
               "the other). Filled in for the shipped questions; type it for your own.",
}
HOW_TO = (
    "How to fill in this workbook",
    "1. Scenario: the volume and horizon in the value column (C). Hover a cell for its note.",
    "2. Options: one row per candidate. Pick a model from the list: its prices fill in from "
    "the Prices sheet. Type over a price to use your own.",
    "3. Blank numbers mean 0. Shares are fractions: 25% or 0.25.",
    "4. Uncertainty (optional): give an input a range instead of one value.",
    "5. Factors: answer yes / no / unknown; the memo weighs them beside the cost.",
    "6. Check it: ftreport validate FILE.   Report: ftreport run FILE -o out/",
    "Names in column B are the defined names scripts use; keep them.",
)

HINT = Font(italic=True, color="666666")
NAME_FONT = Font(color="888888", size=9)
INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
LOOKUP_FILL = PatternFill("solid", fgColor="E2EFDA")
TABLE_STYLE = "TableStyleMedium2"


def write_template(path: Path, *, example: str = "starter", force: bool = False,
                   pricebook: PriceBook | None = None) -> None:
    """Write a new scenario workbook to ``path``, blank or filled with a named example;
    its Prices sheet shows ``pricebook`` (a user book layered over the shipped one),
    else the shipped book.

    Refuses to replace an existing file unless ``force``: a filled-in workbook is
    an analyst's work. The file appears whole or not at all (atomic write).
    """
    path = Path(path)
    if example not in EXAMPLES:
        raise InputError([Problem(str(path), None, None,
                                  "an example among " + ", ".join(EXAMPLES), repr(example),
                                  code="invalid-option")])
    if path.is_dir():
        raise InputError([Problem(str(path), None, None, "a file name, not a folder",
                                  "a folder", code="not-a-file")])
    if path.suffix.lower() != ".xlsx":
        raise InputError([Problem(str(path), None, None, "a file name ending in .xlsx (the "
                                  "template is an Excel workbook)", describe(path.name),
                                  code="wrong-format")])
    if path.exists() and not force:
        raise InputError([Problem(str(path), None, None,
                                  "a new file name: this file already exists "
                                  "(use --force to replace it)", code="file-exists")])
    wb, lookups = build_workbook(EXAMPLES[example], run_time().date(), pricebook)
    with atomic_write(path) as temp:
        wb.save(temp)
        # Store each lookup's value beside its formula, as Excel would: readers that do
        # not calculate (ours included) then need no formula evaluation.
        add_cached_values(temp, {OPTIONS_TABLE: lookups})


def build_workbook(example: Example | None, today: date | None = None,
                   pricebook: PriceBook | None = None
                   ) -> tuple[Workbook, dict[str, float | str]]:
    """The template as an openpyxl Workbook, blank (``None``) or filled with ``example``,
    and the value of each price lookup formula by cell ("G4" -> 2.0) on the example's
    price_date, else ``today`` (the run date)."""
    wb = Workbook()
    scenario_ws = wb.active
    scenario_ws.title = SCENARIO_SHEET
    values = example.scenario if example else {}
    money = _money_format(str(values.get("currency", "USD")))
    rate = float(values.get("fx_rate") or 1.0)  # type: ignore[arg-type]
    price_date = values.get("price_date") or today or run_time().date()
    book = pricebook or load_pricebook()
    options = example.options if example else []
    option_rows = len(options) + SPARE_ROWS if example else BLANK_OPTION_ROWS
    last_option_row = HEADER_ROW + option_rows

    _scenario_sheet(wb, scenario_ws, example, money, last_option_row)
    lookups = _options_sheet(wb.create_sheet(OPTIONS_TABLE), options, option_rows, money,
                             (book, rate, price_date))  # type: ignore[arg-type]
    _uncertainty_sheet(wb.create_sheet(UNCERTAINTY_TABLE), example.uncertainty if example else [])
    correlations_sheet(wb.create_sheet(CORRELATIONS_TABLE),
                       example.correlations if example else [], header_row=HEADER_ROW,
                       spare_rows=SPARE_ROWS, validated_rows=VALIDATED_ROWS,
                       input_names="Lists!$B$2:$B$" + str(1 + len(_uncertain_inputs())),
                       hint_style=HINT, input_fill=INPUT_FILL, add_table=_table)
    _factors_sheet(wb.create_sheet(FACTORS_TABLE), example)
    scenarios_sheet(wb.create_sheet(SCENARIOS_INPUT_SHEET), example.scenarios if example else [],
                    header_row=HEADER_ROW, fill=INPUT_FILL, hint=HINT, spare_rows=SPARE_ROWS,
                    validated_rows=VALIDATED_ROWS,
                    inputs_list="Lists!$B$2:$B$" + str(1 + len(_uncertain_inputs())),
                    add_table=_table)
    _prices_sheet(wb, wb.create_sheet(PRICES_TABLE), book)
    _lists_sheet(wb.create_sheet("Lists"))
    wb.defined_names[schema.TEMPLATE_VERSION_NAME] = DefinedName(
        schema.TEMPLATE_VERSION_NAME, attr_text=str(schema.TEMPLATE_VERSION))
    print_template(wb, header_row=HEADER_ROW)
    return wb, lookups


def _scenario_sheet(wb: Workbook, ws: Worksheet, example: Example | None, money: str,
                    last_option_row: int) -> None:
    values = example.scenario if example else {}
    heading(ws, "Scenario",
            "Yellow cells are inputs. Each value cell has a defined name (column B).", HINT)
    for col, head in zip("ABCD", ("Input", "Name", "Value", "Unit"), strict=True):
        ws[f"{col}{HEADER_ROW}"] = head
        ws[f"{col}{HEADER_ROW}"].font = Font(bold=True)
    for row, f in enumerate(schema.SCENARIO_FIELDS, start=FIRST_ROW):
        ws[f"A{row}"] = f.label
        ws[f"B{row}"] = f.name
        ws[f"B{row}"].font = NAME_FONT
        cell = ws[f"{VALUE_COLUMN}{row}"]
        value = values.get(f.name, f.default)
        cell.value = ("yes" if value else "no") if f.kind == "flag" else value
        cell.fill = INPUT_FILL
        cell.number_format = _number_format(f, money)
        cell.comment = _note(f)
        ws[f"D{row}"] = f.unit
        ref = f"{SCENARIO_SHEET}!${VALUE_COLUMN}${row}"
        wb.defined_names[f.name] = DefinedName(f.name, attr_text=ref)
        options_range = f"{OPTIONS_TABLE}!$A${FIRST_ROW}:$A${last_option_row + VALIDATED_ROWS}"
        dv = field_check(f, options_range=options_range)
        if dv is not None:
            ws.add_data_validation(dv)
            dv.add(cell)
    for i, line in enumerate(HOW_TO):
        c = ws.cell(row=HEADER_ROW + i, column=6, value=line)
        c.font = Font(bold=True) if i == 0 else Font(color="444444")
    _widths(ws, {"A": 26, "B": 18, "C": 30, "D": 14, "E": 3, "F": 90})
    ws.freeze_panes = f"A{FIRST_ROW}"


def _options_sheet(ws: Worksheet, options: list[dict[str, object]], rows: int, money: str,
                   pricing: tuple[PriceBook, float, date]) -> dict[str, float | str]:
    """The Options sheet; ``pricing``: the book, fx_rate and price date its lookups'
    stored values are computed with."""
    heading(ws, "Options",
            ("One row per candidate. Green prices come from the Prices sheet by model (USD, "
             "times fx_rate); type over them to use your own. Blank numbers mean 0."), HINT)
    fields = schema.OPTION_FIELDS
    last = HEADER_ROW + rows
    lookups: dict[str, float | str] = {}
    for col, f in enumerate(fields, start=1):
        head = ws.cell(row=HEADER_ROW, column=col, value=f.name)
        head.comment = _note(f)
        letter = get_column_letter(col)
        for row in range(FIRST_ROW, last + 1):
            spec = options[row - FIRST_ROW] if row - FIRST_ROW < len(options) else {}
            cell = ws.cell(row=row, column=col)
            if f.name in spec:
                cell.value = spec[f.name]
            elif f.name in LOOKED_UP + SHARE_LOOKED_UP:
                cell.value = price_lookup(f.name, row)
                lookups[cell.coordinate] = price_lookup_value(
                    pricing[0], f.name, spec.get("model"), *pricing[1:])
            cell.fill = LOOKUP_FILL if f.name in LOOKED_UP + SHARE_LOOKED_UP else INPUT_FILL
            cell.number_format = _number_format(f, money)
        dv = field_check(f, models=PRICE_MODELS_NAME)
        if dv is not None:
            ws.add_data_validation(dv)
            dv.add(f"{letter}{FIRST_ROW}:{letter}{last + VALIDATED_ROWS}")
        ws.column_dimensions[letter].width = max(12, min(28, len(f.name) + 4))
    ws.column_dimensions["A"].width = 28
    ws.column_dimensions["C"].width = 24
    notes = [f.name for f in fields].index("notes") + 1
    ws.column_dimensions[get_column_letter(notes)].width = 60
    _table(ws, OPTIONS_TABLE, len(fields), last)
    ws.freeze_panes = f"B{FIRST_ROW}"
    return lookups


def _uncertainty_sheet(ws: Worksheet, rows: list[dict[str, object]]) -> None:
    heading(ws, "Uncertainty",
            ("Optional: give an input a range instead of one value, for the Monte Carlo "
             "simulation. p1, p2, p3 mean what the distribution needs (see the notes)."), HINT)
    columns = schema.UNCERTAINTY_COLUMNS
    n = max(len(rows) + SPARE_ROWS, 3)
    last = HEADER_ROW + n
    checks = {
        "input": list_check("Lists!$B$2:$B$" + str(1 + len(_uncertain_inputs())),
                             "input", UNCERTAINTY_NOTES["input"]),
        "distribution": list_check('"' + ",".join(schema.DISTRIBUTIONS) + '"',
                                    "distribution", UNCERTAINTY_NOTES["distribution"]),
    }
    input_columns(ws, columns, rows, UNCERTAINTY_NOTES, header_row=HEADER_ROW, n=n,
                  fill=INPUT_FILL, checks=checks, validated_rows=VALIDATED_ROWS,
                  note_height=110, number_formats={c: "#,##0.####" for c in (
                      "p1", "p2", "p3", "clip_min", "clip_max")})
    _widths(ws, {"A": 24, "B": 26, "C": 14, "D": 12, "E": 12, "F": 12, "G": 12, "H": 12,
                 "I": 70})
    _table(ws, UNCERTAINTY_TABLE, len(columns), last)
    ws.freeze_panes = f"A{FIRST_ROW}"


def _factors_sheet(ws: Worksheet, example: Example | None) -> None:
    heading(ws, "Factors",
            "Reasons to fine-tune or not, beside the cost. Answer yes, no or unknown.", HINT)
    answers = example.answers if example else {}
    for col, name in enumerate(schema.FACTOR_COLUMNS, start=1):
        head = ws.cell(row=HEADER_ROW, column=col, value=name)
        head.comment = Comment(FACTOR_NOTES[name], "ftreport", width=300, height=80)
    for i, factor in enumerate(SHIPPED_FACTORS):
        row = FIRST_ROW + i
        answer, notes = answers.get(factor.key, ("unknown", ""))
        ws.cell(row=row, column=1, value=factor.question)
        ws.cell(row=row, column=2, value=answer).fill = INPUT_FILL
        ws.cell(row=row, column=3, value=f"{notes} ({factor.note})" if notes else factor.note)
        ws.cell(row=row, column=4, value=factor.favours)
        for col in (1, 3):
            ws.cell(row=row, column=col).alignment = Alignment(wrap_text=True,
                                                               vertical="top")
    last = HEADER_ROW + len(SHIPPED_FACTORS)
    for column, words, name in (("B", schema.FACTOR_ANSWERS, "answer"),
                                ("D", schema.FACTOR_FAVOURS, "favours")):
        dv = list_check('"' + ",".join(words) + '"', name, FACTOR_NOTES[name])
        ws.add_data_validation(dv)
        dv.add(f"{column}{FIRST_ROW}:{column}{last + VALIDATED_ROWS}")
    _widths(ws, {"A": 70, "B": 12, "C": 80, "D": 14})
    _table(ws, FACTORS_TABLE, len(schema.FACTOR_COLUMNS), last)
    ws.freeze_panes = f"A{FIRST_ROW}"


def _prices_sheet(wb: Workbook, ws: Worksheet, book: PriceBook) -> None:
    money = _money_format(book.currency)  # the book's prices are USD in any scenario
    heading(ws, f"Prices (price book, {book.currency})",
            ("Per 1M tokens, per hour. Each row says where and when its price was read, and "
             "the dates it is in force. Add rows at the bottom for your own models or "
             "negotiated rates: a row below the book's, in force on the price date, wins."),
            HINT)
    for col, name in enumerate(PRICE_COLUMNS, start=1):
        head = ws.cell(row=HEADER_ROW, column=col, value=name)
        head.comment = Comment(PRICE_NOTES[name], "ftreport", width=260, height=70)
    for row, m in enumerate(book.sheet_rows, start=FIRST_ROW):
        for col, name in enumerate(PRICE_COLUMNS, start=1):
            cell = ws.cell(row=row, column=col, value=getattr(m, name))
            if name.startswith("price_") or name == "hosting_per_hour":
                cell.number_format = money
            elif name in ("context_window", "max_output_tokens"):
                cell.number_format = "#,##0"
            elif name == "as_of" and cell.value:  # a real date, not text
                cell.value = date.fromisoformat(str(cell.value))
                cell.number_format = "yyyy-mm-dd"
            elif name in ("valid_from", "valid_to"):
                cell.number_format = "yyyy-mm-dd"
            elif name == "batch_discount":
                cell.number_format = "0%"
    _widths(ws, {"A": 24, "B": 20, "C": 12, "L": 50, "M": 12, "N": 80, "O": 12, "P": 12,
                 "Q": 12})
    for col in range(4, 12):
        ws.column_dimensions[get_column_letter(col)].width = 14
    _table(ws, PRICES_TABLE, len(PRICE_COLUMNS), HEADER_ROW + len(book.sheet_rows))
    ws.freeze_panes = f"B{FIRST_ROW}"
    # Non-blank model cells from the first row down (the drop-down skips the blanks).
    last = HEADER_ROW + schema.MAX_TABLE_ROWS
    wb.defined_names[PRICE_MODELS_NAME] = DefinedName(PRICE_MODELS_NAME, attr_text=(
        f"OFFSET(Prices!$A${FIRST_ROW},0,0,MAX(1,COUNTA(Prices!$A${FIRST_ROW}:$A${last})),1)"))


def _lists_sheet(ws: Worksheet) -> None:
    """A hidden sheet of the names a list check offers when they are too many to inline."""
    ws["B1"] = "uncertain inputs"
    for i, name in enumerate(_uncertain_inputs(), start=2):
        ws.cell(row=i, column=2, value=name)
    ws.sheet_state = "hidden"


def _uncertain_inputs() -> tuple[str, ...]:
    return schema.UNCERTAIN_SCENARIO_INPUTS + schema.UNCERTAIN_OPTION_INPUTS


def _table(ws: Worksheet, name: str, n_columns: int, last_row: int) -> None:
    ref = f"A{HEADER_ROW}:{get_column_letter(n_columns)}{last_row}"
    table = Table(displayName=name, ref=ref)
    table.tableStyleInfo = TableStyleInfo(name=TABLE_STYLE, showRowStripes=True)
    ws.add_table(table)


def _note(f: schema.Field) -> Comment:
    unit = f" Unit: {f.unit}." if f.unit else ""
    text = f"{f.label} ({f.name}): {f.note}{unit} Must be {f.expected}."
    return Comment(text, "ftreport", width=320, height=120)


def _money_format(currency: str) -> str:
    """A money cell's format: the currency's symbol before, else its code after."""
    code = currency.strip().upper()
    symbol = CURRENCY_SYMBOLS.get(code)
    if symbol:
        return f'"{symbol}"#,##0.00##'
    return f'#,##0.00## "{code}"' if code.isalpha() else "#,##0.00##"


def _number_format(f: schema.Field, money: str) -> str:
    if f.kind in ("share", "growth") or "%" in f.unit:
        return "0.0%"
    if f.name in MONEY:
        return money
    if f.name in COUNTS:
        return "#,##0"
    return "yyyy-mm-dd" if f.kind == "date" else "General"


def _widths(ws: Worksheet, widths: dict[str, float]) -> None:
    for col, width in widths.items():
        ws.column_dimensions[col].width = width
