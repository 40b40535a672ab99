"""Emailing the reports: build one message with the memo and workbook attached,
then send it over SMTP or write it as an .eml draft (GitHub issue 8).

Two phases, so that `ftreport run --email-to` can reject bad addresses and
settings before it computes or writes anything:

    request = prepare(to=["cfo@example.com"], ...)      # InputError if bad
    ...                                                 # compute, write the reports
    delivery = email_result(result, request)            # `ftreport run --email-to`

`ftreport send` checks and sends in one call: ``send_reports([outdir], to=[...])``.

The body's numbers come from the RunResult (`run`) or, for `send`, from the
``<name>.summary.json`` that :func:`write_summary` leaves beside the reports;
without one the body is a short generic note. See docs/email.md.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import smtplib
import socket
import ssl
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from email import errors as email_errors
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ftreport import __version__
from ftreport.fileio import atomic_write
from ftreport.model.problems import InputError, Problem, ReportError, describe
from ftreport.report.templates import find_template

if TYPE_CHECKING:
    from ftreport.model.results import RunResult

# Providers cap a whole message at 20-25 MB *after* base64 encoding, which adds
# a third; 15 MB of files is about 20 MB on the wire, under the common caps.
MAX_ATTACHMENT_BYTES = 15 * 1024 * 1024
DEFAULT_TIMEOUT = 30.0
# The socket timeout bounds a whole sendall(), so DATA gets extra time for a
# large message at this slow-but-working upload speed.
MIN_UPLOAD_BYTES_PER_SECOND = 50_000
SECURITY_MODES = ("tls", "starttls", "plain")
DEFAULT_PORTS = {"tls": 465, "starttls": 587, "plain": 25}
SUMMARY_FORMAT = 1
SUMMARY_KEYS = (
    "format", "scenario_name", "currency", "horizon_days", "recommended", "baseline",
    "total_cost", "baseline_total_cost", "saving", "saving_pct", "break_even_day",
    "p_cheapest", "iterations", "warnings", "files",
)

MEMO_SUFFIX, WORKBOOK_SUFFIX, SUMMARY_SUFFIX = ".memo.pdf", ".report.xlsx", ".summary.json"
MIME_TYPES = {
    ".pdf": ("application", "pdf"),
    ".xlsx": ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}

# Setting name -> environment variable. The password has no command-line option
# on purpose: command lines end up in shell history and process listings.
ENV_VARS = {
    "host": "FTREPORT_SMTP_HOST", "port": "FTREPORT_SMTP_PORT", "user": "FTREPORT_SMTP_USER",
    "password": "FTREPORT_SMTP_PASSWORD", "from": "FTREPORT_SMTP_FROM",
    "security": "FTREPORT_SMTP_SECURITY", "cafile": "FTREPORT_SMTP_CAFILE",
    "timeout": "FTREPORT_SMTP_TIMEOUT",
}
COMMAND_LINE = "command line"
MESSAGE = "email"  # the Problem.file for addresses and subject


# --------------------------------------------------------------------------- settings

@dataclass(frozen=True)
class SmtpSettings:
    """Where and how to send. ``repr`` leaves out the password."""

    host: str
    port: int
    security: str  # one of SECURITY_MODES
    sender: Address
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    cafile: Path | None = None
    timeout: float = DEFAULT_TIMEOUT

    @property
    def server(self) -> str:
        return f"{self.host}:{self.port}"

    def tls_context(self) -> ssl.SSLContext:
        """Certificate and host name checks always on; ``cafile`` replaces the system
        trust store (for a server with a private or self-signed certificate)."""
        return ssl.create_default_context(cafile=str(self.cafile) if self.cafile else None)


def config_path(env: Mapping[str, str] | None = None) -> Path:
    """The user's SMTP settings file: ``$XDG_CONFIG_HOME/ftreport/smtp.toml``,
    ``%APPDATA%\\ftreport\\smtp.toml`` on Windows, else ``~/.config/ftreport/smtp.toml``."""
    env = os.environ if env is None else env
    if env.get("XDG_CONFIG_HOME"):
        base = Path(env["XDG_CONFIG_HOME"])
    elif os.name == "nt" and env.get("APPDATA"):
        base = Path(env["APPDATA"])
    else:
        base = Path.home() / ".config"
    return base / "ftreport" / "smtp.toml"


def _read_config(path: Path, problems: list[Problem]) -> dict[str, Any]:
    if not path.is_file():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        # TOML errors say where ("at line 3, column 9") without quoting the line.
        problems.append(Problem(str(path), None, None, "a readable TOML file",
                                found=str(exc) if isinstance(exc, tomllib.TOMLDecodeError)
                                else type(exc).__name__, code="unreadable-file"))
        return {}
    for key in sorted(set(data) - set(ENV_VARS)):
        problems.append(Problem(str(path), None, None,
                                "one of the settings " + ", ".join(ENV_VARS),
                                found=describe(key), code="unknown-name"))
    if ("password" in data and os.name == "posix"
            and path.stat().st_mode & 0o077):
        # Like ssh and .pgpass: a password file others can read is refused.
        problems.append(Problem(str(path), None, None,
                                "readable by you alone when it holds a password "
                                f"(run: chmod 600 '{path}')", code="invalid-option"))
    return {k: v for k, v in data.items() if k in ENV_VARS}


def _layered(options: Mapping[str, Any], env: Mapping[str, str],
             problems: list[Problem]) -> dict[str, tuple[Any, str]]:
    """Each setting with where it came from: options > environment > config file."""
    path = config_path(env)
    layers = [
        ({k: v for k, v in options.items() if v is not None}, lambda k: COMMAND_LINE),
        ({k: env[v] for k, v in ENV_VARS.items() if env.get(v)}, lambda k: ENV_VARS[k]),
        (_read_config(path, problems), lambda k: str(path)),
    ]
    merged: dict[str, tuple[Any, str]] = {}
    for values, source in reversed(layers):
        merged.update({k: (v, source(k)) for k, v in values.items()})
    return merged


def _text_setting(merged: Mapping[str, tuple[Any, str]], key: str,
                  problems: list[Problem]) -> str | None:
    if key not in merged:
        return None
    value, source = merged[key]
    if not isinstance(value, str) or not value.strip() or _has_control(value):
        shown = None if key == "password" else describe(_visible(value))
        problems.append(Problem(source, None, None, "text on one line", found=shown,
                                field=key, code="type-error"))
        return None
    return value.strip() if key != "password" else value


def _number_setting(merged: Mapping[str, tuple[Any, str]], key: str, expected: str,
                    problems: list[Problem], *, whole: bool, low: float,
                    high: float = float("inf")) -> float | None:
    if key not in merged:
        return None
    value, source = merged[key]
    try:
        number = float(value) if not isinstance(value, bool) else None
    except (TypeError, ValueError):
        number = None
    if number is None or not low <= number <= high or (whole and not number.is_integer()):
        problems.append(Problem(source, None, None, expected, found=describe(value),
                                field=key, code="type-error"))
        return None
    return number


def _resolve_settings(options: Mapping[str, Any], env: Mapping[str, str], *,
                      need_server: bool, problems: list[Problem],
                      ) -> tuple[SmtpSettings | None, Address | None]:
    """The SMTP settings (None when not needed or not valid) and the sender."""
    merged = _layered(options, env, problems)
    text = {k: _text_setting(merged, k, problems)
            for k in ("host", "user", "password", "from", "security", "cafile")}
    port = _number_setting(merged, "port", "a whole number from 1 to 65535", problems,
                           whole=True, low=1, high=65535)
    timeout = _number_setting(merged, "timeout", "a number of seconds, at least 1",
                              problems, whole=False, low=1)

    sender = None
    if text["from"] is not None:
        sender = _parse_one(text["from"], merged["from"][1], "from", problems)
    elif text["user"] and "@" in text["user"]:
        # Most providers' login is the mailbox itself.
        sender = _parse_one(text["user"], merged["user"][1], "user", problems)
    if not need_server:
        return None, sender

    security = text["security"]
    if security is not None and security.lower() not in SECURITY_MODES:
        problems.append(Problem(merged["security"][1], None, None,
                                "one of " + ", ".join(SECURITY_MODES),
                                found=describe(security), field="security", code="invalid-option"))
    security = (security or "").lower() or ("tls" if port == 465 else "starttls")
    if text["host"] is None and "host" not in merged:
        problems.append(Problem(COMMAND_LINE, None, None,
                                f"set with --smtp-host, {ENV_VARS['host']} or host in "
                                f"{config_path(env)}", field="the mail server",
                                code="missing-value"))
    if sender is None and "from" not in merged:
        problems.append(Problem(COMMAND_LINE, None, None,
                                f"set with --from (run: --email-from), {ENV_VARS['from']} "
                                f"or from in "
                                f"{config_path(env)}", field="the sender address",
                                code="missing-value"))
    if text["user"] and text["password"] is None and "password" not in merged:
        problems.append(Problem(merged["user"][1], None, None,
                                f"set in {ENV_VARS['password']} or password in "
                                f"{config_path(env)}", field="the password for user",
                                code="missing-value"))
    if text["password"] and text["user"] is None and "user" not in merged:
        problems.append(Problem(merged["password"][1], None, None,
                                "given with a user (FTREPORT_SMTP_USER)", field="password",
                                code="invalid-option"))
    if security == "plain" and text["user"]:
        problems.append(Problem(merged["user"][1], None, None,
                                "used with --security tls or starttls: a password is never "
                                "sent over an unencrypted connection", field="login",
                                code="invalid-option"))
    cafile = Path(text["cafile"]).expanduser() if text["cafile"] else None
    if cafile is not None and not cafile.is_file():
        problems.append(Problem(merged["cafile"][1], None, None,
                                "an existing file of CA certificates (PEM)",
                                found=describe(str(cafile)), field="cafile", code="file-not-found"))
    if problems or sender is None or text["host"] is None:
        return None, sender
    return SmtpSettings(
        host=text["host"], port=int(port or DEFAULT_PORTS[security]), security=security,
        sender=sender, user=text["user"], password=text["password"], cafile=cafile,
        timeout=timeout or DEFAULT_TIMEOUT), sender


# --------------------------------------------------------------------------- addresses

def _has_control(text: str) -> bool:
    # CR and LF would let a value start a new header (header injection).
    return any((ord(c) < 32 and c != "\t") or c == "\x7f" for c in text)


def _visible(value: object) -> object:
    if isinstance(value, str):
        return value.replace("\r", "\\r").replace("\n", "\\n")
    return value


def _parse_addresses(value: str, source: str, what: str,
                     problems: list[Problem]) -> list[Address]:
    """Every address in ``value`` (commas separate several); a Problem for anything
    that is not a plain ``local@domain`` mailbox, optionally with a display name."""
    expected = ("an email address such as finance@example.com or "
                "\"Finance <finance@example.com>\"")
    if _has_control(value):
        problems.append(Problem(source, None, None, "on one line (no line breaks)",
                                found=describe(_visible(value)), field=what,
                                code="invalid-address"))
        return []
    try:
        header = policy.default.header_factory("To", value)
        addresses, groups, defects = header.addresses, header.groups, header.defects
    except (email_errors.HeaderParseError, IndexError, ValueError):
        # The parser raises IndexError on some inputs, such as "alice@".
        addresses, groups, defects = (), (), ("unparsable",)
    ok = (addresses and not defects and not any(g.display_name for g in groups)
          and all(a.username and a.domain and a.addr_spec.isascii() for a in addresses))
    if not ok:
        problems.append(Problem(source, None, None, expected, found=describe(value),
                                field=what, code="invalid-address"))
        return []
    return list(addresses)


def _parse_one(value: str, source: str, what: str, problems: list[Problem]) -> Address | None:
    found = _parse_addresses(value, source, what, problems)
    if len(found) > 1:
        problems.append(Problem(source, None, None, "one address", found=describe(value),
                                field=what, code="invalid-address"))
        return None
    return found[0] if found else None


# --------------------------------------------------------------------------- request

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

    @property
    def recipients(self) -> list[str]:
        """The envelope recipients (RCPT TO): every To and Cc address, once each."""
        return list(dict.fromkeys(a.addr_spec for a in (*self.to, *self.cc)))


def prepare(*, to: Sequence[str], cc: Sequence[str] = (), subject: str | None = None,
            sender: str | None = None, eml: str | Path | None = None,
            template_dir: str | Path | None = None, host: str | None = None,
            port: int | None = None, user: str | None = None, security: str | None = None,
            cafile: str | Path | None = None, timeout: float | None = None,
            env: Mapping[str, str] | None = None) -> MailRequest:
    """Check everything about a send before any file is read or written.

    SMTP settings come from these arguments, else the FTREPORT_SMTP_* environment
    variables, else the config file (:func:`config_path`); with ``eml`` no server
    is needed. Raises InputError listing every problem.
    """
    env = os.environ if env is None else env
    problems: list[Problem] = []
    to_addrs = [a for v in to for a in _parse_addresses(v, MESSAGE, "to", problems)]
    cc_addrs = [a for v in cc for a in _parse_addresses(v, MESSAGE, "cc", problems)]
    if not to and not problems:
        problems.append(Problem(MESSAGE, None, None, "at least one address", field="to",
        code="missing-value"))
    if subject is not None and (_has_control(subject) or not subject.strip()):
        problems.append(Problem(MESSAGE, None, None, "text on one line (no line breaks)",
                                found=describe(_visible(subject)), field="subject",
                                code="invalid-option"))
    options = {"host": host, "port": port, "user": user, "security": security,
               "from": sender, "timeout": timeout,
               "cafile": str(cafile) if cafile is not None else None}
    settings, sender_addr = _resolve_settings(options, env, need_server=eml is None,
                                              problems=problems)
    if problems:
        raise InputError(problems)
    return MailRequest(to=tuple(to_addrs), cc=tuple(cc_addrs),
                       subject=subject.strip() if subject else None, sender=sender_addr,
                       settings=settings, eml=Path(eml) if eml is not None else None,
                       template_dir=Path(template_dir) if template_dir else None)


# --------------------------------------------------------------------------- reports

@dataclass
class Reports:
    """The files to attach and, when known, the numbers for the body."""

    files: list[Path]
    summary: dict[str, Any] | None = None
    notes: list[str] = field(default_factory=list)  # why a summary was not used


def _stem(path: Path) -> str | None:
    for suffix in (MEMO_SUFFIX, WORKBOOK_SUFFIX):
        if path.name.lower().endswith(suffix):
            return path.name[: -len(suffix)]
    return None


def _in_folder(folder: Path, problems: list[Problem]) -> list[Path]:
    """Exactly one memo and one workbook from an output folder."""
    def visible(pattern: str) -> list[Path]:
        # Skip atomic_write's hidden temporary files and Office's "~$" lock files.
        return sorted(p for p in folder.glob(pattern)
                      if p.is_file() and not p.name.startswith((".", "~$")))

    found = {"memo": visible("*" + MEMO_SUFFIX), "workbook": visible("*" + WORKBOOK_SUFFIX)}
    pattern = {"memo": "*" + MEMO_SUFFIX, "workbook": "*" + WORKBOOK_SUFFIX}
    for kind, paths in found.items():
        if not paths:
            problems.append(Problem(str(folder), None, None,
                                    f"a folder with one {pattern[kind]} (the {kind}); name "
                                    "the files to send instead of the folder to send fewer",
                                    found=f"no {pattern[kind]}", code="file-not-found"))
        elif len(paths) > 1:
            problems.append(Problem(str(folder), None, None,
                                    f"a folder with one {pattern[kind]}; name the files to "
                                    "send instead of the folder",
                                    found=f"{len(paths)}: " + ", ".join(p.name for p in paths),
                                    code="duplicate"))
    if any(len(p) != 1 for p in found.values()):
        return []
    memo, workbook = found["memo"][0], found["workbook"][0]
    if _stem(memo) != _stem(workbook):
        problems.append(Problem(str(folder), None, None,
                                "a memo and workbook from the same scenario; name the files "
                                "to send instead of the folder",
                                found=f"{memo.name} and {workbook.name}", code="invalid-option"))
        return []
    return [memo, workbook]


def find_reports(paths: Iterable[str | Path]) -> Reports:
    """The attachments named by ``paths``: output folders (one memo and one workbook
    each) and/or .pdf and .xlsx files. Raises InputError for anything missing,
    ambiguous, of another type or too large together (MAX_ATTACHMENT_BYTES)."""
    problems: list[Problem] = []
    files: list[Path] = []
    for given in map(Path, paths):
        if given.is_dir():
            files += _in_folder(given, problems)
        elif not given.is_file():
            problems.append(Problem(str(given), None, None,
                                    "an existing report file or output folder",
                                    found="nothing there", code="file-not-found"))
        elif given.suffix.lower() not in MIME_TYPES:
            problems.append(Problem(str(given), None, None,
                                    "a .pdf memo or an .xlsx report workbook",
                                    found=describe(given.suffix or "no extension"),
                                    code="wrong-format"))
        else:
            files.append(given)
    files = list({p.resolve(): p for p in files}.values())  # the same file once
    if not files and not problems:
        problems.append(Problem(COMMAND_LINE, None, None, "at least one report to send",
        code="missing-value"))
    _check_size(files, problems)
    if problems:
        raise InputError(problems)
    reports = Reports(files)
    reports.summary = _find_summary(files, reports.notes)
    return reports


def _check_size(files: Sequence[Path], problems: list[Problem]) -> None:
    sizes = {p: p.stat().st_size for p in files}
    total = sum(sizes.values())
    if total > MAX_ATTACHMENT_BYTES:
        shown = ", ".join(f"{p.name} {_megabytes(n)}" for p, n in sizes.items())
        problems.append(Problem(str(files[0]) if len(files) == 1 else ", ".join(map(str, files)),
                                None, None,
                                f"attachments of at most {_megabytes(MAX_ATTACHMENT_BYTES)} "
                                "together (about 20 MB once encoded for email, the limit of "
                                "many mail services); share the files another way",
                                found=f"{_megabytes(total)} ({shown})", code="too-large"))


def _megabytes(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _find_summary(files: Sequence[Path], notes: list[str]) -> dict[str, Any] | None:
    """The numbers for the body from ``<name>.summary.json`` beside the reports,
    when there is exactly one and it was written for these very files."""
    candidates = {p.with_name(stem + SUMMARY_SUFFIX) for p in files if (stem := _stem(p))}
    candidates = {p for p in candidates if p.is_file()}
    if len(candidates) != 1:
        if len(candidates) > 1:
            notes.append("the reports come from several scenarios; the email has a general "
                         "note instead of the numbers")
        return None
    path = candidates.pop()
    try:
        summary = json.loads(path.read_text(encoding="utf-8"))
        # The templates use every key (StrictUndefined), so all must be there.
        valid = isinstance(summary, dict) and summary.get("format") == SUMMARY_FORMAT \
            and set(SUMMARY_KEYS) <= set(summary) and isinstance(summary["files"], dict)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        valid = False
    if not valid:
        notes.append(f"ignored {path.name}: not a summary this version of ftreport wrote")
        return None
    # A summary from an earlier run would put stale numbers in the email.
    stale = [p.name for p in files
             if p.name in summary["files"] and summary["files"][p.name] != _sha256(p)]
    if stale:
        notes.append(f"ignored {path.name}: it was written for other versions of "
                     f"{', '.join(stale)}; the email has a general note instead of the numbers")
        return None
    return summary


# --------------------------------------------------------------------------- summary

def summarise(result: RunResult) -> dict[str, Any]:
    """The few numbers the email needs, from a run's results (its ``to_dict()``)."""
    data = result.to_dict()
    scenario = data["scenario"]
    rows = {row["name"]: row for row in data["options"]}
    chosen = rows[data["recommended"]]
    simulated = data.get("simulation") or {}
    p_cheapest = next((o.get("p_cheapest") for o in simulated.get("options", [])
                       if o.get("name") == data["recommended"]), None)
    return {
        "format": SUMMARY_FORMAT,
        "scenario_name": scenario.get("scenario_name") or "",
        "currency": scenario.get("currency") or "",
        "horizon_days": scenario["horizon_days"],
        "recommended": data["recommended"],
        "baseline": data["baseline"],
        "total_cost": chosen.get("total_cost"),
        "baseline_total_cost": rows[data["baseline"]].get("total_cost"),
        "saving": chosen.get("savings_vs_baseline"),
        "saving_pct": chosen.get("savings_pct"),
        "break_even_day": chosen.get("break_even_day"),
        "p_cheapest": p_cheapest,
        "iterations": simulated.get("iterations"),
        "warnings": [w["message"] for w in data.get("warnings", [])],
        "files": {},
    }


def write_summary(result: RunResult, outdir: str | Path) -> Path:
    """Write ``OUTDIR/<name>.summary.json`` for `ftreport send`, after the reports.

    It records each written report's SHA-256, so `send` ignores a summary that
    no longer matches the files beside it.
    """
    from ftreport.fileio import report_stem

    summary = summarise(result)
    for written in result.outputs.values():
        path = Path(written)
        if _stem(path) is not None and path.is_file():
            summary["files"][path.name] = _sha256(path)
    target = Path(outdir) / f"{report_stem(result.book.path)}{SUMMARY_SUFFIX}"
    with atomic_write(target) as temp:
        temp.write_text(json.dumps(summary, indent=2, allow_nan=False) + "\n",
                        encoding="utf-8")
    return target


# --------------------------------------------------------------------------- message

def _template_text(name: str, template_dir: Path | None) -> str:
    return find_template(name, template_dir).read_text(encoding="utf-8")


def _money(value: float | None, currency: str = "") -> str:
    if value is None:
        return "n/a"
    digits = 2 if abs(value) < 100 else 0
    return f"{value:,.{digits}f} {currency}".strip()


def _percent(value: float | None) -> str:
    if value is None:
        return "n/a"
    # Never round a probability to a certainty it is not.
    if 0.995 <= value < 1:
        return "over 99%"
    if 0 < value < 0.005:
        return "under 1%"
    return f"{value:.0%}"


def render_body(summary: Mapping[str, Any] | None,
                attachments: Sequence[str], template_dir: Path | None = None,
                ) -> tuple[str, str]:
    """The plain-text and HTML bodies from templates/email.txt.j2 and email.html.j2."""
    import jinja2
    from jinja2.sandbox import SandboxedEnvironment

    def environment(html: bool) -> SandboxedEnvironment:
        # Sandboxed like the memo's: a --template-dir may come from anyone.
        env = SandboxedEnvironment(autoescape=html, undefined=jinja2.StrictUndefined,
                                   trim_blocks=True, lstrip_blocks=True,
                                   keep_trailing_newline=True)
        env.filters.update(money=_money, percent=_percent)
        return env

    context = {"summary": summary, "attachments": list(attachments), "version": __version__}
    text = environment(html=False).from_string(_template_text("email.txt.j2", template_dir))
    html = environment(html=True).from_string(_template_text("email.html.j2", template_dir))
    return text.render(context), html.render(context)


def default_subject(summary: Mapping[str, Any] | None, files: Sequence[Path]) -> str:
    if summary:
        name = summary.get("scenario_name") or "Fine-tune or keep prompting"
        subject = f"{name}: recommend {summary['recommended']}"
    else:
        stems = sorted({_stem(p) or p.stem for p in files})
        subject = "ftreport: " + ", ".join(stems)
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


# --------------------------------------------------------------------------- delivery

@dataclass
class Delivery:
    """What happened: sent to whom through which server, or which draft was written."""

    recipients: list[str]
    server: str | None = None
    security: str | None = None
    draft: Path | None = None
    notes: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        if self.draft is not None:
            return f"wrote draft {self.draft} (to {', '.join(self.recipients)})"
        return f"sent to {', '.join(self.recipients)} via {self.server} ({self.security})"


def write_eml(message: EmailMessage, path: str | Path) -> Path:
    """Write ``message`` (marked ``X-Unsent: 1``) as a draft that Outlook and
    Thunderbird open ready to edit and send."""
    message["X-Unsent"] = "1"
    path = Path(path)
    with atomic_write(path) as temp:
        # CRLF line ends, as RFC 5322 has them and Windows mail programs expect.
        temp.write_bytes(message.as_bytes(policy=policy.default.clone(linesep="\r\n")))
    return path


def deliver(reports: Reports, request: MailRequest) -> Delivery:
    """Build the message and send it, or write the draft when ``request.eml`` is set."""
    message = build_message(reports, request)
    if request.eml is not None:
        return Delivery(request.recipients, draft=write_eml(message, request.eml),
                        notes=reports.notes)
    assert request.settings is not None  # prepare() resolves them unless eml is set
    send_message(message, request.settings, request.recipients)
    return Delivery(request.recipients, server=request.settings.server,
                    security=request.settings.security, notes=reports.notes)


def send_reports(paths: Iterable[str | Path], **options: Any) -> Delivery:
    """`ftreport send`: email the reports named by ``paths`` (see :func:`find_reports`).

    ``options`` are :func:`prepare`'s. Addresses, settings and files are all
    checked before anything is sent, and one InputError lists every problem.
    """
    problems: list[Problem] = []
    try:
        request = prepare(**options)
    except InputError as exc:
        problems += exc.problems
    try:
        reports = find_reports(paths)
    except InputError as exc:
        problems += exc.problems
    if problems:
        raise InputError(problems)
    return deliver(reports, request)


def email_result(result: RunResult, request: MailRequest) -> Delivery:
    """`ftreport run --email-to`: email what the run wrote, with its numbers.

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


def send_message(message: EmailMessage, settings: SmtpSettings,
                 recipients: Sequence[str]) -> None:
    """Send over SMTP with TLS as configured; every network step has a timeout.

    Raises ReportError naming the server and the step (connect, TLS handshake,
    STARTTLS, login, send) that failed; the password never appears in it.
    """
    step = "connect"  # the greeting and EHLO count as part of connecting
    context = settings.tls_context() if settings.security != "plain" else None
    client: smtplib.SMTP | None = None
    try:
        # Host given to the constructor: smtplib checks the certificate against the
        # name given there, for STARTTLS too.
        if settings.security == "tls":
            client = smtplib.SMTP_SSL(settings.host, settings.port, timeout=settings.timeout,
                                      context=context)
        else:
            client = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
        client.ehlo()
        if settings.security == "starttls":
            step = "STARTTLS"
            client.starttls(context=context)
            client.ehlo()
        if settings.user:
            step = "login"
            client.login(settings.user, settings.password or "")
        step = "send"
        size = len(message.as_bytes())
        if client.sock is not None:
            client.sock.settimeout(settings.timeout + size / MIN_UPLOAD_BYTES_PER_SECOND)
        refused = client.send_message(message, from_addr=settings.sender.addr_spec,
                                      to_addrs=list(recipients))
        with contextlib.suppress(OSError, smtplib.SMTPException):
            client.quit()  # the message is accepted; a failed goodbye changes nothing
    except (OSError, smtplib.SMTPException) as exc:
        raise ReportError(_scrub(_explain(exc, step, settings), settings)) from exc
    finally:
        if client is not None:
            client.close()
    if refused:
        accepted = [r for r in recipients if r not in refused]
        raise ReportError(_scrub(
            f"{settings.server}: send: the server accepted the message for "
            f"{', '.join(accepted)} but refused {_refusals(refused)}", settings))


def _reply(code: int, text: bytes | str) -> str:
    text = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
    return f"{code} {' '.join(text.split())}"


def _refusals(refused: Mapping[str, tuple[int, bytes]]) -> str:
    return ", ".join(f"{addr} ({_reply(*reply)})" for addr, reply in refused.items())


def _explain(exc: BaseException, step: str, settings: SmtpSettings) -> str:
    """One sentence on what failed, where, and what to try."""
    if step == "connect" and isinstance(exc, ssl.SSLError):
        step = "TLS handshake"
    head = f"{settings.server}: {step} failed: "
    if isinstance(exc, ssl.SSLCertVerificationError):
        return head + (f"the server's certificate could not be verified "
                       f"({exc.verify_message}); for a private or self-signed certificate "
                       "give its CA with --cafile or FTREPORT_SMTP_CAFILE")
    if isinstance(exc, ssl.SSLError):
        hint = (" (does the server use STARTTLS on this port? try --security starttls)"
                if settings.security == "tls" else "")
        return head + f"TLS error: {exc.reason or exc}{hint}"
    # smtplib turns a timeout while awaiting a reply into SMTPServerDisconnected.
    if isinstance(exc, TimeoutError) or isinstance(exc.__context__, TimeoutError):
        hint = (" (if the server uses implicit TLS, usually port 465, use --security tls)"
                if step == "connect" and settings.security == "starttls" else "")
        return head + f"no answer within {settings.timeout:g} seconds{hint}"
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return head + "the server refused every recipient: " + _refusals(exc.recipients)
    if isinstance(exc, smtplib.SMTPSenderRefused):
        reply = _reply(exc.smtp_code, exc.smtp_error)
        return head + f"the server refused the sender {exc.sender} ({reply})"
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return head + (f"the server rejected the user name or password for "
                       f"{settings.user} ({_reply(exc.smtp_code, exc.smtp_error)})")
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        if step == "STARTTLS":
            return head + ("the server does not offer STARTTLS; if it uses implicit TLS "
                           "(usually port 465) use --security tls")
        return head + ("the server does not offer login (AUTH) on this connection"
                       if step == "login" else str(exc))
    if isinstance(exc, smtplib.SMTPResponseException):
        return head + f"the server answered {_reply(exc.smtp_code, exc.smtp_error)}"
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return head + "the server closed the connection"
    if isinstance(exc, socket.gaierror):
        return head + f"no such host ({exc.strerror})"
    if isinstance(exc, ConnectionRefusedError):
        return head + "connection refused (is the host and port right?)"
    return head + ((exc.strerror if isinstance(exc, OSError) else None) or str(exc))


def _scrub(text: str, settings: SmtpSettings) -> str:
    # Belt and braces: no server reply or OS message should carry the password.
    return text.replace(settings.password, "***") if settings.password else text
