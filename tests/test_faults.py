"""File-system faults end cleanly: real faults (a full and a read-only tmpfs, a path
through a file, long names, a SIGKILLed writer, two real processes), a clear message
naming the path, and no temporary file left behind."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import zipfile
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


# --- whole runs -------------------------------------------------------------------------

SAMPLE = ROOT / "sample_inputs" / "customer-support.xlsx"


def ftreport(*args: str) -> subprocess.CompletedProcess[str]:
    """`ftreport` in a process of its own: its whole stderr, as a user sees it."""
    return subprocess.run([sys.executable, "-m", "ftreport", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=300, check=False)


def clean_failure(done: subprocess.CompletedProcess[str], words: str) -> None:
    assert done.returncode == 1, done.stderr
    assert words in done.stderr
    assert "Traceback" not in done.stderr and "unexpected" not in done.stderr


def test_a_run_into_a_full_disk_fails_cleanly(tmp_path: Path) -> None:
    with tmpfs(tmp_path / "small") as folder:
        done = ftreport("run", str(SAMPLE), "-o", str(folder), "--iterations", "0")
        clean_failure(done, "the disk is full")
        assert [p.name for p in folder.iterdir() if p.name != LOCK_NAME] == []


def test_a_run_into_a_read_only_folder_fails_cleanly(tmp_path: Path) -> None:
    with tmpfs(tmp_path / "ro", "ro") as folder:
        clean_failure(ftreport("run", str(SAMPLE), "-o", str(folder / "out"),
                               "--iterations", "0"), "read-only file system")


def test_a_run_into_a_path_through_a_file_fails_cleanly(tmp_path: Path) -> None:
    (tmp_path / "plain").write_text("a file")
    clean_failure(ftreport("run", str(SAMPLE), "-o", str(tmp_path / "plain" / "out"),
                           "--iterations", "0"), "a part of the path is a file")


def test_a_long_input_name_whose_outputs_fit_runs(tmp_path: Path) -> None:
    source = tmp_path / ("é" * 118 + ".xlsx")  # its report's name is 248 bytes
    source.write_bytes(SAMPLE.read_bytes())
    done = ftreport("run", str(source), "-o", str(tmp_path / "out"), "--iterations", "0")
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "out" / ("é" * 118 + ".report.xlsx")).is_file()


def complete(path: Path) -> bool:
    if path.suffix == ".pdf":
        return path.read_bytes().rstrip().endswith(b"%%EOF")
    if path.suffix == ".xlsx":
        with zipfile.ZipFile(path) as archive:
            return archive.testzip() is None
    json.loads(path.read_text(encoding="utf-8"))
    return True


@pytest.mark.parametrize("after", [0.8, 1.6, 2.4])
def test_a_killed_run_never_leaves_a_partial_file_under_a_final_name(
        tmp_path: Path, after: float) -> None:
    out = tmp_path / "out"
    with subprocess.Popen([sys.executable, "-m", "ftreport", "run", str(SAMPLE), "-o",
                           str(out), "--iterations", "20000"], cwd=ROOT,
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) as child:
        time.sleep(after)
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    finals = [p for p in out.iterdir() if not p.name.startswith(".")] if out.exists() else []
    assert all(complete(p) for p in finals)
    done = ftreport("run", str(SAMPLE), "-o", str(out), "--iterations", "0", "--no-pdf")
    assert done.returncode == 0, done.stderr
    assert leftovers(out) == []  # the next run removed the killed run's temporary files


def test_two_runs_into_one_folder_never_mix_their_reports(tmp_path: Path) -> None:
    from ftreport.report.summary import find_summary

    other = ROOT / "sample_inputs" / "distillation.xlsx"
    inputs = []
    for folder, source in (("a", SAMPLE), ("b", other)):  # two scenarios, one name
        (tmp_path / folder).mkdir()
        inputs.append(tmp_path / folder / "plan.xlsx")
        inputs[-1].write_bytes(source.read_bytes())
    out = tmp_path / "out"
    runs = [subprocess.Popen([sys.executable, "-m", "ftreport", "run", str(p), "-o", str(out),
                              "--iterations", "2000"], cwd=ROOT, stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, text=True) for p in inputs]
    results = [(r.wait(timeout=300), r.communicate()[1]) for r in runs]
    for code, stderr in results:
        assert code == 0 or (code == 1 and "another ftreport run is writing here" in stderr), \
            stderr
    notes: list[str] = []
    reports = [out / "plan.memo.pdf", out / "plan.report.xlsx"]
    summary = find_summary(reports, notes)
    assert summary is not None and notes == []  # the summary matches both files beside it
    assert set(summary["files"]) == {p.name for p in reports}
