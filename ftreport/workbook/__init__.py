"""The scenario workbook: the template analysts fill in and the reader that checks it.

Public names (sheets, defined names, tables, columns) are listed in docs/workbook.md.
"""

from __future__ import annotations

SCENARIO_SHEET = "Scenario"
OPTIONS_TABLE = "Options"
UNCERTAINTY_TABLE = "Uncertainty"
FACTORS_TABLE = "Factors"
PRICES_TABLE = "Prices"

# Sheets ftreport writes into a report; a re-run replaces them, readers skip them.
REPORT_SHEETS = ("Summary", "Results", "Periods", "Timeline", "Workings", "Checks",
                 "Constants", "Run")
SIMULATION_SHEETS = ("Simulation", "Sensitivity")
OUTPUT_SHEETS = REPORT_SHEETS + SIMULATION_SHEETS
