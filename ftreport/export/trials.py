"""The trial file: one row per iteration, its sampled inputs, then every simulated
output of every option (``total_cost[Option]``...). A value that is not a finite
number (a break-even day that never comes, an undefined T_max) is blank in CSV and
null in Parquet."""

from __future__ import annotations

import csv
import math
from pathlib import Path
from types import TracebackType
from typing import Any

from ftreport.engine.trials import TrialChunk

TRIAL_FORMATS = (".csv", ".parquet")
ITERATION = "iteration"


def output_column(key: str, option: str) -> str:
    return f"{key}[{option}]"


def columns_of(chunk: TrialChunk, options: list[str]) -> dict[str, Any]:
    """The chunk's columns in file order: iteration, inputs, then outputs by key and
    option (arrays of the chunk's iterations)."""
    import numpy as np

    found: dict[str, Any] = {ITERATION: np.arange(chunk.start, chunk.start + chunk.size)}
    found.update(chunk.inputs)
    for key, values in chunk.outputs.items():
        for i, option in enumerate(options):
            found[output_column(key, option)] = values[i]
    return found


class TrialWriter:
    """Streams chunks into ``path`` (a temporary file of atomic_write) as CSV or Parquet."""

    def __init__(self, path: Path, suffix: str, options: list[str]):
        self.path, self.suffix, self.options = path, suffix, options
        self._file: Any = None
        self._csv: Any = None
        self._parquet: Any = None

    def __enter__(self) -> TrialWriter:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()

    def add(self, chunk: TrialChunk) -> None:
        columns = columns_of(chunk, self.options)
        if self.suffix == ".parquet":
            self._add_parquet(columns)
            return
        if self._csv is None:
            self._file = open(self.path, "w", newline="", encoding="utf-8")  # noqa: SIM115
            self._csv = csv.writer(self._file)
            self._csv.writerow(columns)
        lists = [c.tolist() for c in columns.values()]
        # repr of a float reads back as the same float; blank for never / undefined.
        self._csv.writerows([[v if isinstance(v, int) else repr(v) if math.isfinite(v)
                              else "" for v in row] for row in zip(*lists, strict=True)])

    def _add_parquet(self, columns: dict[str, Any]) -> None:
        import numpy as np
        import pyarrow as pa
        import pyarrow.parquet as pq

        table = pa.table({name: pa.array(values, mask=None if name == ITERATION
                                         else ~np.isfinite(values))
                          for name, values in columns.items()})
        if self._parquet is None:
            self._parquet = pq.ParquetWriter(self.path, table.schema)
        self._parquet.write_table(table)

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = self._csv = None
        if self._parquet is not None:
            self._parquet.close()
            self._parquet = None
