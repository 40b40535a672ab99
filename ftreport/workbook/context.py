"""What every sheet of a report is written from: the run, the engine's intermediate
quantities, the references the formulas use, and the cells written so far."""

from __future__ import annotations

from openpyxl import Workbook

from ftreport.engine import workings
from ftreport.model.results import RunResult
from ftreport.workbook.cells import Cells
from ftreport.workbook.layout import OptionRefs, References
from ftreport.workbook.styles import NumberFormats


class ReportContext:
    """One report being written into the open workbook ``wb``."""

    def __init__(self, wb: Workbook, result: RunResult) -> None:
        self.wb, self.result = wb, result
        self.analysis, self.book = result.analysis, result.book
        self.n = len(self.book.options)
        self.cells = Cells()
        self.formats = NumberFormats(self.book.scenario.currency)
        self.refs = References(self.book, wb.defined_names)
        self.option_refs = [OptionRefs(self.refs, i) for i in range(self.n)]
        # The engine's values of every formula cell, cached beside the formulas.
        self.scenario_values = workings.scenario_workings(self.analysis)
        self.option_values = workings.option_workings(self.analysis)
        self.timeline = workings.timeline(self.analysis)
