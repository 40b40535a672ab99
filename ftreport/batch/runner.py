"""Run many workbooks on a Dask cluster: ``ftreport.batch(paths, outdir)``.

Each workbook is one task (``ftreport.batch.worker.run_workbook``) writing into
``OUTDIR/<name>/``; the client only collects their plain answers, and a last task
writes the portfolio. Workers must see the same files as the client (a shared folder) and
have the same ftreport installed.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

from ftreport import __version__
from ftreport.api import user_pricebook
from ftreport.batch.inputs import Found, Workbook, file_sha256, find_workbooks
from ftreport.batch.portfolio import FILES
from ftreport.batch.results import (
    BAD_INPUT,
    FAILED,
    OK,
    UNCHANGED,
    BatchResult,
    WorkbookOutcome,
    portfolio_numbers,
    problem_from_dict,
)
from ftreport.batch.worker import run_workbook, write_portfolio_files
from ftreport.cluster.connect import LOCAL_HTTP as LOCAL_HTTP  # where tests import it from
from ftreport.cluster.connect import dask_client
from ftreport.model.problems import InputError, Problem

INSTALL_HINT = "ftreport batch needs Dask: pip install 'ftreport[batch]' (dask and distributed)"


def batch(paths: Iterable[str | Path], outdir: str | Path, *, client: Any = None,
          workers: int | None = None, scheduler: str | None = None, resume: bool = False,
          iterations: int | None = None, seed: int | None = None, pdf: bool = True,
          progress: Callable[[int, int], None] | None = None,
          prices: str | Path | None = None) -> BatchResult:
    """Run every workbook ``paths`` name (files, folders, globs) into ``outdir``.

    Each workbook's reports go to ``OUTDIR/<name>/``; the portfolio (xlsx, json,
    pdf) to ``OUTDIR``. The work runs on ``client`` (a ``distributed.Client``), else
    on the cluster at ``scheduler`` or ``DASK_SCHEDULER_ADDRESS``, else on a
    LocalCluster of ``workers`` processes (default: one per core) started for it.
    With ``resume``, a workbook whose input SHA-256, tool version and settings
    match its entry in the previous ``portfolio.json`` (and whose outputs are still
    there) is not run again. ``progress(done, total)`` is called as runs finish.
    One workbook's bad input or failure never stops the others: see each outcome's
    ``status`` and the result's ``exit_code``. ``prices``: a user price book for every
    workbook, checked once before any runs (its SHA-256 is one of the settings).
    """
    paths, outdir = list(paths), Path(outdir)
    found = find_workbooks(paths, outdir)
    if not found.workbooks and not found.missing:
        raise InputError([Problem(", ".join(map(str, paths)) or "(no paths)", None, None,
                                  "at least one .xlsx scenario workbook", "none",
                                  code="file-not-found")])
    settings: dict[str, Any] = {"iterations": iterations, "seed": seed, "pdf": pdf}
    if prices is not None:
        user_pricebook(prices)  # a bad book is one error, not one per workbook
        settings.update(prices=str(Path(prices).resolve()), prices_sha256=file_sha256(Path(prices)))
    previous = previous_outcomes(outdir) if resume else {}
    outcomes: dict[str, WorkbookOutcome] = {
        p.file: WorkbookOutcome(p.file, p.file, BAD_INPUT, problems=[p]) for p in found.missing}
    todo: list[tuple[Workbook, str | None]] = []
    for workbook in found.workbooks:
        try:
            sha256 = file_sha256(workbook.path)
        except OSError:
            sha256 = None  # the run reports why the file cannot be read
        kept = previous.get(str(workbook.path))
        if kept is not None and unchanged(kept, sha256, settings, outdir):
            kept.status, kept.file, kept.seconds = UNCHANGED, workbook.shown, 0.0
            outcomes[workbook.shown] = kept
        else:
            todo.append((workbook, sha256))
    result = BatchResult(str(outdir), [], skipped=found.skipped, tool_version=__version__,
                         settings=settings)
    result.portfolio = {kind: str(outdir / name) for kind, name in FILES.items()}
    folder = str(outdir.resolve())
    if not todo:
        result.outcomes = [outcomes[k] for k in order(found)]
        result.generated_at = write_portfolio_files(result, folder)
        return result
    with dask_client(client, scheduler, workers, install_hint=INSTALL_HINT) as dask:
        for outcome in run_on_dask(dask, todo, outdir, settings, progress):
            outcomes[outcome.file] = outcome
        result.outcomes = [outcomes[k] for k in order(found)]
        # On a worker, which has WeasyPrint and openpyxl loaded already: the client
        # would spend seconds importing them, after every run has finished.
        result.generated_at = dask.submit(write_portfolio_files, result, folder,
                                          pure=False).result()
    return result


def order(found: Found) -> list[str]:
    """The outcomes' order: arguments that named nothing, then the workbooks as found."""
    return [p.file for p in found.missing] + [w.shown for w in found.workbooks]


def run_on_dask(client: Any, todo: list[tuple[Workbook, str | None]], outdir: Path,
                settings: dict[str, Any], progress: Callable[[int, int], None] | None,
                ) -> Iterator[WorkbookOutcome]:
    """Submit one task per workbook; yield each outcome as its task finishes."""
    from distributed import as_completed

    # Keys name the workbook on the dashboard; the batch's own token keeps two batches
    # on one cluster (with the same file names) from sharing a task.
    token = uuid.uuid4().hex[:12]
    futures = {client.submit(run_workbook, str(w.path), str((outdir / w.folder).resolve()),
                             settings, pure=False, key=f"ftreport-batch-{w.folder}-{token}"):
               (w, sha256) for w, sha256 in todo}
    if progress is not None:
        progress(0, len(todo))
    for done, future in enumerate(as_completed(futures), start=1):
        workbook, sha256 = futures[future]
        try:
            answer = future.result()
        except Exception as exc:
            # The task itself was lost (a worker died, the cluster went away...).
            answer = {"status": FAILED, "error": f"the Dask task failed: "
                                                 f"{type(exc).__name__}: {exc}"}
        future.release()
        if progress is not None:
            progress(done, len(todo))
        yield outcome_of(workbook, sha256, answer, settings, outdir)


def outcome_of(workbook: Workbook, sha256: str | None, answer: dict[str, Any],
               settings: dict[str, Any], outdir: Path) -> WorkbookOutcome:
    """A worker's plain answer as the typed outcome; problem messages name the file as
    the user named it, so they read as `ftreport validate` prints them."""
    outcome = WorkbookOutcome(
        workbook.shown, str(workbook.path), answer["status"], folder=workbook.folder,
        sha256=sha256, tool_version=answer.get("tool_version"), settings=dict(settings),
        seconds=answer.get("seconds"), error=answer.get("error"),
        problems=[problem_from_dict(p, file=workbook.shown)
                  for p in answer.get("problems", [])])
    run = answer.get("result")
    if run is not None:
        first_day = date.fromisoformat(answer["first_day"])
        for key, value in portfolio_numbers(run, first_day).items():
            setattr(outcome, key, value)
        base = outdir.resolve()
        outcome.outputs = {kind: Path(os.path.relpath(Path(written).resolve(), base)).as_posix()
                           for kind, written in run["outputs"].items()}
    return outcome


def previous_outcomes(outdir: Path) -> dict[str, WorkbookOutcome]:
    """The last portfolio.json's entries by absolute input path; none if unreadable."""
    try:
        entries = json.loads((outdir / FILES["json"]).read_text(encoding="utf-8"))["workbooks"]
        outcomes = [WorkbookOutcome.from_dict(e) for e in entries]
    except (OSError, ValueError, KeyError, TypeError):
        return {}  # no usable summary: everything runs, as on a first run
    return {o.path: o for o in outcomes}


def unchanged(kept: WorkbookOutcome, sha256: str | None, settings: dict[str, Any],
              outdir: Path) -> bool:
    """Whether a previous outcome still stands for this input, tool and settings."""
    return (kept.status in (OK, UNCHANGED) and sha256 is not None and kept.sha256 == sha256
            and kept.tool_version == __version__ and kept.settings == settings
            and bool(kept.outputs)
            and all((outdir / p).is_file() for p in kept.outputs.values()))
