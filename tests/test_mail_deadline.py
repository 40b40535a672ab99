"""Misbehaving mail servers, real ones on loopback: a greeting trickled a byte at a time
and an endless multi-line reply. Every send ends within its deadline with a clear
message, and a reply is bounded in size."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from ftreport.cli import main

SAMPLE = Path(__file__).resolve().parent.parent / "sample_inputs" / "customer-support.xlsx"
SERVER_LIFETIME = 60.0  # the misbehaving server gives up after this; the client must not wait


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("reports")
    done = CliRunner().invoke(main, ["run", str(SAMPLE), "-o", str(out), "--iterations", "0",
                                     "--no-pdf"])
    assert done.exit_code == 0, done.output
    return out / "customer-support.report.xlsx"


def serve(behaviour: Callable[[socket.socket, threading.Event], None]) -> Iterator[int]:
    """A one-connection TCP server on 127.0.0.1 that behaves as told; yields its port."""
    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(SERVER_LIFETIME)
        try:
            conn, _ = listener.accept()
        except OSError:
            return
        with conn:
            conn.settimeout(1.0)
            with contextlib.suppress(OSError):  # the client hung up: what we wanted
                behaviour(conn, stop)

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        stop.set()
        listener.close()
        thread.join(timeout=SERVER_LIFETIME)


def trickle(conn: socket.socket, stop: threading.Event) -> None:
    deadline = time.monotonic() + SERVER_LIFETIME
    while not stop.is_set() and time.monotonic() < deadline:
        conn.sendall(b"2")  # "220 ..." one byte at a time, never a line end
        time.sleep(0.3)


def endless_reply(conn: socket.socket, stop: threading.Event) -> None:
    line = b"220-" + b"x" * 500 + b"\r\n"
    deadline = time.monotonic() + SERVER_LIFETIME
    while not stop.is_set() and time.monotonic() < deadline:
        conn.sendall(line * 100)


@pytest.fixture
def trickling() -> Iterator[int]:
    yield from serve(trickle)


@pytest.fixture
def endless() -> Iterator[int]:
    yield from serve(endless_reply)


def send(report: Path, port: int, *extra: str) -> tuple[int, str, float]:
    started = time.monotonic()
    result = CliRunner().invoke(main, [
        "send", str(report), "--to", "cfo@example.com", "--from", "ftreport@example.com",
        "--smtp-host", "127.0.0.1", "--smtp-port", str(port), "--security", "plain", *extra])
    return result.exit_code, result.output, time.monotonic() - started


def test_a_trickled_greeting_ends_at_the_deadline(report: Path, trickling: int) -> None:
    code, output, elapsed = send(report, trickling, "--timeout", "2", "--smtp-timeout", "5")
    assert code == 1, output
    assert "did not finish within 2 seconds" in output and "Traceback" not in output
    # Each byte came well within the 5 s step timeout: only the deadline could end it,
    # long before the server would have given up.
    assert elapsed < SERVER_LIFETIME / 2


def test_an_endless_reply_is_refused(report: Path, endless: int) -> None:
    code, output, elapsed = send(report, endless, "--timeout", "30")
    assert code == 1, output
    assert "the server's reply did not end" in output and "Traceback" not in output
    assert elapsed < SERVER_LIFETIME / 2
