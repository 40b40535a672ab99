"""The qualitative questions the template ships in its Factors table.

Each has the approach a "yes" argues for (the row's ``favours`` cell, which the
template fills in) and the guidance the memo prints beside it. The memo reads the
direction from the row itself; only a workbook made before the ``favours`` column
falls back on these, matching a shipped question by its exact text.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ShippedFactor:
    key: str
    question: str
    favours: str  # what a "yes" argues for (schema.FACTOR_FAVOURS)
    note: str  # pre-filled in the template's notes column
    guidance: str  # printed beside the row in the memo


SHIPPED_FACTORS: tuple[ShippedFactor, ...] = (
    ShippedFactor(
        "consistency", "Do you need consistent output (format, tone, behaviour) on every "
        "request?", "fine-tuning",
        "Yes favours fine-tuning: it steers the model to more consistent output.",
        "Fine-tuning steers a model to consistent output and fewer hallucinations."),
    ShippedFactor(
        "stable", "Are the task's requirements stable for months?", "fine-tuning",
        "No favours prompting: a prompt changes in minutes, a fine-tune needs retraining.",
        "Stable requirements suit a fine-tune trained once and reused; changing ones favour "
        "a prompt, which is edited in minutes."),
    ShippedFactor(
        "examples", "Do you have enough good training examples (50 to 100 to start, hundreds "
        "for a clear gain)?", "fine-tuning",
        "No favours prompting: a prompt is worth about 100 examples.",
        "Fine-tuning needs enough domain examples, 50 to 100 to start; a good prompt is worth "
        "about 100 of them."),
    ShippedFactor(
        "privacy", "Would training use user data or data under privacy limits?", "prompting",
        "Yes argues against a hosted fine-tune (or for a self-hosted one).",
        "Fine-tuning a hosted model on user data is advised against; a self-hosted model that "
        "keeps the data in-house is the exception."),
    ShippedFactor(
        "fresh", "Does the task need up-to-date knowledge?", "prompting",
        "Yes favours prompting with retrieval: a fine-tune learns only what it was trained on.",
        "Knowledge that must stay current is better fed through the prompt or retrieval than "
        "trained into the weights."),
    ShippedFactor(
        "general", "Does the task need general-purpose capabilities rather than one narrow "
        "task?", "prompting", "Yes favours prompting a large general model.",
        "General-purpose use favours a large prompted model; fine-tuning specialises it."),
    ShippedFactor(
        "latency", "Is low latency critical?", "fine-tuning",
        "Yes favours fine-tuning a smaller model with a short prompt.",
        "A smaller fine-tuned model with a shorter prompt answers faster."),
    ShippedFactor(
        "tried", "Has few-shot prompting been tried and found not good enough?", "fine-tuning",
        "No: try prompt engineering first.",
        "Try prompt engineering first; fine-tune when it is not good enough."),
    ShippedFactor(
        "context", "Do the few-shot examples no longer fit in the context window?",
        "fine-tuning", "Yes favours fine-tuning: the examples move into the model.",
        "When the examples no longer fit in the prompt, fine-tuning moves them into the "
        "model."),
)
SHIPPED_BY_QUESTION = {f.question: f for f in SHIPPED_FACTORS}
