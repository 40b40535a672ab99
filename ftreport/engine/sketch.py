"""Streaming quantiles for runs too large to keep every sample: Apache DataSketches' KLL.

A KLL sketch of ``SKETCH_K`` keeps a few tens of thousands of values whatever the
number of samples, merges with another (a Dask task's) and answers any quantile
within a normalized rank error ``rank_error()`` (0.072% for k = 4,000, with 99%
confidence; DataSketches' own figure): the value it returns for rank ``q`` has a true
rank within ``q +- rank_error``. ``datasketches`` is imported only when a run needs a
sketch. docs/simulation.md says when that is.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ftreport.engine.costs import Array

SKETCH_K = 4000


def _kll() -> Any:
    from datasketches import kll_doubles_sketch

    return kll_doubles_sketch


def rank_error(k: int = SKETCH_K) -> float:
    """The sketch's normalized rank error for a single quantile (99% confidence)."""
    return float(_kll().get_normalized_rank_error(k, False))


class SketchColumn:
    """One output of one option in sketch mode: a constant costs nothing until it varies
    (as ``statistics.Column``), then a KLL sketch of every value (NaN left out)."""

    def __init__(self) -> None:
        self.value: float | None = None  # the constant so far
        self.seen = 0  # values seen (NaN included)
        self.sketch: Any = None

    def add(self, values: Array) -> None:
        if self.sketch is None:
            if self.value is None:
                self.value = float(values[0])
            v = self.value
            if (values == v).all() or (math.isnan(v) and np.isnan(values).all()):
                self.seen += values.size
                return
            self._materialise()
        self.sketch.update(np.array(values, dtype=np.float64))  # a writable copy
        self.seen += values.size

    def _materialise(self) -> None:
        self.sketch = _kll()(SKETCH_K)
        if self.seen and not math.isnan(float(self.value)):  # type: ignore[arg-type]
            self.sketch.update(np.full(self.seen, self.value, dtype=float))

    def merge(self, other: SketchColumn) -> None:
        """Add ``other``'s values (the next blocks of the same output)."""
        if other.seen == 0:
            return
        if self.seen == 0:
            self.value = other.value
        same = other.sketch is None and (other.value == self.value or (
            math.isnan(float(other.value)) and math.isnan(float(self.value))))  # type: ignore
        if self.sketch is None and same:
            self.seen += other.seen
            return
        if self.sketch is None:
            self._materialise()
        if other.sketch is None:
            if not math.isnan(float(other.value)):  # type: ignore[arg-type]
                self.sketch.update(np.full(other.seen, other.value, dtype=float))
        else:
            self.sketch.merge(other.sketch)
        self.seen += other.seen

    @property
    def constant(self) -> bool:
        return self.sketch is None

    def count(self) -> int:
        """Values other than NaN."""
        if self.sketch is None:
            return 0 if math.isnan(float(self.value)) else self.seen  # type: ignore[arg-type]
        return int(self.sketch.n)

    def quantile(self, rank: float) -> float:
        """The value at normalized rank ``rank`` (0..1) of the non-NaN values."""
        if self.sketch is None:
            return float(self.value)  # type: ignore[arg-type]
        return float(self.sketch.get_quantile(min(1.0, max(0.0, rank))))

    def rank(self, value: float, *, inclusive: bool = True) -> float:
        """Share of the non-NaN values at or below (``inclusive``) / below ``value``."""
        if self.sketch is None:
            v = float(self.value)  # type: ignore[arg-type]
            return float(v <= value if inclusive else v < value)
        return float(self.sketch.get_rank(value, inclusive))

    # A KLL sketch does not pickle: Dask ships its serialized bytes.
    def __getstate__(self) -> dict[str, Any]:
        return {"value": self.value, "seen": self.seen,
                "sketch": None if self.sketch is None else self.sketch.serialize()}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.value, self.seen = state["value"], state["seen"]
        self.sketch = None if state["sketch"] is None else _kll().deserialize(state["sketch"])
