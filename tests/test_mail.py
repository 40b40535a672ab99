"""Emailing the reports (issue 8) against a real SMTP server on 127.0.0.1.

aiosmtpd runs in a thread; trustme issues the self-signed certificates. Every
address a test connects to is 127.0.0.1; the example.com addresses are only
text the local server records.
"""

from __future__ import annotations

import os
import socket
import ssl
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from email import message_from_bytes, policy
from email.headerregistry import Address
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from click.testing import CliRunner, Result

import ftreport
from ftreport import mail
from ftreport.api import NotSentError
from ftreport.cli import main
from ftreport.engine.analysis import analyse
from ftreport.model.outputs import OUTPUTS
from ftreport.model.problems import InputError, ReportError
from ftreport.model.results import RunResult
from ftreport.report.summary import SUMMARY_KEYS, summarise, write_summary
from tests.support.scenarios import support_book

HOST = "127.0.0.1"
USER = "finance"
PASSWORD = "s3cret-Pa55word"  # must never appear in any output
SENDER = "Finance <finance@example.com>"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --------------------------------------------------------------------------- server

class Recorder:
    """An aiosmtpd handler that keeps every message and refuses chosen recipients."""

    def __init__(self, refuse: tuple[str, ...] = ()) -> None:
        self.refuse = set(refuse)
        self.received: list[tuple[str, list[str], bytes]] = []

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,
                          rcpt_options: list[str]) -> str:
        if address in self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.received.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted"


def authenticator(server: Any, session: Any, envelope: Any, mechanism: str,
                  auth_data: Any) -> AuthResult:
    ok = isinstance(auth_data, LoginPassword) and auth_data == (
        USER.encode(), PASSWORD.encode())
    # handled=False: aiosmtpd itself answers a failure with 535.
    return AuthResult(success=ok, handled=False)


class LoopbackController(Controller):
    """Binds port 0 and learns the port the system chose, so tests never race
    for a "free" port."""

    def _trigger_server(self) -> None:
        assert self.server is not None
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


@contextmanager
def smtp_server(handler: Recorder, **kwargs: Any) -> Iterator[int]:
    controller = LoopbackController(handler, hostname=HOST, port=0,
                                    server_hostname="mail.test", **kwargs)
    controller.start()
    try:
        yield controller.port
    finally:
        controller.stop()


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def cafile(ca: trustme.CA, tmp_path: Path) -> Path:
    path = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return path


@pytest.fixture
def server_tls(ca: trustme.CA) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert(HOST).configure_cert(context)
    return context


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No test sees the developer's own mail settings."""
    for name in mail.ENV_VARS.values():
        monkeypatch.delenv(name, raising=False)
    config = tmp_path / "config"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(config))
    return config


# --------------------------------------------------------------------------- reports

def support_result(outdir: Path, **scenario: object) -> RunResult:
    """A run's result and its reports on disk (stand-in files of the right kinds: mail
    sends bytes as is)."""
    result = RunResult(analyse(support_book(**scenario)))
    outdir.mkdir(parents=True, exist_ok=True)
    memo, workbook = outdir / "support.memo.pdf", outdir / "support.report.xlsx"
    memo.write_bytes(b"%PDF-1.7\n" + os.urandom(40_000))
    with zipfile.ZipFile(workbook, "w") as package:
        package.writestr("xl/workbook.xml", "<workbook/>")
        package.writestr("xl/worksheets/sheet1.xml", os.urandom(60_000))
    result.outputs = {"workbook": str(workbook), "memo": str(memo)}
    return result


@pytest.fixture
def outdir(tmp_path: Path) -> Path:
    out = tmp_path / "out"
    write_summary(support_result(out), out)
    return out


def invoke(*args: str, env: dict[str, str] | None = None) -> Result:
    result = CliRunner().invoke(main, list(args), env=env)
    assert PASSWORD not in result.output
    return result


def received(handler: Recorder) -> tuple[str, list[str], EmailMessage]:
    assert len(handler.received) == 1
    sender, rcpt, content = handler.received[0]
    message = message_from_bytes(content, policy=policy.default)
    assert isinstance(message, EmailMessage)
    return sender, rcpt, message


def plain_args(port: int) -> list[str]:
    return ["--smtp-host", HOST, "--smtp-port", str(port), "--security", "plain",
            "--from", SENDER]


# --------------------------------------------------------------------------- sending

def test_send_outdir_delivers_summary_and_identical_attachments(outdir: Path) -> None:
    handler = Recorder()
    with smtp_server(handler) as port:
        result = invoke("send", str(outdir), "--to", "Alice <alice@example.com>",
                        "--to", "bob@example.com", "--cc", "carol@example.com",
                        *plain_args(port))
    assert result.exit_code == 0, result.output
    assert "sent to alice@example.com, bob@example.com, carol@example.com" in result.output
    sender, rcpt, message = received(handler)
    assert sender == "finance@example.com"
    assert rcpt == ["alice@example.com", "bob@example.com", "carol@example.com"]
    assert message["To"] == "Alice <alice@example.com>, bob@example.com"
    assert message["Cc"] == "carol@example.com"
    assert message["Subject"] == "Customer support assistant: recommend Fine-tuned gpt-4.1-mini"
    assert "X-Unsent" not in message

    text = message.get_body(("plain",)).get_content()
    assert "Recommendation: Fine-tuned gpt-4.1-mini" in text
    assert "Saving against Few-shot gpt-4.1: $39,106 over the horizon (64%)" in text
    assert "Break-even: day 41." in text
    html = message.get_body(("html",)).get_content()
    assert "<strong>Fine-tuned gpt-4.1-mini</strong>" in html and "day 41" in html

    attachments = {a.get_filename(): a for a in message.iter_attachments()}
    assert set(attachments) == {"support.memo.pdf", "support.report.xlsx"}
    assert attachments["support.memo.pdf"].get_content_type() == "application/pdf"
    assert attachments["support.report.xlsx"].get_content_type() == XLSX
    for name, part in attachments.items():
        assert part.get_content() == (outdir / name).read_bytes()


def test_explicit_files_and_a_generic_body_without_summary(tmp_path: Path) -> None:
    result = support_result(tmp_path / "out")  # no summary written
    handler = Recorder()
    with smtp_server(handler) as port:
        sent = invoke("send", result.outputs["memo"], "--to", "alice@example.com",
                      "--subject", "Q3 decision", *plain_args(port))
    assert sent.exit_code == 0, sent.output
    _, _, message = received(handler)
    assert message["Subject"] == "Q3 decision"
    assert "Please find attached" in message.get_body(("plain",)).get_content()
    assert [a.get_filename() for a in message.iter_attachments()] == ["support.memo.pdf"]


def test_stale_summary_is_not_used(outdir: Path) -> None:
    (outdir / "support.memo.pdf").write_bytes(b"%PDF-1.7\nrewritten by a later run")
    handler = Recorder()
    with smtp_server(handler) as port:
        result = invoke("send", str(outdir), "--to", "alice@example.com", *plain_args(port))
    assert result.exit_code == 0, result.output
    assert "note: ignored support.summary.json" in result.output
    _, _, message = received(handler)
    assert "Please find attached" in message.get_body(("plain",)).get_content()


def test_starttls_needs_the_ca_and_login_works_over_it(
        outdir: Path, server_tls: ssl.SSLContext, cafile: Path) -> None:
    handler = Recorder()
    env = {"FTREPORT_SMTP_PASSWORD": PASSWORD}
    with smtp_server(handler, tls_context=server_tls, require_starttls=True,
                     authenticator=authenticator) as port:
        args = ["send", str(outdir), "--to", "alice@example.com", "--smtp-host", HOST,
                "--smtp-port", str(port), "--security", "starttls", "--smtp-user", USER,
                "--from", SENDER]
        untrusted = invoke(*args, env=env)
        trusted = invoke(*args, "--cafile", str(cafile), env=env)
    assert untrusted.exit_code == 1
    assert (f"{HOST}:{port}: STARTTLS failed: the server's certificate could not be "
            "verified") in untrusted.output
    assert "--cafile" in untrusted.output
    assert trusted.exit_code == 0, trusted.output
    assert "(starttls)" in trusted.output
    assert received(handler)[1] == ["alice@example.com"]


def test_implicit_tls_with_login_from_config_file(
        outdir: Path, server_tls: ssl.SSLContext, cafile: Path, clean_env: Path) -> None:
    handler = Recorder()
    # auth_require_tls only counts STARTTLS; this connection is TLS from the start.
    with smtp_server(handler, ssl_context=server_tls, authenticator=authenticator,
                     auth_require_tls=False) as port:
        clean_env.mkdir()
        config = clean_env / "ftreport" / "smtp.toml"
        config.parent.mkdir()
        config.write_text(f'host = "{HOST}"\nport = {port}\nsecurity = "tls"\n'
                          f'user = "{USER}"\npassword = "{PASSWORD}"\n'
                          f'from = "{SENDER}"\ncafile = "{cafile}"\n', encoding="utf-8")
        config.chmod(0o600)
        result = invoke("send", str(outdir), "--to", "alice@example.com")
        overridden = invoke("send", str(outdir), "--to", "alice@example.com",
                            "--cafile", str(outdir / "missing.pem"))
    assert result.exit_code == 0, result.output
    assert f"via {HOST}:{port} (tls)" in result.output
    assert received(handler)[0] == "finance@example.com"
    # An option beats the config file: a missing CA file is named, nothing sent.
    assert overridden.exit_code == 2
    assert "command line: cafile must be an existing file" in overridden.output


def test_implicit_tls_fails_without_the_ca(outdir: Path, server_tls: ssl.SSLContext) -> None:
    handler = Recorder()
    with smtp_server(handler, ssl_context=server_tls) as port:
        result = invoke("send", str(outdir), "--to", "alice@example.com",
                        "--smtp-host", HOST, "--smtp-port", str(port), "--security", "tls",
                        "--from", SENDER)
    assert result.exit_code == 1
    assert f"{HOST}:{port}: TLS handshake failed: the server's certificate" in result.output
    assert handler.received == []


# --------------------------------------------------------------------------- failures

def test_bad_password_names_the_login_step(
        outdir: Path, server_tls: ssl.SSLContext, cafile: Path) -> None:
    handler = Recorder()
    with smtp_server(handler, tls_context=server_tls, authenticator=authenticator) as port:
        result = invoke("send", str(outdir), "--to", "alice@example.com", "--smtp-host", HOST,
                        "--smtp-port", str(port), "--smtp-user", USER, "--cafile", str(cafile),
                        "--from", SENDER,
                        env={"FTREPORT_SMTP_PASSWORD": PASSWORD[::-1] + PASSWORD})
    assert result.exit_code == 1
    assert (f"{HOST}:{port}: login failed: the server rejected the user name or password "
            f"for {USER} (535") in result.output
    assert "Traceback" not in result.output
    assert handler.received == []
    assert (outdir / "support.memo.pdf").exists()


def test_unreachable_server() -> None:
    # A bound socket that does not listen: connecting is refused, and the port
    # cannot be taken by anything else meanwhile.
    with socket.socket() as closed:
        closed.bind((HOST, 0))
        port = closed.getsockname()[1]
        settings = mail.SmtpSettings(host=HOST, port=port, security="plain",
                                     sender=Address(addr_spec="finance@example.com"))
        with pytest.raises(ReportError, match=rf"{HOST}:{port}: connect failed: "
                           "connection refused"):
            mail.send_message(EmailMessage(), settings, ["alice@example.com"])


def test_unreachable_port_via_cli(outdir: Path) -> None:
    with socket.socket() as closed:
        closed.bind((HOST, 0))
        port = closed.getsockname()[1]
        result = invoke("send", str(outdir), "--to", "alice@example.com", *plain_args(port))
    assert result.exit_code == 1
    assert f"error: {HOST}:{port}: connect failed: connection refused" in result.output


def test_silent_server_times_out(outdir: Path) -> None:
    with socket.socket() as silent:
        silent.bind((HOST, 0))
        silent.listen()  # the kernel accepts the connection; no greeting ever comes
        port = silent.getsockname()[1]
        result = invoke("send", str(outdir), "--to", "alice@example.com",
                        "--smtp-host", HOST, "--smtp-port", str(port), "--from", SENDER,
                        "--smtp-timeout", "1")
    assert result.exit_code == 1
    assert (f"{HOST}:{port}: connect failed: no answer within 1 seconds (if the server "
            "uses implicit TLS") in result.output


def test_refused_recipients(outdir: Path) -> None:
    handler = Recorder(refuse=("nobody@example.com",))
    with smtp_server(handler) as port:
        everyone = invoke("send", str(outdir), "--to", "nobody@example.com",
                          *plain_args(port))
        some = invoke("send", str(outdir), "--to", "alice@example.com",
                      "--cc", "nobody@example.com", *plain_args(port))
    assert everyone.exit_code == 1
    assert (f"{HOST}:{port}: send failed: the server refused every recipient: "
            "nobody@example.com (550 5.1.1 mailbox unavailable)") in everyone.output
    assert some.exit_code == 1
    assert ("send: the server accepted the message for alice@example.com but refused "
            "nobody@example.com (550") in some.output
    assert [rcpt for _, rcpt, _ in handler.received] == [["alice@example.com"]]


@pytest.mark.parametrize(("args", "expected"), [
    (["--to", "alice@"], 'email: to must be an email address such as finance@example.com'),
    (["--to", "alice"], 'got "alice"'),
    (["--to", "Alice Smith alice@example.com"], "email: to must be an email address"),
    (["--to", "a@example.com", "--cc", "b@example.com;c@example.com"],
     "email: cc must be an email address"),
    (["--to", "team: a@example.com;"], "email: to must be an email address"),
    (["--to", "alice@example.com\r\nBcc: eve@example.com"],
     r'email: to must be on one line (no line breaks), got "alice@example.com\r\nBcc'),
    (["--to", "alice@example.com", "--subject", "Hi\nBcc: eve@example.com"],
     r'email: subject must be text on one line (no line breaks), got "Hi\nBcc'),
    (["--to", "alice@example.com", "--from", "finance"], "command line: from must be"),
])
def test_bad_addresses_and_header_injection_send_nothing(
        outdir: Path, args: list[str], expected: str) -> None:
    handler = Recorder()
    with smtp_server(handler) as port:
        result = invoke("send", str(outdir), *plain_args(port), *args)
    assert result.exit_code == 2, result.output
    assert expected in result.output
    assert handler.received == []


def test_missing_ambiguous_and_oversize_reports(outdir: Path, tmp_path: Path) -> None:
    handler = Recorder()
    extra = tmp_path / "other"
    extra.mkdir()
    (extra / "a.memo.pdf").write_bytes(b"%PDF")
    (extra / "b.memo.pdf").write_bytes(b"%PDF")
    big = tmp_path / "big.report.xlsx"
    with big.open("wb") as f:
        f.truncate(mail.MAX_ATTACHMENT_BYTES)  # sparse: costs no disk space
    with smtp_server(handler) as port:
        missing = invoke("send", str(tmp_path / "nope.memo.pdf"), "--to", "a@example.com",
                         *plain_args(port))
        ambiguous = invoke("send", str(extra), "--to", "a@example.com", *plain_args(port))
        oversize = invoke("send", str(big), str(outdir / "support.memo.pdf"),
                          "--to", "a@example.com", *plain_args(port))
        wrong_type = invoke("send", str(outdir / "support.summary.json"),
                            "--to", "a@example.com", *plain_args(port))
    assert handler.received == []
    assert missing.exit_code == 2
    assert "nope.memo.pdf: an existing report file or output folder, got nothing there" \
        in missing.output
    assert ambiguous.exit_code == 2
    assert "other: a folder with one *.memo.pdf; name the files to send instead of the " \
        "folder, got 2: a.memo.pdf, b.memo.pdf" in ambiguous.output
    assert "other: a folder with one *.report.xlsx (the workbook)" in ambiguous.output
    assert oversize.exit_code == 2
    assert "attachments of at most 15.0 MB together" in oversize.output
    assert "got 15.0 MB (big.report.xlsx 15.0 MB, support.memo.pdf 0.0 MB)" in oversize.output
    assert wrong_type.exit_code == 2
    assert 'a .pdf memo or an .xlsx report workbook, got ".json"' in wrong_type.output


def test_every_problem_at_once(tmp_path: Path) -> None:
    result = invoke("send", str(tmp_path / "none"), "--to", "x@", "--subject", "a\rb")
    assert result.exit_code == 2
    for expected in ("email: to must be", "email: subject must be",
                     "the mail server must be set with --smtp-host",
                     "the sender address must be set with --from",
                     "none: an existing report file"):
        assert expected in result.output
    assert "5 problems found" in result.output


# --------------------------------------------------------------------------- drafts

def test_eml_draft_needs_no_server(outdir: Path, tmp_path: Path) -> None:
    draft = tmp_path / "drafts" / "decision.eml"
    result = invoke("send", str(outdir), "--to", "alice@example.com", "--eml", str(draft))
    assert result.exit_code == 0, result.output
    assert f"wrote draft {draft}" in result.output
    raw = draft.read_bytes()
    assert b"\r\nX-Unsent: 1\r\n" in raw
    message = message_from_bytes(raw, policy=policy.default)
    assert message["From"] is None  # the mail program fills in the account
    parts = {a.get_filename(): a.get_content() for a in message.iter_attachments()}
    assert parts == {name: (outdir / name).read_bytes()
                     for name in ("support.memo.pdf", "support.report.xlsx")}
    assert not list(draft.parent.glob(".*.tmp"))


# --------------------------------------------------------------------------- run --email-to

def test_run_email_to_sends_the_fresh_results(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def fake_run(path: Path, outdir: Path, **kwargs: Any) -> RunResult:
        return support_result(outdir)

    monkeypatch.setattr("ftreport.api._compute_and_write", fake_run)
    handler = Recorder()
    with smtp_server(handler) as port:
        result = invoke("run", str(tmp_path / "support.xlsx"), "-o", str(tmp_path / "out"),
                        "--email-to", "alice@example.com", "--email-cc", "bob@example.com",
                        "--email-from", SENDER, "--smtp-host", HOST, "--smtp-port", str(port),
                        "--security", "plain")
    assert result.exit_code == 0, result.output
    assert "sent to alice@example.com, bob@example.com" in result.output
    _, rcpt, message = received(handler)
    assert rcpt == ["alice@example.com", "bob@example.com"]
    assert "Break-even: day 41." in message.get_body(("plain",)).get_content()


def test_run_checks_addresses_before_computing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("ran despite a bad address")

    monkeypatch.setattr("ftreport.api._compute_and_write", fail)
    result = invoke("run", str(tmp_path / "support.xlsx"), "-o", str(tmp_path / "out"),
                    "--email-to", "alice@@example.com", "--email-from", SENDER,
                    "--smtp-host", HOST)
    assert result.exit_code == 2
    assert "email: to must be an email address" in result.output
    assert not (tmp_path / "out").exists()


# --------------------------------------------------------------------------- settings

def test_settings_precedence_options_env_file(tmp_path: Path) -> None:
    config = tmp_path / "ftreport" / "smtp.toml"
    config.parent.mkdir()
    config.write_text('host = "file.example"\nport = 2525\nuser = "file-user"\n'
                      'password = "from-file"\nfrom = "file@example.com"\n', encoding="utf-8")
    config.chmod(0o600)
    env = {"XDG_CONFIG_HOME": str(tmp_path), "FTREPORT_SMTP_HOST": "env.example",
           "FTREPORT_SMTP_USER": "env-user"}
    request = mail.prepare(to=["a@example.com"], env=env, host="option.example")
    settings = request.settings
    assert settings is not None
    assert (settings.host, settings.port, settings.user, settings.password,
            settings.sender.addr_spec, settings.security) == (
        "option.example", 2525, "env-user", "from-file", "file@example.com", "starttls")
    assert "from-file" not in repr(settings)
    implicit = mail.prepare(to=["a@example.com"], env={**env, "FTREPORT_SMTP_PORT": "465"})
    assert implicit.settings is not None and implicit.settings.security == "tls"


@pytest.mark.parametrize(("settings", "expected"), [
    ({"FTREPORT_SMTP_PORT": "smtp"}, 'FTREPORT_SMTP_PORT: port must be a whole number from 1 '
                                     'to 65535, got "smtp"'),
    ({"FTREPORT_SMTP_SECURITY": "ssl"}, 'security must be one of tls, starttls, plain'),
    ({"FTREPORT_SMTP_SECURITY": "plain", "FTREPORT_SMTP_USER": "u",
      "FTREPORT_SMTP_PASSWORD": PASSWORD}, "a password is never sent over an unencrypted"),
    ({"FTREPORT_SMTP_USER": "u"}, "the password for user must be set in "
                                  "FTREPORT_SMTP_PASSWORD"),
])
def test_bad_settings(tmp_path: Path, settings: dict[str, str], expected: str) -> None:
    env = {"XDG_CONFIG_HOME": str(tmp_path), "FTREPORT_SMTP_HOST": HOST,
           "FTREPORT_SMTP_FROM": "f@example.com", **settings}
    with pytest.raises(InputError) as caught:
        mail.prepare(to=["a@example.com"], env=env)
    assert expected in str(caught.value)
    assert PASSWORD not in str(caught.value)


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_config_file_with_password_must_be_private(tmp_path: Path) -> None:
    config = tmp_path / "ftreport" / "smtp.toml"
    config.parent.mkdir()
    config.write_text(f'host = "{HOST}"\nfrom = "f@example.com"\nuser = "u"\n'
                      f'password = "{PASSWORD}"\nsmtp_host = "typo"\n', encoding="utf-8")
    config.chmod(0o644)
    with pytest.raises(InputError) as caught:
        mail.prepare(to=["a@example.com"], env={"XDG_CONFIG_HOME": str(tmp_path)})
    text = str(caught.value)
    assert "readable by you alone when it holds a password (run: chmod 600" in text
    assert 'got "smtp_host"' in text
    assert PASSWORD not in text


def test_html_body_escapes_names_from_the_workbook(tmp_path: Path) -> None:
    result = support_result(tmp_path, scenario_name="<script>alert(1)</script>\nQ3")
    summary = summarise(result)
    text, html = mail.render_body(summary, ["a.pdf"])
    assert "<script>" in text  # plain text is shown as text
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert mail.default_subject(summary, []) == (
        "<script>alert(1)</script> Q3: recommend Fine-tuned gpt-4.1-mini")


# --------------------------------------------------------------------------- library

def test_library_run_emails_and_records_the_delivery(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("ftreport.api._compute_and_write",
                        lambda path, outdir, **kwargs: support_result(outdir))
    handler = Recorder()
    with smtp_server(handler) as port:
        result = ftreport.run(tmp_path / "support.xlsx", tmp_path / "out",
                              email_to=["alice@example.com"], email_from=SENDER,
                              smtp_host=HOST, smtp_port=port, smtp_security="plain")
    assert result.delivery is not None
    assert str(result.delivery) == f"sent to alice@example.com via {HOST}:{port} (plain)"
    assert "delivery" not in result.to_dict()  # the JSON keeps its keys
    assert received(handler)[1] == ["alice@example.com"]


def test_library_run_email_needs_reports_to_attach(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("ran with nothing to attach")

    monkeypatch.setattr("ftreport.api._compute_and_write", fail)
    with pytest.raises(InputError, match="email: email_to must be given with outdir or "
                       "in_place"):
        ftreport.run(tmp_path / "support.xlsx", email_to=["alice@example.com"])


def test_run_says_what_it_wrote_before_a_failed_send(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("ftreport.api._compute_and_write",
                        lambda path, outdir, **kwargs: support_result(outdir))
    with socket.socket() as closed:
        closed.bind((HOST, 0))
        port = closed.getsockname()[1]
        with pytest.raises(NotSentError) as caught:
            ftreport.run(tmp_path / "support.xlsx", tmp_path / "out",
                         email_to=["alice@example.com"], email_from=SENDER, smtp_host=HOST,
                         smtp_port=port, smtp_security="plain")
        result = invoke("run", str(tmp_path / "support.xlsx"), "-o", str(tmp_path / "out"),
                        "--email-to", "alice@example.com", "--email-from", SENDER,
                        "--smtp-host", HOST, "--smtp-port", str(port), "--security", "plain")
    assert isinstance(caught.value, ReportError)
    assert caught.value.result.outputs["memo"].endswith("support.memo.pdf")
    assert result.exit_code == 1
    assert "wrote memo: " in result.output
    assert f"error: {HOST}:{port}: connect failed: connection refused" in result.output


def test_library_send_writes_a_draft(outdir: Path, tmp_path: Path) -> None:
    delivery = ftreport.send([outdir], to=["alice@example.com"], eml=tmp_path / "d.eml")
    assert delivery.draft == tmp_path / "d.eml" and delivery.notes == []
    with pytest.raises(InputError) as caught:
        ftreport.send([tmp_path / "none"], to=["x@"])
    assert len(caught.value.problems) == 4  # the address, the server, the sender, the files


def test_summary_has_every_summary_output_of_the_results_schema(tmp_path: Path) -> None:
    result = support_result(tmp_path)
    summary = summarise(result)
    assert tuple(summary) == SUMMARY_KEYS
    chosen = result.analysis.option_rows()[result.analysis.recommended]
    for output in OUTPUTS:
        if output.summary_key:
            assert summary[output.summary_key] == chosen[output.key]
