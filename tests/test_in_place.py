"""Never lose the analyst's work: in-place writes refuse whatever the saved copy would
lose (found by comparing packages, not from a list), sheets of the analyst's that share
an output sheet's name are never replaced, read-only files are refused, links are
written through, and a file that changed under us is never mixed into a report."""

from __future__ import annotations

import os
import re
import shutil
import stat
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from ftreport.cli import main
from ftreport.fileio import LOCK_NAME
from ftreport.model.problems import ReportError
from ftreport.model.results import RunResult
from ftreport.workbook._xlsx import sheet_parts
from ftreport.workbook.reader import read_workbook
from ftreport.workbook.writer import write_report

SAMPLE = Path(__file__).resolve().parent.parent / "sample_inputs" / "customer-support.xlsx"


def copy_sample(tmp_path: Path, name: str = "scenario.xlsx") -> Path:
    path = tmp_path / name
    shutil.copyfile(SAMPLE, path)
    return path


def rewrite_part(path: Path, part: str, change) -> None:
    """Rewrite one XML part of the package at ``path`` as Excel would have written it."""
    temp = path.with_name("rewritten.xlsx")
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(temp, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == part:
                data = change(data.decode("utf-8")).encode("utf-8")
            out.writestr(item, data)
    temp.replace(path)


def sheet_part(path: Path, title: str) -> str:
    with zipfile.ZipFile(path) as archive:
        return sheet_parts(archive)[title]


def run_in_place(path: Path) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["run", str(path), "--in-place", "--no-pdf",
                                       "--iterations", "0"])
    assert "Traceback" not in result.output and "unexpected" not in result.output
    return result.exit_code, result.output


def test_features_openpyxl_would_drop_are_named_and_nothing_is_written(tmp_path: Path) -> None:
    path = copy_sample(tmp_path)
    options = sheet_part(path, "Options")
    rewrite_part(path, options, lambda xml: xml.replace("</worksheet>", (
        '<protectedRanges><protectedRange name="Prices" sqref="G4:I9"/></protectedRanges>'
        '<customSheetViews><customSheetView guid="{00000000-0000-0000-0000-000000000001}" '
        'scale="80"/></customSheetViews>'
        '<cellWatches><cellWatch r="D4"/></cellWatches>'
        '<ignoredErrors><ignoredError sqref="D4:D9" numberStoredAsText="1"/></ignoredErrors>'
        "</worksheet>")))
    rewrite_part(path, "xl/workbook.xml", lambda xml: re.sub(
        r"(<workbook[^>]*>)", r'\1<fileSharing readOnlyRecommended="1" userName="Ann"/>',
        xml, count=1).replace("</workbook>", (
            '<customWorkbookViews><customWorkbookView name="Ann" '
            'guid="{00000000-0000-0000-0000-000000000002}" windowWidth="800" '
            'windowHeight="600" activeSheetId="1"/></customWorkbookViews></workbook>')))
    before = path.read_bytes()
    code, output = run_in_place(path)
    assert code == 1, output
    for words in ("protected ranges in sheet Options", "custom sheet views in sheet Options",
                  "cell watches in sheet Options", "ignored-error marks in sheet Options",
                  "file sharing settings in the workbook",
                  "custom workbook views in the workbook"):
        assert words in output
    assert path.read_bytes() == before
    # Nothing written beside it but the folder's lock file (hidden, empty).
    assert sorted(p.name for p in tmp_path.iterdir()) == [LOCK_NAME, "scenario.xlsx"]


def test_a_plain_workbook_is_written_in_place_and_rerun(tmp_path: Path) -> None:
    path = copy_sample(tmp_path)
    assert run_in_place(path)[0] == 0
    assert run_in_place(path)[0] == 0  # our own output sheets and chart do not block it
    assert load_workbook(path).sheetnames.count("Results") == 1


@pytest.mark.parametrize("title", ["Timeline", "constants", "RESULTS"])
def test_an_analysts_sheet_named_like_an_output_sheet_is_never_replaced(
        tmp_path: Path, title: str) -> None:
    path = copy_sample(tmp_path)
    wb = load_workbook(path)
    wb.create_sheet(title)["A1"] = "the analyst's own notes"
    wb.save(path)
    before = path.read_bytes()
    for args in (["--in-place"], ["-o", str(tmp_path / "out")]):
        result = CliRunner().invoke(main, ["run", str(path), "--no-pdf", "--iterations", "0",
                                           *args])
        assert result.exit_code == 2, result.output
        assert f"{path}: {title}: " in result.output and "rename yours" in result.output
        assert "Traceback" not in result.output
    assert path.read_bytes() == before
    assert not (tmp_path / "out" / "scenario.report.xlsx").exists()


def test_a_read_only_file_is_refused_in_place(tmp_path: Path) -> None:
    path = copy_sample(tmp_path)
    path.chmod(0o444)
    before = path.read_bytes()
    code, output = run_in_place(path)
    assert code == 1 and "read-only" in output
    assert path.read_bytes() == before and stat.S_IMODE(path.stat().st_mode) == 0o444


def test_in_place_through_a_link_writes_the_real_file_and_keeps_the_link(
        tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    real = copy_sample(tmp_path / "real")
    real.chmod(0o640)
    link = tmp_path / "link.xlsx"
    link.symlink_to(real)
    assert run_in_place(link)[0] == 0
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert "Results" in load_workbook(real).sheetnames
    assert stat.S_IMODE(real.stat().st_mode) == 0o640


def test_a_workbook_replaced_while_ftreport_runs_is_never_mixed_into_a_report(
        tmp_path: Path) -> None:
    from ftreport.engine.analysis import analyse

    path = copy_sample(tmp_path)
    result = RunResult(analyse(read_workbook(path)))
    wb = load_workbook(path)  # Excel saves the file again meanwhile
    wb["Scenario"]["C8"] = 123
    wb.save(path)
    for target, in_place in ((tmp_path / "scenario.report.xlsx", False), (path, True)):
        with pytest.raises(ReportError, match="changed after ftreport read it"):
            write_report(result, target, in_place=in_place)
    assert not (tmp_path / "scenario.report.xlsx").exists()


@pytest.mark.libreoffice
def test_a_workbook_saved_by_libreoffice_is_not_refused_for_bookkeeping(tmp_path: Path) -> None:
    from tests.support.libreoffice import recalculate

    saved = recalculate(SAMPLE, tmp_path / "lo")
    path = tmp_path / "scenario.xlsx"
    shutil.copyfile(saved, path)
    code, output = run_in_place(path)
    assert code == 0, output
