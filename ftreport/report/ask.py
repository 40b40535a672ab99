"""What the memo asks for and what follows: the Scenario's optional decision block
(page one) and the sign-off lines at the end."""

from __future__ import annotations

from ftreport.model import Scenario
from ftreport.model.format import Formatter, calendar_date
from ftreport.report.views import KeyNumber, SignOff


def decision_block(scenario: Scenario, fmt: Formatter) -> list[KeyNumber]:
    """The decision block's rows the analyst filled in, in the Scenario sheet's order;
    empty when none is given (page one then shows no block)."""
    rows = [
        ("Budget requested", fmt.money(scenario.budget_requested)
         if scenario.budget_requested is not None else ""),
        ("Decision owner", scenario.decision_owner.strip()),
        ("Next steps", scenario.next_steps.strip()),
        ("Review date", calendar_date(scenario.review_date) if scenario.review_date else ""),
    ]
    return [KeyNumber(label, value) for label, value in rows if value]


def sign_off(scenario: Scenario) -> list[SignOff]:
    """Prepared, reviewed and approved: the names the workbook gives, blank lines for the
    rest (a signature and its date are written by hand)."""
    return [SignOff("Prepared by", scenario.prepared_by.strip()),
            SignOff("Reviewed by", ""),
            SignOff("Approved by", scenario.decision_owner.strip())]
