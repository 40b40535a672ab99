"""The Monte Carlo on a Dask cluster: tasks of whole blocks, merged on the client.

Each task simulates a range of whole blocks (every block has its own random stream,
so a block's numbers do not depend on where it runs) and returns its tallies; the
client absorbs them in block order, exactly as a local run absorbs its chunks, so the
result is the local run's: the same counts and probabilities, and in exact mode the
same percentiles bit for bit (docs/simulation.md). A few tasks per worker are in
flight at a time, so a run that ``mc_target_se`` stops early does not compute far
past its stop, and the client holds only the merged tally.
"""

from __future__ import annotations

import uuid
from collections import deque
from collections.abc import Callable, Iterator
from itertools import islice
from typing import Any

from ftreport.engine.sampling import BLOCK
from ftreport.engine.simulation import Plan, accumulate, finish, plan, tallies
from ftreport.engine.tally import Tally
from ftreport.model import ScenarioBook
from ftreport.model.results import Analysis, SimulationResult

TASK_BLOCKS = 64  # 262,144 iterations a task: seconds of work, small against the overhead
TASKS_PER_WORKER = 4  # at least this many tasks per worker when the run is short
IN_FLIGHT_PER_WORKER = 2


def simulate_blocks(run: Plan, start: int, stop: int) -> list[Tally]:
    """What one task does on a worker: iterations ``start..stop-1``, as tallies."""
    return list(tallies(run, start, stop))


def task_ranges(iterations: int, workers: int) -> list[tuple[int, int]]:
    """The iterations cut into tasks of whole blocks: ``TASK_BLOCKS`` each, fewer when
    that leaves fewer than ``TASKS_PER_WORKER`` tasks per worker."""
    blocks = -(-iterations // BLOCK)
    size = max(1, min(TASK_BLOCKS, -(-blocks // (TASKS_PER_WORKER * max(1, workers))))) * BLOCK
    return [(a, min(iterations, a + size)) for a in range(0, iterations, size)]


def simulate_on_dask(client: Any, book: ScenarioBook, analysis: Analysis, *,
                     exact: bool | None = None,
                     progress: Callable[[int, int], None] | None = None) -> SimulationResult:
    """``engine.simulation.simulate`` with the blocks computed on ``client``'s workers."""
    run = plan(book, analysis, exact=exact)
    workers = max(1, len(client.scheduler_info().get("workers", {})))
    shared = client.scatter(run, broadcast=True)
    parts = _task_tallies(client, shared, run.iterations, task_ranges(run.iterations, workers),
                          IN_FLIGHT_PER_WORKER * workers, progress)
    try:
        total, stopped = accumulate(run, parts)
    finally:
        parts.close()  # a run stopped early cancels the tasks still queued
    return finish(run, total, stopped)


def _task_tallies(client: Any, shared: Any, iterations: int, ranges: list[tuple[int, int]],
                  in_flight: int, progress: Callable[[int, int], None] | None,
                  ) -> Iterator[Tally]:
    """Every task's tallies in block order, with at most ``in_flight`` tasks submitted
    and not yet read."""
    todo = iter(ranges)
    pending: deque[tuple[Any, int]] = deque()
    # The run's own token keeps two runs on one cluster from sharing a task.
    token = uuid.uuid4().hex[:12]

    def submit(start: int, stop: int) -> None:
        pending.append((client.submit(simulate_blocks, shared, start, stop, pure=False,
                                      key=f"ftreport-simulate-{start}-{stop}-{token}"),
                        stop))

    for start, stop in islice(todo, in_flight):
        submit(start, stop)
    try:
        while pending:
            future, stop = pending.popleft()
            parts = future.result()
            future.release()
            following = next(todo, None)
            if following is not None:
                submit(*following)
            yield from parts
            if progress is not None:
                progress(stop, iterations)
    finally:
        for future, _ in pending:
            future.cancel()
