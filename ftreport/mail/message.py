"""The message: its subject, its text and HTML bodies from the email templates, the
attachments, and the .eml draft a mail program opens ready to send."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from email import policy
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Any

from ftreport import __version__
from ftreport.fileio import atomic_write
from ftreport.mail.attachments import MIME_TYPES, Reports
from ftreport.mail.request import MailRequest
from ftreport.model.format import Formatter
from ftreport.report.summary import report_name
from ftreport.report.templates import (
    TemplateRefused,
    sandboxed_environment,
    template_problem,
    template_roots,
)


def _money(value: float | None, currency: str = "") -> str:
    """The templates' ``money(currency)`` filter: the memo's way, "$39,105.79"."""
    return Formatter(currency).money(value)


def _percent(share: float | None) -> str:
    """The templates' ``percent`` filter: the memo's way, "64.2%"."""
    return Formatter("").percent(share)


def _days(count: int) -> str:
    """The templates' ``days`` filter: "1 day", "36,500 days", as the memo writes them."""
    return Formatter.days(count)


def render_body(summary: Mapping[str, Any] | None,
                attachments: Sequence[str], template_dir: Path | None = None,
                ) -> tuple[str, str]:
    """The plain-text and HTML bodies from templates/email.txt.j2 and email.html.j2; a
    template that fails is an InputError naming it and its line."""
    from jinja2 import TemplateError

    roots = template_roots(template_dir)
    context = {"summary": summary, "attachments": list(attachments), "version": __version__}

    def render(name: str, html: bool) -> str:
        env = sandboxed_environment(roots, html=html)
        env.filters.update(money=_money, percent=_percent, days=_days)
        return env.get_template(name).render(context)

    try:
        return render("email.txt.j2", False), render("email.html.j2", True)
    except (TemplateError, TemplateRefused) as exc:
        raise template_problem(exc, roots) from exc


def default_subject(summary: Mapping[str, Any] | None, files: Sequence[Path]) -> str:
    """"<scenario>: recommend <option>", or the reports' names without a summary."""
    if summary:
        name = summary.get("scenario_name") or "Fine-tune or keep prompting"
        subject = f"{name}: recommend {summary['recommended']}"
    else:
        names = sorted({report_name(p) or p.stem for p in files})
        subject = "ftreport: " + ", ".join(names)
    # Names come from a workbook and may hold line breaks; a header must not.
    return " ".join(subject.split())


def build_message(reports: Reports, request: MailRequest) -> EmailMessage:
    """The message: text and HTML alternatives, then each report attached as is."""
    message = EmailMessage(policy=policy.default)
    message["Subject"] = request.subject or default_subject(reports.summary, reports.files)
    if request.sender is not None:
        message["From"] = request.sender
    message["To"] = request.to
    if request.cc:
        message["Cc"] = request.cc
    message["Date"] = formatdate(localtime=True)
    # An explicit domain: make_msgid's default looks up this host's name in DNS.
    domain = request.sender.domain if request.sender else "ftreport.invalid"
    message["Message-ID"] = make_msgid(domain=domain)
    text, html = render_body(reports.summary, [p.name for p in reports.files],
                             request.template_dir)
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    for path in reports.files:
        maintype, subtype = MIME_TYPES[path.suffix.lower()]
        message.add_attachment(path.read_bytes(), maintype=maintype, subtype=subtype,
                               filename=path.name)
    return message


def write_eml(message: EmailMessage, path: str | Path) -> Path:
    """Write ``message`` (marked ``X-Unsent: 1``) as a draft that Outlook and
    Thunderbird open ready to edit and send."""
    message["X-Unsent"] = "1"
    path = Path(path)
    with atomic_write(path) as temp:
        # CRLF line ends, as RFC 5322 has them and Windows mail programs expect.
        temp.write_bytes(message.as_bytes(policy=policy.default.clone(linesep="\r\n")))
    return path
