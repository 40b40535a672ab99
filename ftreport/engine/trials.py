"""Every iteration's sampled inputs and outputs, chunk by chunk: what `ftreport run
--trials` and `--sipmath` write (ftreport/export/). The same draws
(``sampling.draw_chunk``, so the same blocks, method and correlations) and the same
evaluation (``compare.evaluate``, the break-even day from ``breakeven``) as the
simulation, so a trial file's rows are the simulation's iterations."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from ftreport.engine import compare
from ftreport.engine.analysis import option_arrays
from ftreport.engine.breakeven import break_even_from_blocks
from ftreport.engine.costs import Array
from ftreport.engine.sampling import BLOCK, Draw, chunk_inputs, draw_chunk, resolve
from ftreport.model import ScenarioBook
from ftreport.model.outputs import SIMULATED_KEYS

TRIAL_CHUNK = 8 * BLOCK  # iterations per chunk: bounded memory, whole blocks
# What compare.evaluate is asked for: the simulated outputs and the break-even
# search's building blocks.
BUILDING_BLOCKS = ("cost_per_request", "daily_fixed_cost", "training_cost_per_run",
                   "upfront_cost")
SCENARIO_KEYS = ("requests_per_day", "monthly_growth", "discount_rate")


@dataclass(frozen=True)
class TrialChunk:
    """Iterations ``start..start+size-1``: each input column's samples (iteration) and
    each simulated output's values (option x iteration)."""

    start: int
    inputs: dict[str, Array]
    outputs: dict[str, Array]

    @property
    def size(self) -> int:
        return next(iter(self.outputs.values())).shape[1]


def input_column(draw: Draw) -> str:
    """A sampled input's column name: ``requests_per_day``, ``epochs[*]``,
    ``training_tokens[Fine-tuned gpt-4.1-mini]``."""
    r = draw.row
    return r.input if r.option is None else f"{r.input}[{r.option}]"


def trial_chunks(book: ScenarioBook, baseline: int, *, chunk_size: int = TRIAL_CHUNK,
                 iterations: int | None = None) -> Iterator[TrialChunk]:
    """The trials of the first ``iterations`` iterations (``book.scenario.mc_iterations``
    unless given: a run stopped early at its target standard error ran fewer),
    ``chunk_size`` (whole blocks) at a time; ``baseline`` is the analysis' baseline
    option."""
    s = book.scenario
    n = int(s.mc_iterations if iterations is None else iterations)
    horizon = int(s.horizon_days)
    draws = resolve(book)
    names = [input_column(d) for d in draws]
    base_options = option_arrays(book.options)
    base_scenario = {k: float(getattr(s, k)) for k in SCENARIO_KEYS}
    keys = tuple(k for k in dict.fromkeys((*BUILDING_BLOCKS, *SIMULATED_KEYS))
                 if k != "break_even_day")
    chunk = max(BLOCK, -(-chunk_size // BLOCK) * BLOCK)
    for start in range(0, n, chunk):
        stop = min(n, start + chunk)
        samples = draw_chunk(draws, int(s.mc_seed), start, stop)
        options, scenario = chunk_inputs(draws, samples, base_options, base_scenario)
        shape = (len(book.options), stop - start)
        res = {k: np.broadcast_to(v, shape) for k, v in compare.evaluate(
            options, baseline, horizon_days=horizon, with_break_even_day=False, keys=keys,
            **scenario).items()}
        outputs = {k: res[k] for k in SIMULATED_KEYS if k != "break_even_day"}
        outputs["break_even_day"] = break_even_from_blocks(
            res, options["retrain_every_days"], baseline, horizon,
            scenario["requests_per_day"], scenario["monthly_growth"], shape)
        yield TrialChunk(start, dict(zip(names, samples, strict=True)),
                         {k: outputs[k] for k in SIMULATED_KEYS})
