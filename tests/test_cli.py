"""The command line is a thin layer: it parses, calls the library, prints."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import ftreport
from ftreport.cli import main

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "sample_inputs").glob("*.xlsx"))
HEAVY = ("numpy", "pandas", "weasyprint", "formulas", "openpyxl", "dask", "distributed")


def imported_modules(*args: str) -> set[str]:
    code = ("import sys\nfrom ftreport.cli import main\n"
            f"try:\n    main({list(args)!r})\nexcept SystemExit:\n    pass\n"
            "print(' '.join(sorted(m.split('.')[0] for m in sys.modules)))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=ROOT, check=True)
    return set(done.stdout.split("\n")[-2].split())


@pytest.mark.parametrize("args", [["--help"], ["run", "--help"], ["--version"]])
def test_help_does_not_load_heavy_libraries(args: list[str]) -> None:
    assert not set(HEAVY) & imported_modules(*args)


def test_validate_does_not_load_weasyprint_or_pandas() -> None:
    loaded = imported_modules("validate", str(SAMPLES[0]))
    assert "weasyprint" not in loaded and "pandas" not in loaded


def test_version_is_the_package_version() -> None:
    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0 and ftreport.__version__ in result.output


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_run_json_equals_the_library_call(sample: Path) -> None:
    result = CliRunner().invoke(main, ["run", str(sample), "--json", "--iterations", "2000"])
    assert result.exit_code == 0, result.output
    expected = ftreport.run(sample, iterations=2000).to_dict()
    assert json.loads(result.output) == json.loads(json.dumps(expected))


def test_samples_are_bundled() -> None:
    assert {p.stem for p in SAMPLES} >= {"seed-000-replica", "customer-support", "distillation"}


def test_unexpected_errors_are_one_line_without_traceback_unless_debug(tmp_path: Path) -> None:
    folder = tmp_path / "a-folder.xlsx"
    folder.mkdir()
    result = CliRunner().invoke(main, ["validate", str(folder)])
    assert result.exit_code == 2
    assert "Traceback" not in result.output and "a-folder.xlsx" in result.output


def test_run_without_an_output_says_where_the_reports_could_go(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["run", str(SAMPLES[0]), "--iterations", "0"])
    assert result.exit_code == 2 and "-o OUTDIR" in result.output and "--json" in result.output
    assert "Traceback" not in result.output

