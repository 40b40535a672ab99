"""The Scenario inputs' defined names: the one cell each points to, or a problem.

A name is matched as Excel matches it (case-insensitively, in the workbook's scope
or a sheet's), and must be a plain reference to one cell: ``Scenario!$C$8*2`` or a
range would otherwise be read as the cell it mentions. A name defined in several
scopes that point at different cells (a copied sheet keeps its own) is ambiguous,
and names that all point at a missing sheet are one problem, not one per name.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from openpyxl.utils.cell import coordinate_to_tuple
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.workbook.workbook import Workbook

from ftreport.model import schema
from ftreport.model.problems import describe
from ftreport.workbook import SCENARIO_SHEET
from ftreport.workbook._values import InputCell, sheet_ref

Report = Callable[..., None]  # the reader's ``problem``
ONE_CELL = re.compile(r"=?\s*(?:'(?:[^']|'')+'|[^\s'!:,;()*+/^&=<>-]+)!\$?[A-Za-z]{1,3}\$?\d+\s*")
NAME_MANAGER = "Excel: Formulas > Name Manager; LibreOffice: Sheet > Named Ranges"


def definitions(wb: Workbook, name: str) -> list[tuple[str | None, DefinedName]]:
    """Every definition of ``name`` (any case), with its scope: None for the workbook's,
    else the sheet's title; the workbook's first."""
    key = name.casefold()
    found: list[tuple[str | None, DefinedName]] = [
        (None, d) for n, d in wb.defined_names.items() if n.casefold() == key]
    return found + [(ws.title, d) for ws in wb.worksheets
                    for n, d in ws.defined_names.items() if n.casefold() == key]


def scenario_cells(wb: Workbook, problem: Report) -> dict[str, InputCell]:
    """The cell each Scenario defined name points to; a problem for each name that is
    missing, not one cell, or ambiguous, and one for each missing sheet they name."""
    found: dict[str, InputCell] = {}
    lost: dict[str, list[str]] = {}  # a missing sheet -> the names pointing into it
    for f in schema.SCENARIO_FIELDS:
        defined = definitions(wb, f.name)
        if not defined and f.optional_in_workbook:
            continue  # a workbook older than the field: its default applies
        if not defined:
            problem("missing-name", None, f"a defined name {f.name} on the value cell of "
                    f"\"{f.label}\"", "no such name", sheet=SCENARIO_SHEET)
            continue
        resolved = [(scope, d, _one_cell(d)) for scope, d in defined]
        unfit = next(((scope, d) for scope, d, target in resolved if target is None), None)
        if unfit is not None:
            problem("bad-name", None, f"the defined name {f.name} to refer to one cell, as "
                    f"{SCENARIO_SHEET}!$C$8 (not a range or a formula)",
                    describe(unfit[1].attr_text), sheet=unfit[0] or SCENARIO_SHEET)
            continue
        targets: dict[tuple[str, str], str | None] = {}  # (sheet, cell) -> its scope
        for scope, _, target in resolved:
            targets.setdefault(target, scope)  # type: ignore[arg-type]
        if len(targets) > 1:
            shown = "; ".join(f"{sheet_ref(s)}!{c} (defined "
                              + (f"on sheet {scope})" if scope else "for the workbook)")
                              for (s, c), scope in targets.items())
            problem("bad-name", None, f"one cell for the defined name {f.name}, which is "
                    f"defined more than once (a copied sheet keeps its own names): delete "
                    f"all but one ({NAME_MANAGER})", shown, sheet=SCENARIO_SHEET)
            continue
        (sheet, coord), = targets
        if sheet not in wb.sheetnames:
            lost.setdefault(sheet, []).append(f.name)
            continue
        other = _labelled_for_another(wb, f.name, sheet, coord)
        if other:
            problem("bad-name", None, f"the defined name {f.name} on its own value cell (the "
                    f"row whose Name column says {f.name}; {NAME_MANAGER})",
                    f"{sheet_ref(sheet)}!{coord}, the value cell of {other}", sheet=sheet,
                    where=coord)
            continue
        found[f.name] = InputCell.of(wb[sheet], wb[sheet][coord])
    for sheet, names in lost.items():
        problem("bad-name", None, f"a sheet named {sheet}, which the defined name"
                + (f"s {_listed(names)} refer" if len(names) > 1 else f" {names[0]} refers")
                + " to (rename the sheet back, or restore it)",
                "no such sheet: the sheets are " + ", ".join(wb.sheetnames), sheet=sheet)
    return found


def _one_cell(d: DefinedName) -> tuple[str, str] | None:
    """(sheet, cell) of a name that refers to exactly one cell, else None."""
    if d.is_external or not ONE_CELL.fullmatch(d.attr_text or ""):
        return None
    destinations = list(d.destinations)
    if len(destinations) != 1:
        return None
    sheet, ref = destinations[0]
    return sheet, ref.replace("$", "").upper()


def _labelled_for_another(wb: Workbook, name: str, sheet: str, coord: str) -> str | None:
    """The other Scenario input whose name is typed just left of the cell (the template's
    Name column), when there is one: the defined name then points at the wrong row."""
    row, col = coordinate_to_tuple(coord)
    label = wb[sheet].cell(row=row, column=col - 1).value if col > 1 else None
    text = label.strip() if isinstance(label, str) else ""
    return text if text in schema.SCENARIO and text != name else None


def _listed(names: list[str]) -> str:
    return ", ".join(names[:4]) + (f" and {len(names) - 4} more" if len(names) > 4 else "")
