"""One pass over the trials (ftreport.engine.trials) feeds every export asked for, a
chunk at a time, so memory stays bounded whatever the iteration count; each file is
written atomically."""

from __future__ import annotations

import importlib.util
from contextlib import ExitStack
from pathlib import Path

from ftreport.engine.trials import trial_chunks
from ftreport.export.sipmath import SipCollector, write_sipmath
from ftreport.export.trials import TRIAL_FORMATS, TrialWriter
from ftreport.fileio import atomic_write
from ftreport.model import ScenarioBook
from ftreport.model.problems import InputError, Problem


def check_targets(trials: str | Path | None, sipmath: str | Path | None) -> None:
    """Raise InputError (exit 2) for an export that cannot be written, before any
    computing: a trial file that is not .csv or .parquet, .parquet without pyarrow,
    a SIPmath file that is not .json."""
    problems = []
    if trials is not None:
        suffix = Path(trials).suffix.lower()
        if suffix not in TRIAL_FORMATS:
            problems.append(Problem(str(trials), None, None, "a trial file ending in .csv "
                                    "or .parquet", suffix or "no suffix", field="trials",
                                    code="invalid-option"))
        elif suffix == ".parquet" and importlib.util.find_spec("pyarrow") is None:
            problems.append(Problem(str(trials), None, None, "pyarrow installed, for a "
                                    ".parquet trial file (pip install pyarrow), or a .csv "
                                    "file", "pyarrow is not installed", field="trials",
                                    code="invalid-option"))
    if sipmath is not None and Path(sipmath).suffix.lower() != ".json":
        problems.append(Problem(str(sipmath), None, None, "a SIPmath file ending in .json",
                                Path(sipmath).suffix or "no suffix", field="sipmath",
                                code="invalid-option"))
    if problems:
        raise InputError(problems)


def write_exports(book: ScenarioBook, baseline: int, *, trials: str | Path | None = None,
                  sipmath: str | Path | None = None, iterations: int | None = None
                  ) -> dict[str, str]:
    """Write the trial file and/or the SIPmath library of ``book``'s simulation (its
    seed, sampling and correlations; ``iterations``, the iterations it ran, default
    ``mc_iterations``); the paths written, by kind."""
    check_targets(trials, sipmath)
    names = [o.name for o in book.options]
    count = int(book.scenario.mc_iterations if iterations is None else iterations)
    written: dict[str, str] = {}
    with ExitStack() as stack:
        writer = None
        if trials is not None:
            temp = stack.enter_context(atomic_write(trials))
            writer = stack.enter_context(TrialWriter(temp, Path(trials).suffix.lower(), names))
        collector = SipCollector(names, count) if sipmath else None
        for chunk in trial_chunks(book, baseline, iterations=count):
            if writer is not None:
                writer.add(chunk)
            if collector is not None:
                collector.add(chunk)
        if writer is not None:
            writer.close()
            written["trials"] = str(trials)
    if collector is not None and sipmath is not None:
        write_sipmath(sipmath, collector, book)
        written["sipmath"] = str(sipmath)
    return written
