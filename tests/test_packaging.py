"""A plain, non-editable `pip install .` into a fresh virtual environment works,
and the installed command finds its templates and data outside the checkout."""

from __future__ import annotations

import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.install
def test_fresh_install_inits_validates_and_runs(tmp_path: Path) -> None:
    source = tmp_path / "src"
    # Copy what git tracks plus the working tree's files, without build leftovers.
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(
        ".venv", ".git", "out", "build", "*.egg-info", "__pycache__", ".hypothesis"))
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    bin_dir = env_dir / "bin"
    subprocess.run([bin_dir / "python", "-m", "pip", "install", "-q", str(source)],
                   check=True, capture_output=True, timeout=900)
    work = tmp_path / "elsewhere"
    work.mkdir()

    def ftreport(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([bin_dir / "ftreport", *args], cwd=work, capture_output=True,
                              text=True, timeout=300, check=False)

    assert ftreport("init", "x.xlsx").returncode == 0
    checked = ftreport("validate", "x.xlsx")
    assert checked.returncode == 0, checked.stderr
    ran = ftreport("run", str(ROOT / "sample_inputs" / "customer-support.xlsx"), "-o", "out",
                   "--iterations", "1000")
    assert ran.returncode == 0, ran.stderr
    assert (work / "out" / "customer-support.memo.pdf").stat().st_size > 10_000
    assert (work / "out" / "customer-support.report.xlsx").exists()
    # The email templates load from the installed package too.
    drafted = ftreport("send", "out", "--to", "cfo@example.com", "--eml", "draft.eml")
    assert drafted.returncode == 0, drafted.stderr
    assert "customer-support.memo.pdf" in (work / "draft.eml").read_text()
    # The installed package, not the checkout, was used.
    where = subprocess.run([bin_dir / "python", "-c", "import ftreport; print(ftreport.__file__)"],
                           cwd=work, capture_output=True, text=True, check=True).stdout
    assert str(env_dir) in where and sys.prefix not in where
