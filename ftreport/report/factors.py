"""The memo's qualitative factors: which way each Factors row leans, with the seeds'
guidance on its topic, and a tally against the cost result.

The classification matches question words to topics; keep its behaviour as it is
here until it is replaced as a whole.
"""

from __future__ import annotations

from collections.abc import Sequence

from ftreport.model import Factor
from ftreport.report.views import Factors, FactorView, OptionView

# Seed guidance on when to fine-tune (seeds 001-004), matched to the Factors sheet's
# questions by keywords. ``yes_favours`` is what a "yes" answer argues for.
FACTOR_TOPICS: tuple[tuple[tuple[str, ...], str, str], ...] = (
    (("tried prompt", "prompt engineering"), "fine-tuning",
     "Try prompt engineering first; fine-tune only when it is not good enough (seeds 001, 004)."),
    (("consisten", "output format"), "fine-tuning",
     "Fine-tuning steers a model to consistent output and fewer hallucinations (seeds 002, "
     "004)."),
    (("change", "evolv"), "prompting",
     "Changing requirements favour prompting: a prompt is edited in minutes, a fine-tune "
     "must be retrained (seed 004)."),
    (("stable",), "fine-tuning",
     "Stable requirements suit a fine-tune that is trained once and reused (seed 004)."),
    (("example", "training data", "labelled", "labeled", "data available", "domain data"),
     "fine-tuning",
     "Fine-tuning needs enough domain examples: 50 to 100 to start (seed 001); a prompt is "
     "worth about 100 examples (seed 003)."),
    (("privacy", "user data", "personal", "confidential", "sensitive"), "prompting",
     "Seed 001 advises against fine-tuning on user data; a self-hosted model that keeps data "
     "in-house is the exception (seed 002)."),
    (("up-to-date", "up to date", "fresh", "current", "recent", "real-time"), "prompting",
     "Knowledge that must stay current is better fed through the prompt or retrieval than "
     "baked into weights (seeds 001, 002)."),
    (("latency", "response time", "fast"), "fine-tuning",
     "A smaller fine-tuned model with a shorter prompt answers faster (seeds 001, 004)."),
    (("general", "many tasks", "multiple use", "several use"), "prompting",
     "General-purpose use favours a large prompted model; fine-tuning specialises "
     "(seeds 001, 002)."),
    (("volume", "scale"), "fine-tuning",
     "High, steady volume is where fine-tuning pays back (seed 004)."),
)
OTHER = {"fine-tuning": "prompting", "prompting": "fine-tuning"}


def classify_factor(factor: Factor) -> FactorView:
    """Which way a Factors row leans, with the seeds' guidance on its topic."""
    question = factor.question.lower()
    answer = (factor.answer or "unknown").strip().lower()
    for keywords, yes_favours, guidance in FACTOR_TOPICS:
        if any(k in question for k in keywords):
            leaning = {"yes": yes_favours, "no": OTHER[yes_favours]}.get(answer, "open")
            return FactorView(factor.question, answer, factor.notes, leaning, guidance)
    leaning = "open" if answer == "unknown" else "neutral"
    return FactorView(factor.question, answer, factor.notes, leaning,
                      "The analyst's own factor: weigh it as the notes say.")


def counted(count: int, one: str, many: str) -> str:
    """``count`` with the singular or plural word after it."""
    return f"{count} {one if count == 1 else many}"


def factors_view(factors: Sequence[Factor], rec: OptionView) -> Factors:
    """Every Factors row classified, and a one-line tally against the cost result."""
    rows = [classify_factor(f) for f in factors]
    if not rows:
        return Factors(rows, "The Factors sheet is empty: the recommendation rests on cost "
                             "alone. Answer the questions there before committing.")
    ft = sum(r.leaning == "fine-tuning" for r in rows)
    pr = sum(r.leaning == "prompting" for r in rows)
    unknown = sum(r.leaning == "open" for r in rows)
    cost_side = "prompting" if rec.approach == "prompting" else "fine-tuning"
    agrees = {"fine-tuning": ft > pr, "prompting": pr > ft}[cost_side]
    verdict = ("They agree with the cost result." if agrees else
               "They do not clearly support the cost result; weigh them before deciding."
               if ft != pr else "They are evenly balanced.")
    return Factors(rows, f"Cost favours {rec.approach} ({rec.name}). Of "
                         f"{counted(len(rows), 'qualitative factor', 'qualitative factors')}, "
                         f"{counted(ft, 'favours', 'favour')} fine-tuning, "
                         f"{counted(pr, 'favours', 'favour')} prompting and "
                         f"{counted(unknown, 'is', 'are')} still open. {verdict}")
