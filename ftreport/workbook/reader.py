"""Read and check a scenario workbook: `ftreport validate`, and the first step of `run`.

The reader finds inputs by their public names (defined names on the Scenario
sheet; the Options, Uncertainty and Factors tables by table name and header
cell), never by position, so analysts may move, style and annotate freely. It
collects every problem before raising one InputError, so a workbook can be fixed
in one pass, and records where each input was read: the result sheets build live
formulas from those addresses.

The file is read once into memory and never written: its bytes give the
SHA-256, openpyxl parses them, and a formula without a cached value is computed
by ftreport.workbook._formulas.
"""

from __future__ import annotations

import hashlib
import io
import math
import re
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from ftreport.engine import distributions
from ftreport.model import Factor, Option, Scenario, ScenarioBook, Uncertain, schema
from ftreport.model.problems import InputError, Problem, describe
from ftreport.workbook import FACTORS_TABLE, OPTIONS_TABLE, SCENARIO_SHEET, UNCERTAINTY_TABLE

# A scenario workbook with a ten-year report unpacks to tens of MiB; far more is
# a zip bomb, refused before anything is decompressed.
MAX_UNPACKED_BYTES = 256 * 2**20
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# The stream an encrypted (password-protected) Office file keeps in its OLE2 container.
ENCRYPTION_STREAM = "EncryptionInfo".encode("utf-16-le")
OPTIONAL_OPTION_NUMBERS = ("quality_score", "training_examples")  # blank = not given


def read_workbook(path: Path) -> ScenarioBook:
    """Read the scenario workbook at ``path``; raise InputError listing every problem."""
    path = Path(path)
    data = _read_bytes(path)
    wb = _open(path, data)
    reader = _Reader(path, wb, data)
    book = reader.read(hashlib.sha256(data).hexdigest())
    if reader.problems:
        raise InputError(reader.problems)
    assert book is not None
    return book


# ----- the file itself -------------------------------------------------------------------


def _file_problem(path: Path, expected: str, found: str, code: str) -> InputError:
    return InputError([Problem(str(path), None, None, expected, found, code=code)])


def _read_bytes(path: Path) -> bytes:
    if not path.exists():
        raise _file_problem(path, "an existing .xlsx workbook", "no such file",
                             "file-not-found")
    if path.is_dir():
        raise _file_problem(path, "an .xlsx workbook file", "a folder", "not-a-file")
    try:
        return path.read_bytes()
    except OSError as exc:
        raise _file_problem(path, "a file ftreport can read", exc.strerror or str(exc),
                            "unreadable-file") from None


def _open(path: Path, data: bytes) -> Workbook:
    """Parse the bytes as an .xlsx workbook, or say clearly what the file is instead."""
    save_as = "an .xlsx workbook (open it in Excel or LibreOffice and save as .xlsx)"
    if not data:
        raise _file_problem(path, "an .xlsx workbook", "an empty file (0 bytes)",
                            "wrong-format")
    if data.startswith(OLE2_MAGIC):
        if ENCRYPTION_STREAM in data:
            raise _file_problem(
                path, "a workbook without a password (remove the password in Excel: File > "
                "Info > Protect Workbook, then save)", "a password-protected workbook",
                "encrypted-file")
        raise _file_problem(path, save_as, "an Excel 97-2003 (.xls) or other OLE2 file",
                            "wrong-format")
    if not data.startswith(b"PK"):
        raise _file_problem(path, save_as, _what_is(data), "wrong-format")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            unpacked = sum(item.file_size for item in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError):
        raise _file_problem(path, "a complete .xlsx workbook",
                            "a damaged or truncated zip file", "damaged-file") from None
    if unpacked > MAX_UNPACKED_BYTES:
        raise _file_problem(path, f"a workbook of at most {MAX_UNPACKED_BYTES // 2**20} MiB "
                            "unpacked", f"{unpacked / 2**20:,.0f} MiB (a zip bomb?)", "too-large")
    if "xl/workbook.xml" not in names:
        kind = ("an OpenDocument file (.ods)" if "content.xml" in names
                else "a Word document" if "word/document.xml" in names
                else "a zip archive that is not a workbook")
        raise _file_problem(path, save_as, kind, "wrong-format")
    try:
        with warnings.catch_warnings():
            # openpyxl warns about features it does not keep (extensions, slicers);
            # the reader needs none of them.
            warnings.simplefilter("ignore")
            return load_workbook(io.BytesIO(data), data_only=False)
    except Exception as exc:  # openpyxl raises many types on a damaged part
        raise _file_problem(path, "a readable .xlsx workbook",
                            f"a damaged workbook ({type(exc).__name__}: {exc})"[:200],
                            "damaged-file") from None


def _what_is(data: bytes) -> str:
    head = data[:4096]
    if head.lstrip().startswith((b"<html", b"<!DOCTYPE", b"<?xml")):
        return "an HTML or XML file"
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        return "a file that is not a workbook"
    first = text.splitlines()[0] if text.strip() else ""
    if any(sep in first for sep in (",", ";", "\t")):
        return "a CSV or text file"
    return "a text file"


# ----- cells and their values ------------------------------------------------------------


@dataclass
class _Cell:
    """An input cell: where it is, what it holds, and (after resolving) its value."""

    sheet: str
    coord: str
    raw: object
    is_formula: bool = False
    value: object = None
    failed: str | None = None  # why a formula could not be computed

    @property
    def address(self) -> str:
        return f"{_sheet_ref(self.sheet)}!{self.coord}"

    @property
    def shown(self) -> str:
        if self.failed:
            formula = getattr(self.raw, "text", self.raw)
            return f"{describe(formula)} ({self.failed})"
        return describe(self.value)


@dataclass
class _Table:
    name: str
    sheet: str
    header_ref: str  # e.g. "A3:W3", for problems about the table as a whole
    rows: list[dict[str, _Cell]] = field(default_factory=list)  # column name -> cell


class _Bad(Exception):
    """A value that does not fit its field: a ``type-error`` or ``out-of-range``."""

    def __init__(self, code: str = "type-error") -> None:
        super().__init__(code)
        self.code = code


class _Reader:
    def __init__(self, path: Path, wb: Workbook, data: bytes):
        self.path = path
        self.file = str(path)
        self.wb = wb
        self.data = data
        self.problems: list[Problem] = []

    # -- collecting -------------------------------------------------------------------

    def problem(self, code: str, cell: _Cell | None, expected: str, found: str | None = None,
                *, sheet: str | None = None, where: str | None = None,
                field_name: str | None = None) -> None:
        self.problems.append(Problem(self.file, cell.sheet if cell else sheet,
                                     cell.coord if cell else where, expected, found,
                                     field_name, code=code))

    def read(self, sha256: str) -> ScenarioBook | None:
        scenario_cells = self._scenario_cells()
        options = self._table(OPTIONS_TABLE, [f.name for f in schema.OPTION_FIELDS],
                              optional={f.name for f in schema.OPTION_FIELDS
                                        if f.optional_in_workbook})
        uncertainty = self._table(UNCERTAINTY_TABLE, list(schema.UNCERTAINTY_COLUMNS))
        factors = self._table(FACTORS_TABLE, list(schema.FACTOR_COLUMNS))
        cells = list(scenario_cells.values())
        for table in (options, uncertainty, factors):
            if table:
                cells += [c for row in table.rows for c in row.values()]
        self._resolve(cells)

        scenario = self._scenario(scenario_cells)
        option_list = self._options(options) if options else []
        if options and scenario is not None:
            self._check_scenario_against_options(scenario, scenario_cells, option_list)
        # Without a readable Options table, option names cannot be checked.
        names = {o.name for o in option_list} if options else None
        uncertain = self._uncertainty(uncertainty, names) if uncertainty else []
        factor_list = self._factors(factors) if factors else []
        if self.problems or scenario is None or options is None:
            return None
        return ScenarioBook(
            path=self.path, sha256=sha256, scenario=scenario, options=option_list,
            uncertainty=uncertain, factors=factor_list,
            scenario_cells={name: c.address for name, c in scenario_cells.items()},
            option_cells=[{name: c.address for name, c in row.items()
                           if name in schema.OPTION}
                          for row in options.rows if not _is_blank_option(row)],
            template_version=self._template_version(),
        )

    def _template_version(self) -> int:
        """The template version the workbook records (1 when it records none)."""
        name = self.wb.defined_names.get(schema.TEMPLATE_VERSION_NAME)
        if name is None:
            return 1
        text = (name.attr_text or "").strip()
        if not text.isdigit() or int(text) < 1:
            self.problem("bad-name", None, f"the defined name {schema.TEMPLATE_VERSION_NAME} "
                         "to be a whole number of at least 1", describe(name.attr_text),
                         sheet=SCENARIO_SHEET)
            return 1
        return int(text)

    def _scenario_cells(self) -> dict[str, _Cell]:
        """The cell each Scenario defined name points to (workbook-scoped, or else
        scoped to a sheet, as some tools save them)."""
        found: dict[str, _Cell] = {}
        for f in schema.SCENARIO_FIELDS:
            name = self.wb.defined_names.get(f.name)
            if name is None:
                name = next((ws.defined_names[f.name] for ws in self.wb.worksheets
                             if f.name in ws.defined_names), None)
            if name is None and f.optional_in_workbook:
                continue  # a workbook older than the field: its default applies
            if name is None:
                self.problem("missing-name", None, f"a defined name {f.name} on the value cell of "
                             f"\"{f.label}\"", "no such name", sheet=SCENARIO_SHEET)
                continue
            destinations = list(name.destinations) if not name.is_external else []
            if len(destinations) != 1 or ":" in destinations[0][1]:
                self.problem("bad-name", None, f"the defined name {f.name} to refer to one cell",
                             describe(name.attr_text), sheet=SCENARIO_SHEET)
                continue
            sheet, ref = destinations[0]
            if sheet not in self.wb.sheetnames:
                self.problem("bad-name", None,
                             f"the defined name {f.name} to refer to a cell of an "
                             "existing sheet", describe(name.attr_text), sheet=SCENARIO_SHEET)
                continue
            cell = self.wb[sheet][ref.replace("$", "")]
            found[f.name] = _Cell(sheet, cell.coordinate, cell.value, cell.data_type == "f")
        return found

    def _table(self, name: str, columns: list[str],
                optional: set[str] | frozenset[str] = frozenset()) -> _Table | None:
        """The table's data rows, cells by column name; None (and a problem) if the
        table or one of its columns is missing. Columns in ``optional`` (added to the
        template later) may be absent: their rows then lack the key."""
        located = next(((ws, ws.tables[t]) for ws in self.wb.worksheets for t in ws.tables
                        if t.lower() == name.lower()), None)
        if located is None:
            there = name in self.wb.sheetnames
            self.problem("missing-table", None, f"an Excel table named {name}"
                         + (" (select the header row and the rows below, then Insert > Table)"
                            if there else f" on a sheet {name}"),
                         "no such table" if there else "no such sheet", sheet=name)
            return None
        ws, table = located
        min_col, min_row, max_col, max_row = range_boundaries(table.ref)
        header_ref = f"{get_column_letter(min_col)}{min_row}:{get_column_letter(max_col)}{min_row}"
        headers: dict[str, int] = {}
        for col in range(min_col, max_col + 1):
            text = ws.cell(row=min_row, column=col).value
            if isinstance(text, str) and text.strip():
                headers.setdefault(text.strip().lower(), col)
        missing = [c for c in columns if c.lower() not in headers and c not in optional]
        for c in missing:
            self.problem("missing-column", None,
                         f"a header cell {c} in the {name} table's header row",
                         "none", sheet=ws.title, where=header_ref)
        if missing:
            return None
        last = max_row - (table.totalsRowCount or 0)
        result = _Table(name, ws.title, header_ref)
        for row in range(min_row + 1, last + 1):
            result.rows.append({c: self._cell(ws, row, headers[c.lower()]) for c in columns
                                if c.lower() in headers})
        return result

    @staticmethod
    def _cell(ws: Worksheet, row: int, col: int) -> _Cell:
        cell = ws.cell(row=row, column=col)
        return _Cell(ws.title, cell.coordinate, cell.value, cell.data_type == "f")

    def _resolve(self, cells: list[_Cell]) -> None:
        """Set each cell's value: itself, a formula's cached value, or the formula computed."""
        formulas = [c for c in cells if c.is_formula]
        for c in cells:
            if not c.is_formula:
                c.value = c.raw
        if not formulas:
            return
        cached = self._cached_values({c.sheet for c in formulas})
        pending = []
        for c in formulas:
            c.value = cached.get((c.sheet, c.coord))
            if c.value is None:
                pending.append(c)
        if pending:
            from ftreport.workbook._formulas import Failed, evaluate

            computed = evaluate(self.path, [(c.sheet, c.coord) for c in pending])
            for c in pending:
                value = computed[(c.sheet, c.coord)]
                if isinstance(value, Failed):
                    c.failed = value.reason
                    self.problem("formula-error", c, "a formula that can be computed", c.shown)
                else:
                    c.value = value

    def _cached_values(self, sheets: set[str]) -> dict[tuple[str, str], object]:
        """The values Excel or LibreOffice last computed, for the sheets with input formulas
        (read-only mode: fast, and the only way openpyxl gives both formula and value)."""
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            values_wb = load_workbook(io.BytesIO(self.data), read_only=True, data_only=True)
        found: dict[tuple[str, str], object] = {}
        try:
            for sheet in sheets:
                for row in values_wb[sheet].iter_rows():
                    for cell in row:
                        if getattr(cell, "value", None) is not None:
                            found[(sheet, cell.coordinate)] = cell.value
        finally:
            values_wb.close()
        return found

    # -- checking -------------------------------------------------------------------------

    def _value(self, f: schema.Field, cell: _Cell) -> tuple[object, bool]:
        """The cell's value as ``f`` wants it (None when blank), and whether it fits.
        Adds a problem when it does not, or when a required value is blank."""
        if cell.failed:
            return None, False
        try:
            value = _convert(f, cell.value)
        except _Bad as bad:
            self.problem(bad.code, cell, f.expected, cell.shown, field_name=f.name)
            return None, False
        if value is None and f.required:
            self.problem("missing-value", cell, f"{f.expected}, not blank", cell.shown,
                         field_name=f.name)
            return None, False
        return value, True

    def _scenario(self, cells: dict[str, _Cell]) -> Scenario | None:
        values: dict[str, object] = {}
        for f in schema.SCENARIO_FIELDS:
            cell = cells.get(f.name)
            if cell is None:
                continue
            value, _ = self._value(f, cell)
            if value is not None:
                values[f.name] = value
        low, high = values.get("trim_low_pct", 5.0), values.get("trim_high_pct", 95.0)
        if "trim_high_pct" in cells and low >= high:  # type: ignore[operator]
            self.problem("out-of-range", cells["trim_high_pct"],
                         f"greater than trim_low_pct ({low:g})",
                         cells["trim_high_pct"].shown, field_name="trim_high_pct")
        if any(f.name not in cells and not f.optional_in_workbook
               for f in schema.SCENARIO_FIELDS):
            return None
        return Scenario(**values)  # type: ignore[arg-type]

    def _options(self, table: _Table) -> list[Option]:
        options: list[Option] = []
        first_cell: dict[str, _Cell] = {}
        for row in table.rows:
            if _is_blank_option(row):
                continue
            values: dict[str, object] = {}
            for f in schema.OPTION_FIELDS:
                cell = row.get(f.name)  # None: a column the workbook predates
                value = f.default if cell is None else self._value(f, cell)[0]
                if value is None and f.name not in OPTIONAL_OPTION_NUMBERS:
                    value = "" if f.kind in ("text", "choice") else 0.0
                values[f.name] = value
            name = str(values["name"])
            if name:
                if name.casefold() in first_cell:
                    self.problem("duplicate", row["name"], "unique (used again: "
                                 f"{first_cell[name.casefold()].coord} has the same name)",
                                 row["name"].shown, field_name="name")
                else:
                    first_cell[name.casefold()] = row["name"]
            options.append(Option(**values))  # type: ignore[arg-type]
        if not options:
            self.problem("missing-rows", None, "at least one option: a row in the Options "
                         "table below its "
                         "header row", "none", sheet=table.sheet, where=table.header_ref)
        return options

    def _check_scenario_against_options(self, scenario: Scenario, cells: dict[str, _Cell],
                                        options: list[Option]) -> None:
        wanted = scenario.baseline_option
        if wanted and options and wanted not in {o.name for o in options}:
            f = schema.SCENARIO["baseline_option"]
            self.problem("unknown-name", cells["baseline_option"], f.expected, describe(wanted),
                         field_name=f.name)

    def _uncertainty(self, table: _Table, option_names: set[str] | None) -> list[Uncertain]:
        rows: list[Uncertain] = []
        seen: dict[tuple[str, str | None], str] = {}
        for row in table.rows:
            if all(_blank(c.value) and not c.failed for c in row.values()):
                continue
            item = self._uncertain_row(row, option_names)
            if item is None:
                continue
            key = (item.input, item.option)
            if key in seen:
                self.problem("duplicate", row["input"],
                             f"one row per input and option ({seen[key]} has "
                             "the same input and option)", row["input"].shown, field_name="input")
            else:
                seen[key] = row["input"].coord
            rows.append(item)
        return rows

    def _uncertain_row(self, row: dict[str, _Cell], option_names: set[str] | None
                       ) -> Uncertain | None:
        ok = True

        def bad(column: str, expected: str, code: str = "invalid-distribution") -> None:
            nonlocal ok
            ok = False
            self.problem(code, row[column], expected, row[column].shown, field_name=column)

        inp = _text(row["input"].value)
        opt = _text(row["option"].value) or None
        dist = _text(row["distribution"].value).lower()
        scenario_inputs, option_inputs = (schema.UNCERTAIN_SCENARIO_INPUTS,
                                          schema.UNCERTAIN_OPTION_INPUTS)
        if inp in scenario_inputs:
            if opt is not None:
                bad("option", f"blank: {inp} is a Scenario input, the same for every option",
                    "unknown-name")
        elif inp in option_inputs:
            if opt is None:
                bad("option", f"an option's name, or * for every option ({inp} is an "
                    "Options column)", "missing-value")
            elif opt != "*" and option_names is not None and opt not in option_names:
                bad("option", "the name of an option in the Options table, or *", "unknown-name")
        else:
            bad("input", "an input that may vary: one of "
                + ", ".join(scenario_inputs + option_inputs), "unknown-name")
        numbers: dict[str, float | None] = {}
        unreadable = []
        for column in ("p1", "p2", "p3", "clip_min", "clip_max"):
            try:
                numbers[column] = _number(row[column].value)
            except _Bad:
                unreadable.append(column)
                numbers[column] = None
        # The engine's rule set, reported in column order; parameters are judged
        # only when all three could be read (an unreadable one is not "missing").
        rules = distributions.row_problems(dist, **numbers)
        params_read = all(c not in unreadable and not row[c].failed for c in ("p1", "p2", "p3"))
        for column, expected in rules:
            if column == "distribution":
                bad(column, expected)
        for column in unreadable:
            bad(column, "a number", "type-error")
        for column, expected in rules:
            if column != "distribution" and (params_read or column not in ("p1", "p2", "p3")):
                bad(column, expected)
        if not ok:
            return None
        return Uncertain(input=inp, option=opt, distribution=dist, p1=numbers["p1"],
                         p2=numbers["p2"], p3=numbers["p3"], clip_min=numbers["clip_min"],
                         clip_max=numbers["clip_max"],
                         notes=_text(row["notes"].value), cell=row["input"].address)

    def _factors(self, table: _Table) -> list[Factor]:
        factors = []
        for row in table.rows:
            if all(_blank(c.value) for c in row.values()):
                continue
            question = _text(row["question"].value)
            answer = _text(row["answer"].value).lower() or "unknown"
            if not question:
                self.problem("missing-value", row["question"],
                             "a question (the row has an answer or notes)",
                             row["question"].shown, field_name="question")
            if answer not in schema.FACTOR_ANSWERS:
                self.problem("unknown-name", row["answer"],
                             "one of " + ", ".join(schema.FACTOR_ANSWERS),
                             row["answer"].shown, field_name="answer")
            factors.append(Factor(question, answer, _text(row["notes"].value)))
        return factors


# ----- values ----------------------------------------------------------------------------


def _sheet_ref(sheet: str) -> str:
    """A sheet name as a formula writes it: bare when it is a plain word, else quoted."""
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", sheet) and not re.fullmatch(
            r"[A-Za-z]{1,3}\d+|[RrCc]\d*", sheet):
        return sheet
    return "'" + sheet.replace("'", "''") + "'"


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _is_blank_option(row: dict[str, _Cell]) -> bool:
    """An empty row of the Options table: nothing typed (lookup formulas don't count)."""
    return all(_blank(c.raw) or (c.is_formula and _blank(row["model"].raw))
               for c in row.values())


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _number(value: object) -> float | None:
    """A number from a cell: blank is None; numeric text ("1200", "25%") is accepted."""
    if _blank(value):
        return None
    if isinstance(value, bool):
        raise _Bad()
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str):
        text = value.strip().replace("\u00a0", "")
        try:
            number = float(text[:-1]) / 100 if text.endswith("%") else float(text)
        except ValueError:
            raise _Bad() from None
    else:
        raise _Bad()
    if not math.isfinite(number):
        raise _Bad()
    return number


def _convert(f: schema.Field, value: object) -> object:
    """``value`` converted to what ``f`` holds; raises _Bad when it does not fit."""
    if f.kind in ("text", "option"):
        return _text(value) or None
    if f.kind == "choice":
        text = _text(value).lower()
        if text and text not in schema.APPROACHES:
            raise _Bad("unknown-name")
        return text or None
    number = _number(value)
    if number is None:
        return None
    if f.kind == "whole":
        if not number.is_integer():
            raise _Bad()
        number = int(number)
    if f.minimum is not None and number < f.minimum:
        raise _Bad("out-of-range")
    if f.kind == "share" and not 0 <= number <= 1:
        raise _Bad("out-of-range")
    if f.kind == "growth" and number <= -1:
        raise _Bad("out-of-range")
    if f.kind == "percentile" and not 0 <= number <= 100:
        raise _Bad("out-of-range")
    return number
