"""A mergeable partial result of the simulation: what a range of whole blocks of
iterations leaves behind.

A ``Tally`` holds, per option, the counts behind every probability, the exact
moments (count, sum, sum of squares) behind every mean and standard error, and
either the samples themselves (exact mode: ``statistics.Column``) or a KLL quantile
sketch of each output (sketch mode: ``sketch.SketchColumn``). Tallies of adjacent
ranges merge (``absorb``, in block order) into the tally of their union, and merging
is associative: counts and exact sums add, samples concatenate, sketches merge. So a
run cut into chunks or Dask tasks ends in the same numbers as one pass
(docs/simulation.md says which are identical bit for bit).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from ftreport.engine import compare
from ftreport.engine.costs import Array
from ftreport.engine.precision import Moments
from ftreport.engine.sampling import BLOCK
from ftreport.engine.sketch import SketchColumn
from ftreport.engine.statistics import Column
from ftreport.model.outputs import OUTPUT, SIMULATED_KEYS

# Exact mode keeps these for every iteration; the savings come from the stored totals.
STORED = tuple(k for k in SIMULATED_KEYS if k != "savings_vs_baseline")
# Bytes a stored option-iteration may take at most (float64 totals, D_min and T_max,
# float32 whole days): what the exact mode's memory budget is checked against.
STORED_BYTES = sum(4 if k == "break_even_day" else 8 for k in STORED)
# Seed 000's trim (``trim_mode`` seed-000) also keeps the raw, unclamped D_min (float64).
RAW_D_MIN = "raw_break_even_days"
SEED_000 = "seed-000"


@dataclass(frozen=True)
class TallySpec:
    """What every tally of one run shares: the options, and what to count."""

    n_options: int
    baseline: int
    eligible: tuple[bool, ...]
    exact: bool
    # Per simulated output, each option's deterministic value: the moments' shift.
    shifts: Mapping[str, tuple[float, ...]] = field(default_factory=dict)
    target_savings: float | None = None
    target_payback_days: float | None = None
    featured: int = 0  # whose savings keep per-block sums (the convergence chart)
    trim_mode: str = "per-output"  # or SEED_000: the raw D_min is kept too (exact mode only)

    def stored(self) -> tuple[str, ...]:
        """The outputs exact mode keeps for every iteration."""
        return (*STORED, RAW_D_MIN) if self.trim_mode == SEED_000 else STORED

    def stored_bytes(self) -> int:
        """Bytes a stored option-iteration takes."""
        return STORED_BYTES + (8 if self.trim_mode == SEED_000 else 0)

    def counted(self) -> tuple[str, ...]:
        """The counts a tally keeps, one per option each."""
        targets = (("savings_at_least_target",) if self.target_savings is not None else ()) \
            + (("payback_within_target",) if self.target_payback_days is not None else ())
        return ("cheapest", "recommended", "beats_baseline", *targets)


def winners(npv: Array, baseline: int, eligible: Array | None = None) -> Array:
    """Per iteration (axis 1), the option with the lowest present value, by the cost
    model's tie rule: values within the engine's tolerance (1e-9 relative) of the lowest
    are equal, and among equals the baseline wins when it is one of them, else the
    earlier row. ``eligible`` (per option) limits the candidates."""
    candidates = npv if eligible is None else np.where(eligible[:, None], npv, np.inf)
    lowest = candidates.min(axis=0)
    tied = ~compare.more_expensive(candidates, lowest[None, :])
    if eligible is not None:
        tied &= eligible[:, None]
    return np.where(tied[baseline], baseline, np.argmax(tied, axis=0))


class Tally:
    """The partial result of iterations ``start .. start + size - 1`` (``start`` on a
    block edge), filled in order by ``add`` (a chunk's outputs) or ``absorb`` (the
    tally of the next blocks); ``filled`` iterations so far."""

    def __init__(self, spec: TallySpec, start: int, size: int):
        self.spec, self.start, self.size, self.filled = spec, start, size, 0
        n_opt = spec.n_options
        self.counts = {name: np.zeros(n_opt, dtype=np.int64) for name in spec.counted()}
        self.moments = {k: [Moments(spec.shifts.get(k, (0.0,) * n_opt)[i], per_block=(
            k == "savings_vs_baseline" and i == spec.featured)) for i in range(n_opt)]
            for k in SIMULATED_KEYS}
        if spec.exact:
            # Whole days (or NaN) are exact in float32: half the memory of the others.
            self.columns = {k: [Column(size, np.float32 if k == "break_even_day"
                                       else np.float64) for _ in range(n_opt)]
                            for k in spec.stored()}
        else:
            self.sketches = {k: [SketchColumn() for _ in range(n_opt)]
                             for k in SIMULATED_KEYS}

    def add(self, res: Mapping[str, Array]) -> None:
        """Count and keep the next chunk's outputs (option x iteration)."""
        spec, counts = self.spec, self.counts
        npv = res["npv_cost"]
        width = npv.shape[1]
        if self.filled + width > self.size:
            raise ValueError("more iterations than the tally's range")
        n_opt = spec.n_options
        counts["cheapest"] += np.bincount(winners(npv, spec.baseline), minlength=n_opt)
        counts["recommended"] += np.bincount(
            winners(npv, spec.baseline, np.array(spec.eligible)), minlength=n_opt)
        counts["beats_baseline"] += (res["savings_vs_baseline"] > 0).sum(axis=1)
        if spec.target_savings is not None:
            counts["savings_at_least_target"] += (
                res["savings_vs_baseline"] >= spec.target_savings).sum(axis=1)
        if spec.target_payback_days is not None:  # NaN ("never") is never within
            counts["payback_within_target"] += (
                res["break_even_day"] <= spec.target_payback_days).sum(axis=1)
        for key in SIMULATED_KEYS:
            values = np.broadcast_to(res[key], npv.shape)
            for i, moments in enumerate(self.moments[key]):
                moments.add_blocks(values[i], BLOCK)
            if spec.exact:
                for i, column in enumerate(self.columns.get(key, ())):
                    column.add(self.filled, values[i])
            else:
                # "Never" sorts last, as +inf; undefined (NaN) is left out by the sketch.
                kept = np.where(np.isnan(values), np.inf, values) \
                    if OUTPUT[key].never_is_infinite else values
                for i, sketch in enumerate(self.sketches[key]):
                    sketch.add(kept[i])
        if spec.exact and RAW_D_MIN in self.columns:
            for i, column in enumerate(self.columns[RAW_D_MIN]):
                column.add(self.filled, np.broadcast_to(res[RAW_D_MIN], npv.shape)[i])
        self.filled += width

    def absorb(self, other: Tally) -> None:
        """Merge in the tally of the blocks right after those filled so far."""
        if other.start != self.start + self.filled or self.filled + other.filled > self.size:
            raise ValueError("tallies merge in block order, each range right after the last")
        for name, count in other.counts.items():
            self.counts[name] += count
        for key, moments in self.moments.items():
            for mine, theirs in zip(moments, other.moments[key], strict=True):
                mine.merge(theirs)
        if self.spec.exact:
            for key, columns in self.columns.items():
                for mine, theirs in zip(columns, other.columns[key], strict=True):
                    theirs.truncate(other.filled)
                    mine.add(self.filled, theirs.values())
        else:
            for key, sketches in self.sketches.items():
                for mine, theirs in zip(sketches, other.sketches[key], strict=True):
                    mine.merge(theirs)
        self.filled += other.filled

    def truncate(self) -> None:
        """Drop the room for iterations that never ran (a run that stopped early)."""
        if self.spec.exact:
            for columns in self.columns.values():
                for column in columns:
                    column.truncate(self.filled)
        self.size = self.filled


def merged(first: Tally, second: Tally) -> Tally:
    """The tally of two adjacent ranges (``second`` right after ``first``)."""
    union = Tally(first.spec, first.start, first.filled + second.filled)
    union.absorb(first)
    union.absorb(second)
    return union
