"""The memo's qualitative factors: which way each Factors row leans, with guidance on its
topic, and a tally against the cost result.

A row's direction is its own ``favours`` cell (what a "yes" argues for): nothing is
guessed from the question's words. A workbook made before that column gets the
shipped question's direction, matched by its exact text; any other row is neutral.
"""

from __future__ import annotations

from collections.abc import Sequence

from ftreport.model import Factor
from ftreport.model.factors import SHIPPED_BY_QUESTION
from ftreport.report.views import Factors, FactorView, OptionView

OTHER = {"fine-tuning": "prompting", "prompting": "fine-tuning"}
OWN_GUIDANCE = "The analyst's own factor: weigh it as the notes say."


def favours(factor: Factor) -> str:
    """What a "yes" to the row argues for: its favours cell, else the shipped question's."""
    if factor.favours:
        return factor.favours
    shipped = SHIPPED_BY_QUESTION.get(factor.question.strip())
    return shipped.favours if shipped else "neutral"


def factor_view(factor: Factor) -> FactorView:
    """Which way a Factors row leans given its answer, with the guidance on its topic."""
    answer = (factor.answer or "unknown").strip().lower()
    direction = favours(factor)
    if direction == "neutral":
        leaning = "open" if answer == "unknown" else "neutral"
    else:
        leaning = {"yes": direction, "no": OTHER[direction]}.get(answer, "open")
    shipped = SHIPPED_BY_QUESTION.get(factor.question.strip())
    notes = without_template_note(factor.notes, shipped.note) if shipped else factor.notes
    return FactorView(factor.question, answer, notes, leaning,
                      shipped.guidance if shipped else OWN_GUIDANCE)


def without_template_note(notes: str, template_note: str) -> str:
    """The analyst's notes less the note the template pre-filled (alone, or in brackets
    after their own words): the guidance printed beside them says the same."""
    text = (notes or "").replace(f"({template_note})", "").replace(template_note, "")
    return " ".join(text.split())


def counted(count: int, one: str, many: str) -> str:
    """``count`` with the singular or plural word after it."""
    return f"{count} {one if count == 1 else many}"


def agreement(rows: Sequence[FactorView], cost_side: str) -> tuple[str, bool]:
    """The factors against the cost result in one sentence, and whether they agree: at
    least one leans the cost result's way and none against it."""
    for_cost = sum(r.leaning == cost_side for r in rows)
    against = sum(r.leaning == OTHER[cost_side] for r in rows)
    if for_cost and not against:
        return "They agree with the cost result.", True
    if for_cost == against:
        return ("They are evenly balanced." if for_cost else
                "None of them leans either way, so they neither support nor contradict the "
                "cost result."), False
    if for_cost > against:
        return (f"Most of those that lean favour {cost_side}, but "
                f"{counted(against, 'argues', 'argue')} against it; weigh "
                f"{'it' if against == 1 else 'them'} before deciding."), False
    return ("They do not support the cost result; weigh them before deciding.", False)


def factors_view(factors: Sequence[Factor], rec: OptionView) -> Factors:
    """Every Factors row with its leaning, and a one-line tally against the cost result."""
    rows = [factor_view(f) for f in factors]
    if not rows:
        return Factors(rows, "The Factors sheet is empty: the recommendation rests on cost "
                             "alone. Answer the questions there before committing.")
    ft = sum(r.leaning == "fine-tuning" for r in rows)
    pr = sum(r.leaning == "prompting" for r in rows)
    unknown = sum(r.leaning == "open" for r in rows)
    neutral = sum(r.leaning == "neutral" for r in rows)
    cost_side = "prompting" if rec.approach == "prompting" else "fine-tuning"
    verdict, agrees = agreement(rows, cost_side)
    tally = (f"{counted(len(rows), 'qualitative factor', 'qualitative factors')}, "
             f"{counted(ft, 'favours', 'favour')} fine-tuning, "
             f"{counted(pr, 'favours', 'favour')} prompting, "
             + (f"{counted(neutral, 'is', 'are')} neutral " if neutral else "")
             + f"and {counted(unknown, 'is', 'are')} still open")
    return Factors(rows, f"Cost favours {rec.approach} ({rec.name}). Of {tally}. {verdict}",
                   page_one=f"Of the {tally}. {verdict}", agree=agrees)
