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
from pathlib import Path

from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.utils.cell import coordinate_to_tuple
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from ftreport.engine import distributions
from ftreport.model import Factor, Option, Scenario, ScenarioBook, Uncertain, schema
from ftreport.model.pricebook import PriceBook
from ftreport.model.problems import InputError, Problem, describe
from ftreport.workbook import (
    CORRELATIONS_TABLE,
    FACTORS_TABLE,
    OPTIONS_TABLE,
    SCENARIO_SHEET,
    SCENARIOS_TABLE,
    UNCERTAINTY_TABLE,
    _guards,
)
from ftreport.workbook._correlations import read_correlations
from ftreport.workbook._formulas import EXTERNAL_REASON, refers_to_another_workbook
from ftreport.workbook._names import scenario_cells as read_scenario_cells
from ftreport.workbook._opening import open_workbook, read_bytes
from ftreport.workbook._price_dates import resolve_price_lookups
from ftreport.workbook._scenario_table import addressing_problem, read_overrides
from ftreport.workbook._tables import (
    cached_values,
    locate_table,
    refuse_outside,
    table_in_bounds,
)
from ftreport.workbook._values import (
    InputCell,
    InputTable,
    Unfit,
    blank,
    convert,
    is_blank_option,
    name_key,
    number_of,
    percent_formatted,
    text_of,
)
from ftreport.workbook._xlsx import ERRORS

OPTIONAL_OPTION_NUMBERS = ("quality_score", "training_examples")  # blank = not given


def read_workbook(path: Path, pricebook: PriceBook | None = None) -> ScenarioBook:
    """Read the scenario workbook at ``path``; raise InputError listing every problem.
    ``pricebook``: a user price book layered over the shipped one (``--prices``)."""
    path = Path(path)
    data = read_bytes(path)
    wb = open_workbook(path, data)
    reader = _Reader(path, wb, data, pricebook)
    book = reader.read(hashlib.sha256(data).hexdigest())
    if reader.problems:
        raise InputError(reader.problems)
    assert book is not None
    return book


class _Reader:
    def __init__(self, path: Path, wb: Workbook, data: bytes,
                 pricebook: PriceBook | None = None):
        self.pricebook = pricebook
        self.path = path
        self.file = str(path)
        self.wb = wb
        self.data = data
        self.problems: list[Problem] = []

    # -- collecting -------------------------------------------------------------------

    def problem(self, code: str, cell: InputCell | None, expected: str, found: str | None = None,
                *, sheet: str | None = None, where: str | None = None,
                field_name: str | None = None) -> None:
        self.problems.append(Problem(self.file, cell.sheet if cell else sheet,
                                     cell.coord if cell else where, expected, found,
                                     field_name, code=code))

    def read(self, sha256: str) -> ScenarioBook | None:
        scenario_cells = read_scenario_cells(self.wb, self.problem)
        options = self._table(OPTIONS_TABLE, [f.name for f in schema.OPTION_FIELDS],
                              optional={f.name for f in schema.OPTION_FIELDS
                                        if f.optional_in_workbook})
        uncertainty = self._table(UNCERTAINTY_TABLE, list(schema.UNCERTAINTY_COLUMNS))
        factors = self._table(FACTORS_TABLE, list(schema.FACTOR_COLUMNS),
                              optional=schema.OPTIONAL_FACTOR_COLUMNS)
        # Optional (template version 3): without them, only the base case and no
        # correlations.
        named = (self._table(SCENARIOS_TABLE, list(schema.SCENARIOS_COLUMNS))
                 if locate_table(self.wb, SCENARIOS_TABLE) else None)
        correlations = (self._table(CORRELATIONS_TABLE, list(schema.CORRELATION_COLUMNS))
                        if locate_table(self.wb, CORRELATIONS_TABLE) else None)
        cells = list(scenario_cells.values())
        for table in (options, uncertainty, factors, named, correlations):
            if table:
                cells += [c for row in table.rows for c in row.values()]
        self._resolve(cells)

        scenario = self._scenario(scenario_cells)
        if options and scenario is not None:  # before the other checks read the prices
            refused = next((scenario_cells[p.field] for p in self.problems
                            if p.field in ("price_date", "start_date")), None)
            explained = resolve_price_lookups(self.wb, options.rows, scenario, self.pricebook,
                                              self.problem, refused)
            self.problems = [p for p in self.problems if not (
                p.code == "formula-error" and f"{p.sheet}!{p.cell}" in explained)]
        book_priced = (_guards.check_currency(scenario, scenario_cells, options.rows,
                                              self.problem) if options and scenario else [])
        option_list = self._options(options) if options else []
        if options and scenario is not None:
            _guards.check_baseline(scenario, scenario_cells, option_list, self.problem)
        if scenario is not None:
            _guards.check_growth(scenario, scenario_cells, self.problem)
            _guards.check_discount(scenario, scenario_cells, self.problem)
        if options:
            _guards.check_options(self.wb, options.rows, option_list, self.problem,
                                  {r.model for r in self.pricebook.rows}
                                  if self.pricebook else set())
        # Without a readable Options table, option names cannot be checked.
        names = {o.name for o in option_list} if options else None
        uncertain = self._uncertainty(uncertainty, names, scenario) if uncertainty else []
        factor_list = self._factors(factors) if factors else []
        # No options at all is its own problem: the rows' option names are not judged.
        overrides = (read_overrides(named, names if option_list else None, scenario,
                                    scenario_cells, self.problem) if named else [])
        pairs = read_correlations(correlations, uncertain, self.problem) if correlations else []
        if self.problems or scenario is None or options is None:
            return None
        return ScenarioBook(
            pricebook=self.pricebook, path=self.path, sha256=sha256, scenario=scenario,
            options=option_list, uncertainty=uncertain, factors=factor_list,
            overrides=overrides, correlations=pairs,
            scenario_cells={name: c.address for name, c in scenario_cells.items()},
            option_cells=[{name: c.address for name, c in row.items()
                           if name in schema.OPTION}
                          for row in options.rows if not is_blank_option(row)],
            template_version=self._template_version(), book_priced=book_priced,
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

    def _table(self, name: str, columns: list[str],
                optional: set[str] | frozenset[str] = frozenset()) -> InputTable | None:
        """The table's data rows, cells by column name; None (and a problem) if the
        table or one of its columns is missing. Columns in ``optional`` (added to the
        template later) may be absent: their rows then lack the key."""
        located = locate_table(self.wb, name)
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
        if not table_in_bounds(ws, name, table.ref, self.problem):
            return None
        headers: dict[str, int] = {}
        wanted = {c.lower() for c in columns}
        for col in range(min_col, max_col + 1):
            cell = ws.cell(row=min_row, column=col)
            key = cell.value.strip().lower() if isinstance(cell.value, str) else ""
            if key in headers and key in wanted:  # which of the two is meant? Not the first.
                first = ws.cell(row=min_row, column=headers[key]).coordinate
                self.problem("duplicate", None, f"one column {key} in the {name} table "
                             f"({first} is one already): delete or rename the other",
                             describe(cell.value), sheet=ws.title, where=cell.coordinate)
            elif key:
                headers[key] = col
        missing = [c for c in columns if c.lower() not in headers and c not in optional]
        for c in missing:
            self.problem("missing-column", None,
                         f"a header cell {c} in the {name} table's header row",
                         "none", sheet=ws.title, where=header_ref)
        if missing:
            return None
        refuse_outside(ws, name, table.ref, self.problem)
        last = max_row - (table.totalsRowCount or 0)
        result = InputTable(name, ws.title, header_ref)
        for row in range(min_row + 1, last + 1):
            result.rows.append({c: self._cell(ws, row, headers[c.lower()]) for c in columns
                                if c.lower() in headers})
        return result

    @staticmethod
    def _cell(ws: Worksheet, row: int, col: int) -> InputCell:
        return InputCell.of(ws, ws.cell(row=row, column=col))

    def _resolve(self, cells: list[InputCell]) -> None:
        """Set each cell's value: itself, a formula's cached value, or the formula computed."""
        formulas = [c for c in cells if c.is_formula]
        for c in cells:
            if not c.is_formula:
                c.value = c.raw
        if not formulas:
            return
        for c in formulas:
            if refers_to_another_workbook(str(getattr(c.raw, "text", c.raw))):
                # Its cached value came from the other file: use nothing of it.
                c.failed = EXTERNAL_REASON
                self.problem("external-reference", c, "a value or a formula within this "
                             "workbook: paste the other workbook's value instead", c.shown)
        formulas = [c for c in formulas if not c.failed]
        wanted: dict[str, list[tuple[int, int]]] = {}
        for c in formulas:
            wanted.setdefault(c.sheet, []).append(coordinate_to_tuple(c.coord))
        cached = cached_values(self.data, wanted)
        pending = []
        for c in formulas:
            c.value = cached.get((c.sheet, c.coord))
            if c.value is None:
                pending.append(c)
            elif isinstance(c.value, str) and c.value in ERRORS:
                # The error Excel or LibreOffice saved: the formula's, not a typed text.
                c.failed = f"the formula gives {c.value}"
                self.problem("formula-error", c, "a formula that can be computed", c.shown)
        if pending:
            from ftreport.workbook._formulas import Failed, evaluate

            computed = evaluate(self.data, [(c.sheet, c.coord) for c in pending])
            for c in pending:
                value = computed[(c.sheet, c.coord)]
                if isinstance(value, Failed):
                    # A cell that refers to a broken formula says so ("depends on
                    # Options!E4") instead of repeating that formula's error.
                    c.failed = value.reason
                    self.problem("formula-error", c, "a formula that can be computed", c.shown)
                else:
                    c.value = value

    # -- checking -------------------------------------------------------------------------

    def _value(self, f: schema.Field, cell: InputCell) -> tuple[object, bool]:
        """The cell's value as ``f`` wants it (None when blank), and whether it fits.
        Adds a problem when it does not, or when a required value is blank."""
        if cell.failed:
            return None, False
        if percent_formatted(f, cell):
            self.problem("type-error", cell, f"{f.expected}, in a cell not formatted as a "
                         "percentage (Excel divides what is typed there by 100)",
                         f"{cell.shown}, shown as {cell.value * 100:.4g}%",  # type: ignore[operator]
                         field_name=f.name)
            return None, False
        try:
            value = convert(f, cell.value)
        except Unfit as bad:
            self.problem(bad.code, cell, bad.expected or f.expected, cell.shown,
                         field_name=f.name)
            return None, False
        if value is None and f.required:
            self.problem("missing-value", cell, f"{f.expected}, not blank", cell.shown,
                         field_name=f.name)
            return None, False
        return value, True

    def _scenario(self, cells: dict[str, InputCell]) -> Scenario | None:
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

    def _options(self, table: InputTable) -> list[Option]:
        options: list[Option] = []
        first_cell: dict[str, InputCell] = {}
        for row in table.rows:
            if is_blank_option(row):
                continue
            values: dict[str, object] = {}
            for f in schema.OPTION_FIELDS:
                cell = row.get(f.name)  # None: a column the workbook predates
                value = f.default if cell is None else self._value(f, cell)[0]
                if value is None and f.name not in OPTIONAL_OPTION_NUMBERS:
                    value = "" if f.kind in ("text", "choice") else 0.0
                values[f.name] = value
            key = name_key(str(values["name"]))
            if key:
                if key in first_cell:
                    self.problem("duplicate", row["name"], "unique (used again: "
                                 f"{first_cell[key].coord} has the same name)",
                                 row["name"].shown, field_name="name")
                else:
                    first_cell[key] = row["name"]
            options.append(Option(**values))  # type: ignore[arg-type]
        if len(options) > schema.MAX_OPTIONS:
            self.problem("too-many-rows", None, f"at most {schema.MAX_OPTIONS} options "
                         "(ftreport's limit, see docs/workbook.md)", f"{len(options):,}",
                         sheet=table.sheet, where=table.header_ref)
        if not options:
            self.problem("missing-rows", None, "at least one option: a row in the Options "
                         "table below its "
                         "header row", "none", sheet=table.sheet, where=table.header_ref)
        return options

    def _uncertainty(self, table: InputTable, option_names: set[str] | None,
                     scenario: Scenario | None) -> list[Uncertain]:
        rows: list[Uncertain] = []
        seen: dict[tuple[str, str | None], str] = {}
        for row in table.rows:
            if all(blank(c.value) and not c.failed for c in row.values()):
                continue
            item = self._uncertain_row(row, option_names)
            if item is None:
                continue
            _guards.check_draws(item, row, scenario, self.problem)
            key = (item.input, item.option)
            if key in seen:
                self.problem("duplicate", row["input"],
                             f"one row per input and option ({seen[key]} has "
                             "the same input and option)", row["input"].shown, field_name="input")
            else:
                seen[key] = row["input"].coord
            rows.append(item)
        return rows

    def _uncertain_row(self, row: dict[str, InputCell], option_names: set[str] | None
                       ) -> Uncertain | None:
        ok = True

        def bad(column: str, expected: str, code: str = "invalid-distribution") -> None:
            nonlocal ok
            ok = False
            self.problem(code, row[column], expected, row[column].shown, field_name=column)

        inp = text_of(row["input"].value)
        opt = text_of(row["option"].value) or None
        dist = text_of(row["distribution"].value).lower()
        wrong = addressing_problem(inp, opt, option_names)
        if wrong:
            bad(*wrong)
        numbers: dict[str, float | None] = {}
        unreadable: dict[str, str | None] = {}  # column -> why, beyond "not a number"
        f = schema.SCENARIO.get(inp) or schema.OPTION.get(inp)
        for column in ("p1", "p2", "p3", "clip_min", "clip_max"):
            try:
                numbers[column] = number_of(row[column].value, f is None or f.accepts_percent)
            except Unfit as unfit:
                unreadable[column] = unfit.expected
                numbers[column] = None
        # The engine's rule set, reported in column order; parameters are judged
        # only when all three could be read (an unreadable one is not "missing").
        rules = distributions.row_problems(dist, **numbers)
        params_read = all(c not in unreadable and not row[c].failed for c in ("p1", "p2", "p3"))
        for column, expected in rules:
            if column == "distribution":
                bad(column, expected)
        for column, why in unreadable.items():
            bad(column, f"a number, {why}" if why else "a number", "type-error")
        for column, expected in rules:
            if column != "distribution" and (params_read or column not in ("p1", "p2", "p3")):
                bad(column, expected)
        if not ok:
            return None
        return Uncertain(input=inp, option=opt, distribution=dist, p1=numbers["p1"],
                         p2=numbers["p2"], p3=numbers["p3"], clip_min=numbers["clip_min"],
                         clip_max=numbers["clip_max"],
                         notes=text_of(row["notes"].value), cell=row["input"].address)

    def _factors(self, table: InputTable) -> list[Factor]:
        factors = []
        for row in table.rows:
            if all(blank(c.value) for c in row.values()):
                continue
            question = text_of(row["question"].value)
            answer = text_of(row["answer"].value).lower() or "unknown"
            if not question:
                self.problem("missing-value", row["question"],
                             "a question (the row has an answer or notes)",
                             row["question"].shown, field_name="question")
            if answer not in schema.FACTOR_ANSWERS:
                self.problem("unknown-name", row["answer"],
                             "one of " + ", ".join(schema.FACTOR_ANSWERS),
                             row["answer"].shown, field_name="answer")
            favours = text_of(row["favours"].value).lower() if "favours" in row else ""
            if favours and favours not in schema.FACTOR_FAVOURS:
                self.problem("unknown-name", row["favours"],
                             "one of " + ", ".join(schema.FACTOR_FAVOURS) + " (or blank)",
                             row["favours"].shown, field_name="favours")
            factors.append(Factor(question, answer, text_of(row["notes"].value), favours))
        return factors

