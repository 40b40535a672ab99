"""The library API: what `ftreport run` and `ftreport send` do, callable from a notebook
or script. The command line only parses options, calls these and prints."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from ftreport.engine.analysis import analyse
from ftreport.fileio import folder_lock, remove_stale_temporaries, report_stem
from ftreport.model.pricebook import PriceBook
from ftreport.model.problems import InputError, Problem, ReportError
from ftreport.model.results import Delivery, RunResult, SimulationResult
from ftreport.report.summary import MEMO_SUFFIX, WORKBOOK_SUFFIX


class NotSentError(ReportError):
    """The run wrote its reports but could not email them; ``result`` is the run's."""

    def __init__(self, message: str, result: RunResult) -> None:
        super().__init__(message)
        self.result = result


def run(path: str | Path, outdir: str | Path | None = None, *, iterations: int | None = None,
        seed: int | None = None, workbook: bool = True, pdf: bool = True,
        in_place: bool = False, template_dir: str | Path | None = None,
        progress: Callable[[int, int], None] | None = None,
        email_to: Sequence[str] = (), email_cc: Sequence[str] = (),
        email_subject: str | None = None, email_from: str | None = None,
        smtp_host: str | None = None, smtp_port: int | None = None,
        smtp_user: str | None = None, smtp_security: str | None = None,
        smtp_cafile: str | Path | None = None, smtp_timeout: float | None = None,
        email_deadline: float | None = None, trials: str | Path | None = None,
        sipmath: str | Path | None = None, dask: bool = False,
        scheduler: str | None = None, client: Any = None,
        prices: str | Path | None = None,
        ) -> RunResult:
    """Read a scenario workbook, compute, and (with ``outdir``) write the reports.

    Writes ``OUTDIR/<name>.report.xlsx``, ``OUTDIR/<name>.memo.pdf`` and
    ``OUTDIR/<name>.summary.json``; with ``in_place`` the result sheets go into
    the analyst's own file instead of a copy, when that is safe.

    ``prices``: a user price book (JSON, or an .xlsx with a Prices table) layered over the
    shipped one (docs/prices.md, "A user price book").

    With ``email_to`` the reports are then emailed (``result.delivery`` says to
    whom and how); the other ``email_*`` and ``smtp_*`` arguments are those of
    `ftreport run --email-*` and the SMTP options (docs/email.md). Addresses and
    settings are checked first, so a bad one costs no computing and writes nothing.

    With ``trials`` (a .csv, or .parquet when pyarrow is installed) every iteration's
    sampled inputs and outputs are written there; with ``sipmath`` (.json) a SIPmath
    3.0 library of the inputs and key outputs (docs/simulation.md, "Trial export").
    The simulation runs on Dask with ``client`` (a ``distributed.Client``), the
    cluster at ``scheduler``, or with ``dask`` the cluster at DASK_SCHEDULER_ADDRESS or
    else a LocalCluster started for the run (docs/simulation.md, "On Dask").

    Raises ftreport.InputError for bad input, NotSentError (a ReportError) when
    the reports were written but could not be sent.
    """
    if trials is not None or sipmath is not None:
        from ftreport.export import check_targets

        check_targets(trials, sipmath)
    request = None
    if email_to:
        from ftreport import mail

        if outdir is None and not in_place:
            raise InputError([Problem(mail.MESSAGE, None, None, "given with outdir or "
                                      "in_place, for the reports to attach", field="email_to",
                                      code="invalid-option")])
        request = mail.prepare(to=email_to, cc=email_cc, subject=email_subject,
                               sender=email_from, template_dir=template_dir, host=smtp_host,
                               port=smtp_port, user=smtp_user, security=smtp_security,
                               cafile=smtp_cafile, timeout=smtp_timeout,
                               deadline=email_deadline)
        # The reports take the input's name, which then names the attachments.
        unsafe = mail.name_problem(Path(path), "an input workbook")
        if unsafe:
            raise InputError([unsafe])
    result = _compute_and_write(path, outdir, iterations=iterations, seed=seed,
                                workbook=workbook, pdf=pdf, in_place=in_place,
                                template_dir=template_dir, progress=progress, prices=prices,
                                dask={"dask": dask, "scheduler": scheduler, "client": client})
    if trials is not None or sipmath is not None:
        _export(result, trials, sipmath)
    if request is not None:
        from ftreport.mail import email_result

        try:
            result.delivery = email_result(result, request)
        except ReportError as exc:
            raise NotSentError(str(exc), result) from exc
    return result


def _compute_and_write(path: str | Path, outdir: str | Path | None, *, iterations: int | None,
                       seed: int | None, workbook: bool, pdf: bool, in_place: bool,
                       template_dir: str | Path | None,
                       progress: Callable[[int, int], None] | None,
                       dask: dict[str, Any], prices: str | Path | None = None) -> RunResult:
    """What :func:`run` does before it emails: read, compute, then write into the output
    folder (or the input's, in place) while holding its lock, so that two runs never
    mix their reports, after removing what killed runs left there."""
    from ftreport.workbook.reader import read_workbook

    path = Path(path)
    book = read_workbook(path, user_pricebook(prices))
    if iterations is not None:
        book.scenario.mc_iterations = iterations
    if seed is not None:
        book.scenario.mc_seed = seed
    result = RunResult(analyse(book))
    if book.overrides:
        from ftreport.engine.scenarios import analyse_scenarios

        result.scenarios = analyse_scenarios(book)
    if len(book.options) > 1:
        from ftreport.engine.breakeven_map import break_even_map

        result.break_even_map = break_even_map(result.analysis)

    if book.scenario.mc_iterations > 0:
        result.simulation = _simulate(result, progress, **dask)
    folder = Path(outdir) if outdir is not None else path.parent if in_place else None
    if folder is not None:
        with folder_lock(folder):
            remove_stale_temporaries(folder)
            _write(result, path, outdir, workbook=workbook, pdf=pdf, in_place=in_place,
                   template_dir=template_dir)
    return result


def _export(result: RunResult, trials: str | Path | None, sipmath: str | Path | None) -> None:
    """Write the trial file and/or SIPmath library of the run's simulation."""
    from ftreport.export import write_exports

    book = result.analysis.book
    if book.scenario.mc_iterations < 1:
        raise InputError([Problem(str(book.path), None, None, "a simulation to export: "
                                  "mc_iterations (or --iterations) of at least 1",
                                  "0 iterations", field="trials" if trials else "sipmath",
                                  code="invalid-option")])
    # The iterations the simulation ran: fewer than asked when it stopped at its target.
    ran = result.simulation.iterations if result.simulation is not None else None
    result.outputs.update(write_exports(book, result.analysis.baseline, trials=trials,
                                        sipmath=sipmath, iterations=ran))


def _simulate(result: RunResult, progress: Callable[[int, int], None] | None, *, dask: bool,
              scheduler: str | None, client: Any) -> SimulationResult:
    """The Monte Carlo, here or (asked for) on a Dask cluster."""
    if client is None and scheduler is None and not dask:
        from ftreport.engine.simulation import simulate

        return simulate(result.book, result.analysis, progress=progress)
    from ftreport.cluster import dask_client, simulate_on_dask

    with dask_client(client, scheduler, None) as connected:
        return simulate_on_dask(connected, result.book, result.analysis, progress=progress)


def _write(result: RunResult, path: Path, outdir: str | Path | None, *, workbook: bool,
           pdf: bool, in_place: bool, template_dir: str | Path | None) -> None:
    """Write the report workbook, the memo and (last) the summary, as asked."""
    if in_place or (outdir is not None and workbook):
        from ftreport.workbook.writer import write_report

        target = path if in_place else Path(outdir) / f"{report_stem(path)}{WORKBOOK_SUFFIX}"
        write_report(result, target, in_place=in_place)
        result.outputs["workbook"] = str(target)
    if outdir is not None and pdf:
        from ftreport.report import write_memo

        target = Path(outdir) / f"{report_stem(path)}{MEMO_SUFFIX}"
        write_memo(result, target, template_dir=template_dir)
        result.outputs["memo"] = str(target)
    if outdir is not None:
        # Last: it records the reports' checksums, so `ftreport send` can trust its numbers.
        from ftreport.report.summary import write_summary

        result.outputs["summary"] = str(write_summary(result, outdir))


def user_pricebook(prices: str | Path | None) -> PriceBook | None:
    """The shipped price book with the user book ``prices`` over it; None without one."""
    if prices is None:
        return None
    from ftreport.prices.userbook import layered_pricebook

    return layered_pricebook(prices)


def send(paths: Iterable[str | Path], *, to: Sequence[str], cc: Sequence[str] = (),
         subject: str | None = None, sender: str | None = None, eml: str | Path | None = None,
         template_dir: str | Path | None = None, host: str | None = None,
         port: int | None = None, user: str | None = None, security: str | None = None,
         cafile: str | Path | None = None, timeout: float | None = None,
         deadline: float | None = None) -> Delivery:
    """Email the reports named by ``paths``: output folders (one memo and one workbook
    each) and/or .pdf and .xlsx files; with ``eml``, write a draft instead.

    The body's numbers come from ``<name>.summary.json`` beside the reports, when
    it was written for these very files. Addresses, settings and files are all
    checked before anything is sent, and one InputError lists every problem;
    a failure to send raises ReportError.
    """
    from ftreport import mail

    problems: list[Problem] = []
    try:
        request = mail.prepare(to=to, cc=cc, subject=subject, sender=sender, eml=eml,
                               template_dir=template_dir, host=host, port=port, user=user,
                               security=security, cafile=cafile, timeout=timeout,
                               deadline=deadline)
    except InputError as exc:
        problems += exc.problems
    try:
        reports = mail.find_reports(paths)
    except InputError as exc:
        problems += exc.problems
    if problems:
        raise InputError(problems)
    return mail.deliver(reports, request)
