"""Sending over SMTP, and saying in one sentence what failed, where, and what to try."""

from __future__ import annotations

import contextlib
import smtplib
import socket
import ssl
from collections.abc import Mapping, Sequence
from email.message import EmailMessage

from ftreport.mail.settings import SmtpSettings
from ftreport.model.problems import ReportError

# The socket timeout bounds a whole sendall(), so DATA gets extra time for a
# large message at this slow-but-working upload speed.
MIN_UPLOAD_BYTES_PER_SECOND = 50_000


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
