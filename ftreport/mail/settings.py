"""Where and how to send: SMTP settings from the options, the environment and a config file.

Each setting comes from the first layer that has it: a command-line option (or
library argument), an ``FTREPORT_SMTP_*`` environment variable, then
``smtp.toml`` in the user's config folder. Every problem names the layer the
value came from; the password is never shown.
"""

from __future__ import annotations

import os
import ssl
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.headerregistry import Address
from pathlib import Path
from typing import Any

from ftreport.mail.addresses import has_control, parse_one, visible
from ftreport.model.problems import Problem, describe

DEFAULT_TIMEOUT = 30.0
SECURITY_MODES = ("tls", "starttls", "plain")
DEFAULT_PORTS = {"tls": 465, "starttls": 587, "plain": 25}

# Setting name -> environment variable. The password has no command-line option
# on purpose: command lines end up in shell history and process listings.
ENV_VARS = {
    "host": "FTREPORT_SMTP_HOST", "port": "FTREPORT_SMTP_PORT", "user": "FTREPORT_SMTP_USER",
    "password": "FTREPORT_SMTP_PASSWORD", "from": "FTREPORT_SMTP_FROM",
    "security": "FTREPORT_SMTP_SECURITY", "cafile": "FTREPORT_SMTP_CAFILE",
    "timeout": "FTREPORT_SMTP_TIMEOUT",
}
COMMAND_LINE = "command line"

# Setting name -> (its value, the layer it came from: COMMAND_LINE, a variable or a path).
Layered = Mapping[str, tuple[Any, str]]


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


def _text_setting(merged: Layered, key: str, problems: list[Problem]) -> str | None:
    if key not in merged:
        return None
    value, source = merged[key]
    if not isinstance(value, str) or not value.strip() or has_control(value):
        shown = None if key == "password" else describe(visible(value))
        problems.append(Problem(source, None, None, "text on one line", found=shown,
                                field=key, code="type-error"))
        return None
    return value.strip() if key != "password" else value


def _number_setting(merged: Layered, key: str, expected: str, problems: list[Problem], *,
                    whole: bool, low: float, high: float = float("inf")) -> float | None:
    if key not in merged:
        return None
    value, source = merged[key]
    try:
        number = float(value) if not isinstance(value, bool) else None
    except (TypeError, ValueError):
        number = None
    if number is None or not low <= number <= high or (whole and not number.is_integer()):
        code = "out-of-range" if number is not None and number.is_integer() else "type-error"
        problems.append(Problem(source, None, None, expected, found=describe(value),
                                field=key, code=code))
        return None
    return number


def resolve_settings(options: Mapping[str, Any], env: Mapping[str, str], *,
                     need_server: bool, problems: list[Problem],
                     ) -> tuple[SmtpSettings | None, Address | None]:
    """The SMTP settings (None when not needed or not valid) and the sender.

    ``options`` are the settings given directly, by ENV_VARS name; each problem
    found is added to ``problems``.
    """
    merged = _layered(options, env, problems)
    text = {k: _text_setting(merged, k, problems)
            for k in ("host", "user", "password", "from", "security", "cafile")}
    port = _number_setting(merged, "port", "a whole number from 1 to 65535", problems,
                           whole=True, low=1, high=65535)
    timeout = _number_setting(merged, "timeout", "a number of seconds, at least 1",
                              problems, whole=False, low=1)
    sender = None
    if text["from"] is not None:
        sender = parse_one(text["from"], merged["from"][1], "from", problems)
    elif text["user"] and "@" in text["user"]:
        # Most providers' login is the mailbox itself.
        sender = parse_one(text["user"], merged["user"][1], "user", problems)
    if not need_server:
        return None, sender

    security = text["security"]
    if security is not None and security.lower() not in SECURITY_MODES:
        problems.append(Problem(merged["security"][1], None, None,
                                "one of " + ", ".join(SECURITY_MODES), found=describe(security),
                                field="security", code="invalid-option"))
    security = (security or "").lower() or ("tls" if port == 465 else "starttls")
    _check_server_settings(merged, text, sender, security, config_path(env), problems)
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


def _check_server_settings(merged: Layered, text: Mapping[str, str | None],
                           sender: Address | None, security: str, config: Path,
                           problems: list[Problem]) -> None:
    """What sending needs: a server, a sender, a password with a user (and the
    reverse), and no login over an unencrypted connection."""
    if text["host"] is None and "host" not in merged:
        problems.append(Problem(COMMAND_LINE, None, None,
                                f"set with --smtp-host, {ENV_VARS['host']} or host in {config}",
                                field="the mail server", code="missing-value"))
    if sender is None and "from" not in merged:
        problems.append(Problem(COMMAND_LINE, None, None,
                                f"set with --from (run: --email-from), {ENV_VARS['from']} "
                                f"or from in {config}", field="the sender address",
                                code="missing-value"))
    if text["user"] and text["password"] is None and "password" not in merged:
        problems.append(Problem(merged["user"][1], None, None,
                                f"set in {ENV_VARS['password']} or password in {config}",
                                field="the password for user", code="missing-value"))
    if text["password"] and text["user"] is None and "user" not in merged:
        problems.append(Problem(merged["password"][1], None, None,
                                "given with a user (FTREPORT_SMTP_USER)", field="password",
                                code="invalid-option"))
    if security == "plain" and text["user"]:
        problems.append(Problem(merged["user"][1], None, None,
                                "used with --security tls or starttls: a password is never "
                                "sent over an unencrypted connection", field="login",
                                code="invalid-option"))
