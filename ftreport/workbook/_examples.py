"""The filled-in examples `ftreport init --example` writes (and sample_inputs/ holds).

Each example gives Scenario values, Options rows, Uncertainty rows and Factor
answers. An option price not given here is left to the template's lookup
formula, so the example shows the price book at work; a price given here is
"typed over" the lookup, as an analyst would.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class Example:
    scenario: dict[str, object]
    options: list[dict[str, object]]
    uncertainty: list[dict[str, object]] = field(default_factory=list)
    correlations: list[dict[str, object]] = field(default_factory=list)
    # Factor key (ftreport.model.factors.SHIPPED_FACTORS) -> (answer, notes).
    answers: dict[str, tuple[str, str]] = field(default_factory=dict)
    # Rows of the Scenarios table: scenario, input, option (blank, * or a name), value.
    scenarios: list[dict[str, object]] = field(default_factory=list)


_SEED_FT = "Fine-tuned gpt-3.5"
_SEED_PE = "Few-shot gpt-3.5-16k"

SEED_000 = Example(
    scenario={
        "scenario_name": "Seed 000 replica: fine-tuned gpt-3.5 vs few-shot gpt-3.5-16k",
        "prepared_by": "ftreport, after teron131/Finetune-Cost-Analysis (CostAnalysis.ipynb)",
        "currency": "USD", "horizon_days": 90, "requests_per_day": 215,
        "monthly_growth": 0, "discount_rate": 0, "baseline_option": _SEED_PE,
        "mc_iterations": 200_000, "mc_seed": 0, "trim_low_pct": 5, "trim_high_pct": 95,
        "trim_mode": "seed-000",
        # The study's prices are OpenAI's of September 2023: the rows in force then.
        "price_date": date(2023, 9, 1),
    },
    options=[
        {"name": _SEED_PE, "approach": "prompting", "model": "gpt-3.5-turbo-16k",
         "input_tokens": 13_108, "output_tokens": 1_533,
         "notes": "Few-shot prompt filling 80% of the 16,385-token window (mean of the study's "
                  "normal draw); output mean of uniform 400..2,666. 2023 prices per 1M."},
        {"name": _SEED_FT, "approach": "fine-tuning", "model": "ft:gpt-3.5-turbo-2023",
         "input_tokens": 600, "output_tokens": 1_533, "training_tokens": 26_500_000,
         "epochs": 17.5,
         "notes": "Point values are the means of the study's distributions (input 133..1,066, "
                  "training tokens 3M..50M, epochs 5..30); the Uncertainty sheet draws them."},
    ],
    uncertainty=[
        {"input": "training_tokens", "option": _SEED_FT, "distribution": "uniform",
         "p1": 3_000_000, "p2": 50_000_000, "notes": "T_Data in the study."},
        {"input": "epochs", "option": _SEED_FT, "distribution": "integer", "p1": 5, "p2": 30,
         "notes": "Whole number of epochs, each equally likely, 5 and 30 included."},
        {"input": "output_tokens", "option": "*", "distribution": "uniform", "p1": 400,
         "p2": 2_666, "notes": "300 to 2,000 words; one draw shared by both options "
                               "(the study assumes equal answer lengths)."},
        {"input": "input_tokens", "option": _SEED_FT, "distribution": "uniform", "p1": 133,
         "p2": 1_066, "notes": "100 to 800 words x 4/3."},
        {"input": "input_tokens", "option": _SEED_PE, "distribution": "normal", "p1": 13_108,
         "p2": 1_310.8, "clip_max": 16_385,
         "notes": "0.8 x 16,385, sd 10% of the mean, capped at the context window. The study's "
                  "lower clip (the fine-tuned input) is 9 sd away and never binds."},
        {"input": "requests_per_day", "option": None, "distribution": "normal", "p1": 215,
         "p2": 28,
         "notes": "Approximation of the study's floor(P99 of Poisson(lambda)) x hours, lambda ~ "
                  "N(50/3, 5/3) per 3 hours, hours ~ N(8, 0.8): mean about 215, P5 171, P95 262."},
    ],
    answers={
        "consistency": ("unknown", "Not discussed by the study."),
        "examples": ("yes", "3M to 50M training tokens assumed available."),
        "context": ("no", "The few-shot prompt fits in 16k tokens."),
    },
    scenarios=[
        {"scenario": "Downside: half the volume", "input": "requests_per_day", "value": 107.5},
        {"scenario": "Downside: half the volume", "input": "epochs", "option": _SEED_FT,
         "value": 30},
        {"scenario": "Upside: 1.5x the volume", "input": "requests_per_day", "value": 322.5},
    ],
)

_SUPPORT_FT = "Fine-tuned gpt-4.1-mini"

SUPPORT = Example(
    scenario={
        "scenario_name": "Customer support assistant", "prepared_by": "Finance",
        "currency": "USD", "horizon_days": 365, "requests_per_day": 20_000,
        "monthly_growth": 0.03, "discount_rate": 0.08, "baseline_option": "Few-shot gpt-4.1",
        "min_quality": 0.85, "mc_iterations": 20_000, "mc_seed": 7,
        "trim_low_pct": 5, "trim_high_pct": 95,
    },
    options=[
        {"name": "Few-shot gpt-4.1", "approach": "prompting", "model": "gpt-4.1",
         "input_tokens": 3_000, "cached_input_share": 0.5, "output_tokens": 400,
         "quality_score": 0.90,
         "notes": "System prompt and 8 worked tickets (~2,600 tokens) plus the ticket; the "
                  "shared prefix is cached about half the time."},
        {"name": _SUPPORT_FT, "approach": "fine-tuning", "model": "ft:gpt-4.1-mini",
         "input_tokens": 400, "output_tokens": 400, "training_tokens": 2_000_000, "epochs": 3,
         "monthly_fixed_cost": 300, "one_time_cost": 4_000, "retrain_every_days": 90,
         "quality_score": 0.86, "training_examples": 1_200,
         "notes": "1,200 curated tickets (~1,700 tokens each); retrained quarterly as products "
                  "change. One-time: labelling and evaluation; monthly: eval runs."},
        {"name": "Azure hosted fine-tune", "approach": "fine-tuning",
         "model": "azure:ft:gpt-4.1-mini", "input_tokens": 400, "output_tokens": 400,
         "training_tokens": 2_000_000, "epochs": 3, "hosting_hours_per_day": 24,
         "monthly_fixed_cost": 300, "one_time_cost": 4_000, "retrain_every_days": 90,
         "quality_score": 0.86, "training_examples": 1_200,
         "notes": "The same fine-tune on an Azure Standard deployment: base-model token rates "
                  "plus the hourly hosting fee, always on."},
    ],
    uncertainty=[
        {"input": "requests_per_day", "distribution": "triangular", "p1": 12_000, "p2": 20_000,
         "p3": 35_000, "notes": "Support desk forecast: low, likely, high."},
        {"input": "monthly_growth", "distribution": "triangular", "p1": 0, "p2": 0.03,
         "p3": 0.08, "notes": "Flat to strong growth."},
        {"input": "output_tokens", "option": "*", "distribution": "normal", "p1": 400, "p2": 80,
         "clip_min": 50, "notes": "Reply length, the same for every option."},
        {"input": "training_tokens", "option": _SUPPORT_FT, "distribution": "uniform",
         "p1": 1_000_000, "p2": 5_000_000, "notes": "Depends on how many tickets pass review."},
        {"input": "training_tokens", "option": "Azure hosted fine-tune",
         "distribution": "uniform", "p1": 1_000_000, "p2": 5_000_000,
         "notes": "Same training file as the OpenAI fine-tune."},
    ],
    answers={
        "consistency": ("yes", "Replies must follow the house style and ticket macros."),
        "stable": ("unknown", "Product catalogue changes each quarter: retraining planned."),
        "examples": ("yes", "1,200 reviewed tickets."),
        "privacy": ("yes", "Tickets hold customer data: redact before training."),
        "fresh": ("no", "Policies come from retrieval, not from the model."),
        "general": ("no", "Support replies only."),
        "latency": ("yes", "Agents wait for the draft."),
        "tried": ("yes", "Few-shot gpt-4.1 is the current production setup."),
        "context": ("no", ""),
    },
    scenarios=[
        {"scenario": "Downside: half the volume, no growth", "input": "requests_per_day",
         "value": 10_000},
        {"scenario": "Downside: half the volume, no growth", "input": "monthly_growth",
         "value": 0},
        {"scenario": "Downside: half the volume, no growth", "input": "one_time_cost",
         "option": "*", "value": 6_000},
        {"scenario": "Downside: half the volume, no growth", "input": "one_time_cost",
         "option": "Few-shot gpt-4.1", "value": 0},
        {"scenario": "Upside: 1.5x the volume, 5% growth", "input": "requests_per_day",
         "value": 30_000},
        {"scenario": "Upside: 1.5x the volume, 5% growth", "input": "monthly_growth",
         "value": 0.05},
    ],
)

_DISTILLED = "Distilled 8B on an A100"

DISTILLATION = Example(
    scenario={
        "scenario_name": "Distilling a ticket classifier", "prepared_by": "ML platform team",
        "currency": "USD", "horizon_days": 365, "requests_per_day": 40_000,
        "monthly_growth": 0.02, "discount_rate": 0.08, "baseline_option": "Prompting gpt-4.1",
        "min_quality": 0.8, "mc_iterations": 20_000, "mc_seed": 11,
        "trim_low_pct": 5, "trim_high_pct": 95,
    },
    options=[
        {"name": "Prompting gpt-4.1", "approach": "prompting", "model": "gpt-4.1",
         "input_tokens": 1_800, "cached_input_share": 0.3, "output_tokens": 350,
         "quality_score": 0.9, "notes": "The teacher model, prompted directly."},
        {"name": _DISTILLED, "approach": "distillation", "model": "gpu:a100-80gb",
         "input_tokens": 600, "output_tokens": 350, "training_tokens": 75_000_000, "epochs": 3,
         "training_hours": 12, "hosting_hours_per_day": 24, "monthly_fixed_cost": 1_500,
         "one_time_cost": 8_000, "data_generation_cost": 450, "retrain_every_days": 180,
         "quality_score": 0.84, "training_examples": 50_000,
         "notes": "50,000 teacher answers (~1,500 tokens each; about $450 at gpt-4.1 rates, as "
                  "Alpaca's 52k cost under $500) train an open 8B model with LoRA on one rented "
                  "A100, which then serves all traffic. Monthly: MLOps and monitoring."},
        {"name": "Distilled gpt-4.1-nano", "approach": "distillation",
         "model": "ft:gpt-4.1-nano", "input_tokens": 600, "output_tokens": 350,
         "training_tokens": 75_000_000, "epochs": 2, "one_time_cost": 3_000,
         "data_generation_cost": 450, "retrain_every_days": 180, "quality_score": 0.82,
         "training_examples": 50_000,
         "notes": "The same teacher data fine-tunes gpt-4.1-nano on OpenAI: no GPUs to run."},
    ],
    uncertainty=[
        {"input": "requests_per_day", "distribution": "lognormal", "p1": 40_000, "p2": 10_000,
         "notes": "Right-skewed volume forecast: mean 40k, sd 10k."},
        {"input": "training_hours", "option": _DISTILLED, "distribution": "triangular",
         "p1": 8, "p2": 12, "p3": 24, "notes": "LoRA on one A100: depends on sequence length."},
        # One row per distilled option: a "*" row would also draw a data cost for the
        # prompting baseline, which has none (ftreport warns of exactly that).
        *({"input": "data_generation_cost", "option": name, "distribution": "pert", "p1": 300,
           "p2": 450, "p3": 900, "notes": "Teacher tokens per example vary; retries on bad "
           "outputs."} for name in (_DISTILLED, "Distilled gpt-4.1-nano")),
        {"input": "output_tokens", "option": "*", "distribution": "uniform", "p1": 250,
         "p2": 450},
    ],
    answers={
        "consistency": ("yes", "Labels and rationale in a fixed JSON shape."),
        "stable": ("yes", "The label set changes about twice a year."),
        "examples": ("yes", "Teacher-generated, 50,000 examples."),
        "privacy": ("yes", "Self-hosting keeps tickets in our VPC."),
        "fresh": ("no", ""),
        "general": ("no", "One narrow task."),
        "latency": ("unknown", "Batch classification; latency matters little."),
        "tried": ("yes", "gpt-4.1 prompting works but costs too much at this volume."),
        "context": ("no", ""),
    },
    scenarios=[
        {"scenario": "Downside: half the volume", "input": "requests_per_day", "value": 20_000},
        {"scenario": "Downside: half the volume", "input": "data_generation_cost",
         "option": "*", "value": 900},
        {"scenario": "Downside: half the volume", "input": "data_generation_cost",
         "option": "Prompting gpt-4.1", "value": 0},
        {"scenario": "Upside: 1.5x the volume", "input": "requests_per_day", "value": 60_000},
    ],
)

# What `ftreport init` writes by default: the smallest complete comparison, valid as
# it stands, for an analyst to type over. "blank" leaves every input empty.
STARTER = Example(
    scenario={
        "scenario_name": "My scenario", "prepared_by": "", "currency": "USD",
        "horizon_days": 365, "requests_per_day": 1_000, "monthly_growth": 0,
        "discount_rate": 0, "mc_iterations": 10_000, "mc_seed": 0,
    },
    options=[
        {"name": "Few-shot prompting", "approach": "prompting", "model": "gpt-4.1",
         "input_tokens": 2_500, "output_tokens": 300,
         "notes": "Replace with your prompt size: system prompt plus few-shot examples."},
        {"name": "Fine-tuned small model", "approach": "fine-tuning",
         "model": "ft:gpt-4.1-mini", "input_tokens": 300, "output_tokens": 300,
         "training_tokens": 1_000_000, "epochs": 3, "one_time_cost": 2_000,
         "training_examples": 500,
         "notes": "Replace with your training file size and preparation cost."},
    ],
)

EXAMPLES: dict[str, Example | None] = {"starter": STARTER, "blank": None, "seed-000": SEED_000,
                                       "support": SUPPORT, "distillation": DISTILLATION}
