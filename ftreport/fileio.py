"""Writing files so that a failure never leaves a half-written one behind."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def atomic_write(target: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; on success it replaces ``target``.

    The temporary file lives in the same folder, so the final rename is atomic:
    readers see the old file or the new one, never a part. On any exception the
    temporary file is removed and ``target`` is left as it was.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    temp = Path(name)
    try:
        yield temp
        if target.exists():
            # Keep the permissions the user gave the file they already had.
            os.chmod(temp, target.stat().st_mode & 0o7777)
        else:
            os.chmod(temp, 0o666 & ~_umask())
        os.replace(temp, target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def report_stem(path: Path) -> str:
    """``Q3 plan.xlsx`` -> ``Q3 plan``: the name the outputs share."""
    return path.name[: -len(path.suffix)] if path.suffix else path.name


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
