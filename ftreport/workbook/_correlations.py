"""The `Correlations` table (template version 3, optional): its sheet in the template and
its rows read from a workbook. The rules are the engine's (ftreport.engine.correlation),
so the reader and the simulation's backstop say the same words; here they name cells."""

from __future__ import annotations

from collections.abc import Callable

from openpyxl.comments import Comment
from openpyxl.worksheet.worksheet import Worksheet

from ftreport.engine import correlation
from ftreport.model import Correlation, Uncertain, schema
from ftreport.workbook import CORRELATIONS_TABLE
from ftreport.workbook._checks import list_check, prompt_only
from ftreport.workbook._tables import Report
from ftreport.workbook._values import InputCell, InputTable, Unfit, blank, number_of, text_of
from ftreport.workbook.styles import heading

NOTES = {
    "input_a": "An input with a row in the Uncertainty table.",
    "option_a": "That Uncertainty row's option: blank for a Scenario input, * or an "
                "option's name.",
    "input_b": "The other input, also with a row in the Uncertainty table.",
    "option_b": "Its Uncertainty row's option, as for option_a.",
    "rank_correlation": "Spearman rank correlation, -1 to 1: 0.6 = when input_a is high, "
                        "input_b tends to be high too. Each input keeps its own distribution.",
}
HINT_TEXT = ("Optional: inputs that move together. Each row pairs two Uncertainty rows with "
             "a rank correlation (Iman-Conover); pairs not listed are independent.")


def correlations_sheet(ws: Worksheet, rows: list[dict[str, object]], *, header_row: int,
                       spare_rows: int, validated_rows: int, input_names: str,
                       hint_style: object, input_fill: object,
                       add_table: Callable[[Worksheet, str, int, int], None]) -> None:
    """Write the Correlations sheet and its table (``rows`` of an example, if any)."""
    heading(ws, CORRELATIONS_TABLE, HINT_TEXT, hint_style)
    columns = schema.CORRELATION_COLUMNS
    n = max(len(rows) + spare_rows, 3)
    for col, name in enumerate(columns, start=1):
        head = ws.cell(row=header_row, column=col, value=name)
        head.comment = Comment(NOTES[name], "ftreport", width=300, height=90)
        for i in range(n):
            cell = ws.cell(row=header_row + 1 + i, column=col,
                           value=rows[i].get(name) if i < len(rows) else None)
            cell.fill = input_fill
        letter = "ABCDE"[col - 1]
        dv = (list_check(input_names, name, NOTES[name]) if name.startswith("input_")
              else prompt_only(name, NOTES[name]))
        ws.add_data_validation(dv)
        dv.add(f"{letter}{header_row + 1}:{letter}{header_row + n + validated_rows}")
    for letter, width in zip("ABCDE", (24, 26, 24, 26, 18), strict=True):
        ws.column_dimensions[letter].width = width
    add_table(ws, CORRELATIONS_TABLE, len(columns), header_row + n)
    ws.freeze_panes = f"A{header_row + 1}"


def read_correlations(table: InputTable, uncertain: list[Uncertain], problem: Report
                      ) -> list[Correlation]:
    """The table's rows (blank rows skipped), each cause one problem at its cell."""
    pairs: list[Correlation] = []
    cells: list[dict[str, InputCell]] = []
    for row in table.rows:
        if all(blank(c.value) and not c.failed for c in row.values()):
            continue
        item = _pair(row, problem)
        if item is not None:
            pairs.append(item)
            cells.append(row)
    if not pairs:
        return []
    findings = correlation.check(pairs, [(u.input, u.option) for u in uncertain],
                                 lambda i, column: cells[i][column].coord)
    for f in findings:
        if f.row is not None:
            problem(f.code, cells[f.row][f.column], f.expected, f.found,
                    field_name=f.column)
        else:
            first, last = cells[0][f.column], cells[-1][f.column]
            problem(f.code, None, f.expected, f.found, sheet=table.sheet,
                    where=first.coord if first is last else f"{first.coord}:{last.coord}",
                    field_name=f.column)
    return pairs


def _pair(row: dict[str, InputCell], problem: Report) -> Correlation | None:
    cell = row["rank_correlation"]
    if cell.failed:
        return None
    try:
        rho = number_of(cell.value)
    except Unfit:
        problem("type-error", cell, "a rank correlation between -1 and 1", cell.shown,
                field_name="rank_correlation")
        return None
    if rho is None:
        problem("missing-value", cell, "a rank correlation between -1 and 1, not blank",
                cell.shown, field_name="rank_correlation")
        return None
    names = {c: text_of(row[c].value) for c in schema.CORRELATION_COLUMNS[:4]}
    for column in ("input_a", "input_b"):
        if not names[column]:
            problem("missing-value", row[column], "an input with a row in the Uncertainty "
                    "table, not blank", row[column].shown, field_name=column)
            return None
    return Correlation(names["input_a"], names["option_a"] or None, names["input_b"],
                       names["option_b"] or None, rho, cell=row["input_a"].address)
