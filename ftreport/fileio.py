"""Writing files so that a failure never leaves a half-written one behind.

- ``atomic_write``: a temporary file beside the target, renamed over it when complete;
  any failure removes it, and a file-system fault (full disk, read-only folder, a path
  through a file, a name too long) becomes a ReportError saying what to do.
- Temporary names carry the writer's process id, so a later run can tell the leftovers
  of a killed run (``remove_stale_temporaries``) from another live run's files.
- ``folder_lock``: one ftreport run at a time writes into a folder.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import re
import secrets
from collections.abc import Iterator
from pathlib import Path

from ftreport.model.problems import ReportError, WriteError

TEMP_SUFFIX = ".tmp"
MAX_NAME_BYTES = 255  # of one path component, on every common file system
LOCK_NAME = ".ftreport.lock"
# ".<name>.<pid>-<random>.tmp": the pid tells a killed run's leftovers from a live run's.
_TEMP = re.compile(r"^\.(?P<name>.*)\.(?P<pid>\d+)-[0-9a-f]{8}\.tmp$", re.DOTALL)


def report_stem(path: Path) -> str:
    """``Q3 plan.xlsx`` -> ``Q3 plan``: the name the outputs share. A report given as
    input keeps its scenario's name (``Q3 plan.report.xlsx`` -> ``Q3 plan``), so a run on
    it never writes ``Q3 plan.report.report.xlsx``."""
    stem = path.name[: -len(path.suffix)] if path.suffix else path.name
    return stem[: -len(".report")] if stem.lower().endswith(".report") and len(stem) > 7 \
        else stem


def temporary_name(target: Path) -> str:
    """A hidden temporary name beside ``target``, within the 255-byte limit of a name
    (a long target name is shortened in the temporary name only)."""
    tail = f".{os.getpid()}-{secrets.token_hex(4)}{TEMP_SUFFIX}"
    room = MAX_NAME_BYTES - len(tail.encode()) - 1
    name = target.name.encode("utf-8")[:room].decode("utf-8", "ignore")
    return f".{name}{tail}"


def os_error_message(path: Path, exc: OSError) -> str:
    """What went wrong writing ``path`` and what to do, in the user's words."""
    advice = {
        errno.ENOSPC: "the disk is full; free some space or write to another folder (-o)",
        errno.EDQUOT: "the disk quota is used up; free some space or write elsewhere (-o)",
        errno.EROFS: "the folder is on a read-only file system; write to another folder (-o)",
        errno.EACCES: "permission denied; write to a folder you may write to (-o)",
        errno.EPERM: "permission denied; write to a folder you may write to (-o)",
        errno.ENOTDIR: "a part of the path is a file, not a folder; choose another folder (-o)",
        errno.ENAMETOOLONG: "the name is too long for this file system; rename the input "
                            "workbook or choose a shorter output folder",
        errno.EISDIR: "a folder of that name is in the way; remove it or write elsewhere",
    }.get(exc.errno or 0, f"cannot write it ({exc.strerror or exc})")
    return f"{path}: {advice}"


@contextlib.contextmanager
def atomic_write(target: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; on success it replaces ``target``.

    The temporary file lives in the same folder, so the final rename is atomic:
    readers see the old file or the new one, never a part. On any exception the
    temporary file is removed and ``target`` is left as it was; an OSError (from
    making the folder, writing or renaming) becomes a ReportError naming the path.
    """
    target = Path(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        temp = target.parent / temporary_name(target)
        os.close(os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except OSError as exc:
        raise WriteError(os_error_message(target, exc)) from exc
    try:
        yield temp
        if target.exists():
            # Keep the permissions the user gave the file they already had.
            os.chmod(temp, target.stat().st_mode & 0o7777)
        else:
            os.chmod(temp, 0o666 & ~_umask())
        os.replace(temp, target)
    except OSError as exc:
        temp.unlink(missing_ok=True)
        raise WriteError(os_error_message(target, exc)) from exc
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's live process
    return True


def remove_stale_temporaries(folder: str | Path) -> list[Path]:
    """Remove the temporary files that killed ftreport runs left in ``folder`` (their
    process is gone); a live run's are kept. Returns what was removed."""
    removed = []
    with contextlib.suppress(FileNotFoundError, NotADirectoryError):
        for entry in Path(folder).iterdir():
            match = _TEMP.match(entry.name)
            if match and entry.is_file() and not entry.is_symlink() \
                    and not _alive(int(match["pid"])):
                with contextlib.suppress(FileNotFoundError):
                    entry.unlink()
                    removed.append(entry)
    return removed


@contextlib.contextmanager
def folder_lock(folder: str | Path) -> Iterator[None]:
    """Hold ``folder``'s ftreport lock while writing into it; refuse (ReportError) when
    another run holds it. The lock is the kernel's (flock): a killed run releases it."""
    folder = Path(folder)
    path = folder / LOCK_NAME
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise WriteError(os_error_message(path, exc)) from exc
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ReportError(f"{folder}: another ftreport run is writing here; wait for it "
                              "to finish, then run again (or write to another folder with -o)"
                              ) from None
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
