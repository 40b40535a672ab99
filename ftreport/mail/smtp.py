"""Sending over SMTP, and saying in one sentence what failed, where, and what to try."""

from __future__ import annotations

import contextlib
import smtplib
import socket
import ssl
import threading
from collections.abc import Mapping, Sequence
from email.message import EmailMessage

from ftreport.mail.settings import SmtpSettings
from ftreport.model.problems import ReportError

# The socket timeout bounds a whole sendall(), so DATA gets extra time for a
# large message at this slow-but-working upload speed.
MIN_UPLOAD_BYTES_PER_SECOND = 50_000
DEFAULT_DEADLINE = 60.0  # seconds for a whole send, however the server behaves
# A server's reply (greeting, EHLO...) is a few lines; an endless one is refused.
MAX_REPLY_BYTES = 64 * 1024
MAX_REPLY_LINES = 200


class ReplyTooLong(smtplib.SMTPException):
    """The server's reply went on past MAX_REPLY_BYTES or MAX_REPLY_LINES."""


class _Bounded:
    """An SMTP client whose replies are bounded in size and whose whole conversation is
    bounded in time: at the deadline a timer shuts the socket, ending any blocked read
    (per-step timeouts alone let a server that trickles a byte at a time go on for ever).
    """

    deadline_passed = False

    def arm(self, deadline: float) -> threading.Timer:
        timer = threading.Timer(deadline, self._expire)
        timer.daemon = True
        timer.start()
        return timer

    def _expire(self) -> None:
        self.deadline_passed = True
        sock = getattr(self, "sock", None)
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def getreply(self) -> tuple[int, bytes]:
        # smtplib's own loop, with a bound on the reply as a whole.
        if self.file is None:  # type: ignore[attr-defined]
            self.file = self.sock.makefile("rb")  # type: ignore[attr-defined]
        lines: list[bytes] = []
        size = 0
        while True:
            try:
                line = self.file.readline(smtplib._MAXLINE + 1)  # type: ignore[attr-defined]
            except OSError as exc:
                self.close()  # type: ignore[attr-defined]
                raise smtplib.SMTPServerDisconnected(f"Connection unexpectedly closed: {exc}"
                                                     ) from exc
            if not line:
                self.close()  # type: ignore[attr-defined]
                raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
            size += len(line)
            if len(line) > smtplib._MAXLINE or size > MAX_REPLY_BYTES \
                    or len(lines) >= MAX_REPLY_LINES:
                self.close()  # type: ignore[attr-defined]
                raise ReplyTooLong(f"a reply of over {len(lines):,} lines / {size:,} bytes")
            lines.append(line[4:].strip(b" \t\r\n"))
            try:
                code = int(line[:3])
            except ValueError:
                return -1, b"\n".join(lines)
            if line[3:4] != b"-":
                return code, b"\n".join(lines)


class _Client(_Bounded, smtplib.SMTP):
    pass


class _TlsClient(_Bounded, smtplib.SMTP_SSL):
    pass


def send_message(message: EmailMessage, settings: SmtpSettings,
                 recipients: Sequence[str], *, deadline: float = DEFAULT_DEADLINE) -> None:
    """Send over SMTP with TLS as configured; every network step has a timeout and the
    whole send must end within ``deadline`` seconds.

    Raises ReportError naming the server and the step (connect, TLS handshake,
    STARTTLS, login, send) that failed; the password never appears in it.
    """
    step = "connect"  # the greeting and EHLO count as part of connecting
    context = settings.tls_context() if settings.security != "plain" else None
    client: _Client | _TlsClient = (_TlsClient(timeout=settings.timeout, context=context)
                                    if settings.security == "tls"
                                    else _Client(timeout=settings.timeout))
    timer = client.arm(deadline)
    try:
        # STARTTLS checks the certificate against the host the constructor was given;
        # connecting after it (so the deadline covers the greeting) needs it set here.
        client._host = settings.host
        client.connect(settings.host, settings.port)
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
        why = (f"{settings.server}: {step} failed: the send did not finish within "
               f"{deadline:g} seconds (the server is too slow; try again later, or raise "
               "--timeout)" if client.deadline_passed else _explain(exc, step, settings))
        raise ReportError(_scrub(why, settings)) from exc
    finally:
        timer.cancel()
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
    if isinstance(exc, ReplyTooLong):
        return head + f"the server's reply did not end ({exc}); is this a mail server?"
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
