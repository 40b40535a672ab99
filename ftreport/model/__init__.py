"""The bottom layer: what every other part of ftreport shares and none imports back.

- ``inputs``: the scenario as typed objects (what the reader makes);
- ``schema``: one table of the input fields; ``outputs``: one table of the results;
- ``results``: the typed results (Analysis, SimulationResult, RunResult);
- ``problems``: typed errors, each with its exit code, and the Problem records;
- ``pricebook``: the dated price book shipped with the package;
- ``format``: how numbers, money and dates are written in the memo and the email.
"""

from ftreport.model.inputs import Correlation, Factor, Option, Scenario, ScenarioBook, Uncertain

__all__ = ["Correlation", "Factor", "Option", "Scenario", "ScenarioBook", "Uncertain"]
