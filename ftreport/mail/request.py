"""A checked request to email reports: every address and setting validated up front."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from email.headerregistry import Address
from pathlib import Path

from ftreport.mail.addresses import MESSAGE, has_control, parse_addresses, visible
from ftreport.mail.settings import SmtpSettings, resolve_settings
from ftreport.mail.smtp import DEFAULT_DEADLINE
from ftreport.model.problems import InputError, Problem, describe


@dataclass(frozen=True)
class MailRequest:
    """A checked request to email reports: recipients, subject and where to send."""

    to: tuple[Address, ...]
    cc: tuple[Address, ...] = ()
    subject: str | None = None
    sender: Address | None = None
    settings: SmtpSettings | None = None  # None when writing a draft
    eml: Path | None = None
    template_dir: Path | None = None
    deadline: float = DEFAULT_DEADLINE  # seconds the whole send may take

    @property
    def recipients(self) -> list[str]:
        """The envelope recipients (RCPT TO): every To and Cc address, once each."""
        return list(dict.fromkeys(a.addr_spec for a in (*self.to, *self.cc)))


def prepare(*, to: Sequence[str], cc: Sequence[str] = (), subject: str | None = None,
            sender: str | None = None, eml: str | Path | None = None,
            template_dir: str | Path | None = None, host: str | None = None,
            port: int | None = None, user: str | None = None, security: str | None = None,
            cafile: str | Path | None = None, timeout: float | None = None,
            deadline: float | None = None, env: Mapping[str, str] | None = None
            ) -> MailRequest:
    """Check everything about a send before any file is read or written.

    SMTP settings come from these arguments, else the FTREPORT_SMTP_* environment
    variables, else the config file (:func:`ftreport.mail.config_path`); with
    ``eml`` no server is needed. ``deadline`` bounds the whole send in seconds
    (default 60), besides ``timeout`` for each network step. Raises InputError
    listing every problem.
    """
    env = os.environ if env is None else env
    problems: list[Problem] = []
    to_addrs = [a for v in to for a in parse_addresses(v, MESSAGE, "to", problems)]
    cc_addrs = [a for v in cc for a in parse_addresses(v, MESSAGE, "cc", problems)]
    if not to and not problems:
        problems.append(Problem(MESSAGE, None, None, "at least one address", field="to",
                                code="missing-value"))
    if subject is not None and (has_control(subject) or not subject.strip()):
        problems.append(Problem(MESSAGE, None, None, "text on one line (no line breaks)",
                                found=describe(visible(subject)), field="subject",
                                code="invalid-option"))
    options = {"host": host, "port": port, "user": user, "security": security,
               "from": sender, "timeout": timeout,
               "cafile": str(cafile) if cafile is not None else None}
    settings, sender_addr = resolve_settings(options, env, need_server=eml is None,
                                             problems=problems)
    if deadline is not None and not deadline > 0:
        problems.append(Problem(MESSAGE, None, None, "a number of seconds above 0",
                                found=describe(deadline), field="timeout",
                                code="out-of-range"))
    if problems:
        raise InputError(problems)
    return MailRequest(to=tuple(to_addrs), cc=tuple(cc_addrs),
                       subject=subject.strip() if subject else None, sender=sender_addr,
                       settings=settings, eml=Path(eml) if eml is not None else None,
                       template_dir=Path(template_dir) if template_dir else None,
                       deadline=deadline or DEFAULT_DEADLINE)
