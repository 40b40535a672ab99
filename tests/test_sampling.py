"""The simulation's inputs: streams that do not depend on the iteration count."""

from __future__ import annotations

import numpy as np
import pytest

from ftreport.engine.sampling import BLOCK, Draw, draw_chunk
from ftreport.model import Uncertain
from ftreport.model.schema import DISTRIBUTIONS

# One row of every distribution kind, in one table (each row draws after the previous one).
ROWS = {
    "fixed": Uncertain("requests_per_day", None, "fixed", 5.0),
    "uniform": Uncertain("requests_per_day", None, "uniform", 1.0, 9.0),
    "integer": Uncertain("epochs", "*", "integer", 1, 6),
    "normal": Uncertain("output_tokens", "*", "normal", 400.0, 80.0),
    "triangular": Uncertain("requests_per_day", None, "triangular", 1.0, 2.0, 7.0),
    "pert": Uncertain("training_tokens", "*", "pert", 1e6, 2e6, 6e6),
    "lognormal": Uncertain("input_tokens", "*", "lognormal", 3000.0, 900.0),
    "poisson": Uncertain("training_hours", "*", "poisson", 4.0),
}


def every_kind() -> list[Draw]:
    assert set(ROWS) == set(DISTRIBUTIONS)
    return [Draw(row, (0,)) for row in ROWS.values()]


@pytest.mark.parametrize("chunk", [BLOCK, 3 * BLOCK])
def test_iteration_i_draws_the_same_whatever_the_iteration_count(chunk: int) -> None:
    draws = every_kind()
    short = [np.concatenate(parts) for parts in zip(*(
        draw_chunk(draws, 11, start, min(5_000, start + chunk))
        for start in range(0, 5_000, chunk)), strict=True)]
    long = draw_chunk(draws, 11, 0, 10_000)
    for kind, a, b in zip(ROWS, short, long, strict=True):
        assert a.size == 5_000, kind
        # 5,000 is no whole number of blocks: its last 904 iterations are a short block.
        np.testing.assert_array_equal(a, b[:5_000], err_msg=kind)
