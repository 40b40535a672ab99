"""Recalculate a workbook in real, headless LibreOffice and read back its values.

Each call uses its own LibreOffice profile, set to recalculate every formula on
load, so runs never share state and cached values in the file cannot hide a
wrong formula. A missing LibreOffice is a failure, not a skip: CI installs it.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

# Calc's "Recalculation on file load" for Excel 2007+ files: 0 = always.
PROFILE_SETTINGS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
 xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">
 <prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">
 <prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


def soffice() -> str:
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    raise AssertionError("LibreOffice (soffice) is not installed; .ci/run installs "
                         "libreoffice-calc-nogui")


def recalculate(path: Path, outdir: Path | None = None, timeout: float = 180,
                to: str = "xlsx:Calc MS Excel 2007 XML") -> Path:
    """Open ``path`` in LibreOffice, recalculate everything, save as .xlsx (or as ``to``,
    e.g. "pdf"); return the copy."""
    outdir = Path(outdir or tempfile.mkdtemp(prefix="ftreport-lo-out-"))
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="ftreport-lo-profile-") as profile:
        user = Path(profile) / "user"
        user.mkdir()
        (user / "registrymodifications.xcu").write_text(PROFILE_SETTINGS, encoding="utf-8")
        # Convert a copy with a distinct name: LibreOffice refuses to overwrite its input.
        source = outdir / f"in-{path.name}"
        shutil.copyfile(path, source)
        done = subprocess.run(
            [soffice(), f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
             "--calc", "--convert-to", to, "--outdir",
             str(outdir / "lo"), str(source)],
            capture_output=True, text=True, timeout=timeout, check=False)
        result = (outdir / "lo" / source.name).with_suffix("." + to.split(":")[0])
        if done.returncode != 0 or not result.exists():
            raise AssertionError(f"LibreOffice failed on {path}: {done.stdout}{done.stderr}")
        return result
