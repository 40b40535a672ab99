"""File-system faults end cleanly: real faults (a full and a read-only tmpfs, a path
through a file, long names, a SIGKILLed writer, two real processes), a clear message
naming the path, and no temporary file left behind."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from ftreport.fileio import (
    LOCK_NAME,
    atomic_write,
    folder_lock,
    remove_stale_temporaries,
    temporary_name,
)
from ftreport.model.problems import ReportError

ROOT = Path(__file__).resolve().parent.parent


@contextlib.contextmanager
def tmpfs(where: Path, *options: str) -> Iterator[Path]:
    """A real tmpfs mounted at ``where`` (the tests run as root, as CI does)."""
    where.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", ",".join(("size=64k", *options)), "tmpfs",
                    str(where)], check=True)
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=True)


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_a_full_disk_is_a_clear_error_and_leaves_nothing(tmp_path: Path) -> None:
    with tmpfs(tmp_path / "small") as folder:
        target = folder / "scenario.report.xlsx"
        with pytest.raises(ReportError, match="the disk is full") as caught, \
                atomic_write(target) as temp:
            temp.write_bytes(b"x" * 200_000)
        assert str(target) in str(caught.value)
        assert not target.exists() and leftovers(folder) == []


def test_a_read_only_folder_is_a_clear_error(tmp_path: Path) -> None:
    with tmpfs(tmp_path / "ro", "ro") as folder:
        with pytest.raises(ReportError, match="read-only file system"), \
                atomic_write(folder / "memo.pdf") as temp:
            temp.write_bytes(b"%PDF")
        assert list(folder.iterdir()) == []


def test_a_path_through_a_file_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "plain").write_text("not a folder")
    with pytest.raises(ReportError, match="a part of the path is a file"), \
            atomic_write(tmp_path / "plain" / "out" / "memo.pdf") as temp:
        temp.write_bytes(b"%PDF")


def test_a_long_name_that_fits_is_written_though_its_temporary_name_is_shortened(
        tmp_path: Path) -> None:
    target = tmp_path / ("é" * 120 + ".report.xlsx")  # 252 bytes: fits, but not with a tail
    assert len(target.name.encode()) <= 255 < len(target.name.encode()) + 10
    assert len(temporary_name(target).encode()) <= 255
    with atomic_write(target) as temp:
        temp.write_bytes(b"ok")
    assert target.read_bytes() == b"ok" and leftovers(tmp_path) == []


def test_a_name_too_long_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ReportError, match="the name is too long"), \
            atomic_write(tmp_path / ("x" * 300 + ".pdf")) as temp:
        temp.write_bytes(b"%PDF")
    assert leftovers(tmp_path) == []


def _writer_killed_midway(folder: Path) -> None:
    """A real process that dies by SIGKILL inside atomic_write, as a killed run would."""
    code = ("import sys, time; from pathlib import Path; from ftreport.fileio import "
            "atomic_write\nwith atomic_write(Path(sys.argv[1]) / 'a.report.xlsx') as t:\n"
            "    t.write_bytes(b'half'); print('ready', flush=True); time.sleep(60)")
    with subprocess.Popen([sys.executable, "-c", code, str(folder)], cwd=ROOT,
                          stdout=subprocess.PIPE, text=True) as child:
        assert child.stdout is not None and child.stdout.readline().strip() == "ready"
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)


def test_a_killed_run_leaves_only_a_temporary_file_which_the_next_run_removes(
        tmp_path: Path) -> None:
    _writer_killed_midway(tmp_path)
    assert not (tmp_path / "a.report.xlsx").exists()  # never a partial file under its name
    stale = leftovers(tmp_path)
    assert len(stale) == 1
    with atomic_write(tmp_path / "b.pdf") as live:  # a live run's temporary file is kept
        removed = remove_stale_temporaries(tmp_path)
        assert [p.name for p in removed] == stale and live.exists()
    assert leftovers(tmp_path) == []


def test_a_second_run_into_the_same_folder_is_refused_while_the_first_writes(
        tmp_path: Path) -> None:
    code = ("import sys, time; from ftreport.fileio import folder_lock\n"
            "with folder_lock(sys.argv[1]):\n    print('locked', flush=True); time.sleep(60)")
    with subprocess.Popen([sys.executable, "-c", code, str(tmp_path)], cwd=ROOT,
                          stdout=subprocess.PIPE, text=True) as first:
        try:
            assert first.stdout is not None and first.stdout.readline().strip() == "locked"
            with pytest.raises(ReportError, match="another ftreport run is writing here"), \
                    folder_lock(tmp_path):
                pass
        finally:
            first.send_signal(signal.SIGKILL)
            first.wait(timeout=30)
    deadline = time.monotonic() + 10
    while True:  # the kernel releases a killed process's lock
        try:
            with folder_lock(tmp_path):
                break
        except ReportError:
            assert time.monotonic() < deadline
            time.sleep(0.05)
    assert (tmp_path / LOCK_NAME).exists() and os.access(tmp_path, os.W_OK)
