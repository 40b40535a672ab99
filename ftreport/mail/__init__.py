"""Emailing the reports: one message with the memo and workbook attached, sent over
SMTP or written as an .eml draft (GitHub issue 8). See docs/email.md.

Two phases, so that a run can reject bad addresses and settings before it
computes or writes anything (``ftreport.run(..., email_to=...)`` does this)::

    request = prepare(to=["cfo@example.com"], ...)      # InputError if bad
    ...                                                 # compute, write the reports
    delivery = email_result(result, request)            # with the run's numbers

`ftreport send` (``ftreport.send``) checks the request and the files
(:func:`find_reports`) together, then calls :func:`deliver`. Its body's numbers
come from the ``<name>.summary.json`` a run leaves beside the reports
(ftreport.report.summary); without one the body is a short generic note.

Modules: ``addresses`` (parsing), ``settings`` (SMTP settings and their layers),
``request`` (the checked request), ``attachments`` (which files), ``message``
(subject, bodies, drafts), ``smtp`` (sending, explaining failures), ``delivery``.
"""

from ftreport.mail.addresses import MESSAGE
from ftreport.mail.attachments import (
    MAX_ATTACHMENT_BYTES,
    MIME_TYPES,
    Reports,
    find_reports,
    name_problem,
)
from ftreport.mail.delivery import deliver, email_result
from ftreport.mail.message import build_message, default_subject, render_body, write_eml
from ftreport.mail.request import MailRequest, prepare
from ftreport.mail.settings import (
    COMMAND_LINE,
    DEFAULT_PORTS,
    DEFAULT_TIMEOUT,
    ENV_VARS,
    SECURITY_MODES,
    SmtpSettings,
    config_path,
)
from ftreport.mail.smtp import send_message
from ftreport.model.results import Delivery

__all__ = [
    "COMMAND_LINE", "DEFAULT_PORTS", "DEFAULT_TIMEOUT", "ENV_VARS", "MAX_ATTACHMENT_BYTES",
    "MESSAGE", "MIME_TYPES", "SECURITY_MODES", "Delivery", "MailRequest", "Reports",
    "SmtpSettings", "build_message", "config_path", "default_subject", "deliver",
    "email_result", "find_reports", "name_problem", "prepare", "render_body", "send_message",
    "write_eml",
]
