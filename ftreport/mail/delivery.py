"""Sending the message, or writing it as a draft, and saying what was done."""

from __future__ import annotations

from ftreport.mail.attachments import Reports, find_reports
from ftreport.mail.message import build_message, write_eml
from ftreport.mail.request import MailRequest
from ftreport.mail.smtp import send_message
from ftreport.model.problems import InputError, ReportError
from ftreport.model.results import Delivery, RunResult
from ftreport.report.summary import summarise


def deliver(reports: Reports, request: MailRequest) -> Delivery:
    """Build the message and send it, or write the draft when ``request.eml`` is set."""
    message = build_message(reports, request)
    if request.eml is not None:
        return Delivery(request.recipients, draft=write_eml(message, request.eml),
                        notes=reports.notes)
    assert request.settings is not None  # prepare() resolves them unless eml is set
    send_message(message, request.settings, request.recipients, deadline=request.deadline)
    return Delivery(request.recipients, server=request.settings.server,
                    security=request.settings.security, notes=reports.notes)


def email_result(result: RunResult, request: MailRequest) -> Delivery:
    """Email what a run wrote, with the numbers from the run itself.

    The reports are already on disk, so a problem here is a failure to send
    (ReportError, exit 1) rather than bad input.
    """
    files = [result.outputs[k] for k in ("memo", "workbook") if k in result.outputs]
    try:
        reports = find_reports(files)
    except InputError as exc:
        raise ReportError("the reports were written but not emailed: "
                          + "; ".join(map(str, exc.problems))) from exc
    reports.summary = summarise(result)
    return deliver(reports, request)
