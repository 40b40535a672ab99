"""The scenario workbook: the template analysts fill in and the reader that checks it.

Public names (sheets, defined names, tables, columns) are listed in docs/workbook.md.
"""

from __future__ import annotations

SCENARIO_SHEET = "Scenario"
OPTIONS_TABLE = "Options"
UNCERTAINTY_TABLE = "Uncertainty"
FACTORS_TABLE = "Factors"
CORRELATIONS_TABLE = "Correlations"  # optional (template version 3)
PRICES_TABLE = "Prices"
# The named scenarios' table (optional) and its sheet, named apart from the output sheet
# `Scenarios`, which a re-run replaces.
SCENARIOS_TABLE = "Scenarios"
SCENARIOS_INPUT_SHEET = "Named scenarios"

# Sheets ftreport writes into a report; a re-run replaces them, readers skip them.
REPORT_SHEETS = ("Summary", "Results", "Periods", "Timeline", "Workings", "Checks",
                 "Constants", "Run")
SIMULATION_SHEETS = ("Simulation", "Sensitivity")
# The scenarios' sheet (when the workbook names scenarios) and the break-even map.
VIEW_SHEETS = ("Scenarios", "BreakEvenMap")
OUTPUT_SHEETS = REPORT_SHEETS + SIMULATION_SHEETS + VIEW_SHEETS
