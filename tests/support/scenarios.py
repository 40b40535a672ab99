"""Scenarios built in Python, for tests that need no workbook file."""

from __future__ import annotations

import hashlib
from pathlib import Path

from ftreport.model import Factor, Option, Scenario, ScenarioBook, Uncertain


def support_book(**scenario: object) -> ScenarioBook:
    """Few-shot prompting a large model against a fine-tuned small one (seed 004's shape),
    plus an hourly-hosted deployment of the same fine-tune (seed 001's Azure scheme)."""
    options = [
        Option(name="Few-shot gpt-4.1", approach="prompting", model="gpt-4.1",
               input_tokens=3000, output_tokens=400, cached_input_share=0.5,
               price_input_per_1m=2.0, price_cached_input_per_1m=0.5, price_output_per_1m=8.0),
        Option(name="Fine-tuned gpt-4.1-mini", approach="fine-tuning", model="ft:gpt-4.1-mini",
               input_tokens=400, output_tokens=400, price_input_per_1m=0.8,
               price_cached_input_per_1m=0.2, price_output_per_1m=3.2,
               training_tokens=2_000_000, epochs=3, price_training_per_1m=5.0,
               one_time_cost=4000, monthly_fixed_cost=300, retrain_every_days=90,
               training_examples=1200, quality_score=0.86),
        Option(name="Azure hosted fine-tune", approach="fine-tuning", model="",
               input_tokens=400, output_tokens=400, price_input_per_1m=0.4,
               price_output_per_1m=1.6, training_hours=4, price_per_training_hour=100,
               hosting_per_hour=1.7, hosting_hours_per_day=24, one_time_cost=4000,
               training_examples=40, quality_score=0.84),
    ]
    options[0].quality_score = 0.9
    values = {"scenario_name": "Customer support assistant", "prepared_by": "Finance",
              "horizon_days": 365, "requests_per_day": 20_000, "monthly_growth": 0.03,
              "discount_rate": 0.08, "mc_iterations": 0, "mc_seed": 7}
    values.update(scenario)
    return ScenarioBook(
        path=Path("support.xlsx"), sha256=hashlib.sha256(b"support").hexdigest(),
        scenario=Scenario(**values), options=options,  # type: ignore[arg-type]
        uncertainty=[
            Uncertain("requests_per_day", None, "triangular", 12_000, 20_000, 35_000,
                      cell="Uncertainty!A5"),
            Uncertain("output_tokens", "*", "normal", 400, 80, clip_min=50,
                      cell="Uncertainty!A6"),
            Uncertain("training_tokens", "Fine-tuned gpt-4.1-mini", "uniform", 1e6, 5e6,
                      cell="Uncertainty!A7"),
        ],
        factors=[Factor("Is consistent output format needed?", "yes", "Ticket replies"),
                 Factor("Are requirements stable?", "unknown", ""),
                 Factor("Does the task need up-to-date knowledge?", "no", "")],
    )
