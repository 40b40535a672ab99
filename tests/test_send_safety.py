"""`send` attaches only what ftreport wrote: regular files that are what their names say,
names without line breaks; a damaged summary is named, never trusted; a subject or input
name with a line break of any kind is refused before anything is computed."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from ftreport.cli import main

SAMPLE = Path(__file__).resolve().parent.parent / "sample_inputs" / "customer-support.xlsx"
BREAKS = ["\r", "\n", "\x85", "\u2028"]


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("out")
    done = CliRunner().invoke(main, ["run", str(SAMPLE), "-o", str(out), "--iterations", "0"])
    assert done.exit_code == 0, done.output
    return out


def draft(*args: str, to: Path) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["send", *args, "--to", "cfo@example.com",
                                       "--eml", str(to)])
    assert "Traceback" not in result.output and "unexpected" not in result.output
    return result.exit_code, result.output


def test_a_link_named_like_a_report_is_refused(tmp_path: Path) -> None:
    secret = tmp_path / "notes.txt"
    secret.write_text("private notes")
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "starter.memo.pdf").write_bytes(b"%PDF-1.7\n%%EOF\n")
    (folder / "starter.report.xlsx").symlink_to(secret)
    for given in (folder / "starter.report.xlsx", folder):
        code, output = draft(str(given), to=tmp_path / "d.eml")
        assert code == 2 and "not a link" in output, output
    assert not (tmp_path / "d.eml").exists()


@pytest.mark.parametrize("name, content", [("memo.memo.pdf", b"<html>not a pdf</html>"),
                                           ("plan.report.xlsx", b"%PDF-1.7 a pdf")])
def test_a_file_that_is_not_what_its_name_says_is_refused(tmp_path: Path, name: str,
                                                          content: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    code, output = draft(str(path), to=tmp_path / "d.eml")
    assert code == 2 and "as its name says" in output
    assert not (tmp_path / "d.eml").exists()


@pytest.mark.parametrize("brk", BREAKS, ids=repr)
def test_an_attachment_name_with_a_line_break_is_refused(reports: Path, tmp_path: Path,
                                                         brk: str) -> None:
    path = tmp_path / f"plan{brk}Bcc: x.memo.pdf"
    shutil.copyfile(reports / "customer-support.memo.pdf", path)
    code, output = draft(str(path), to=tmp_path / "d.eml")
    assert code == 2 and "whose name has no line breaks" in output


@pytest.mark.parametrize("brk", BREAKS, ids=repr)
def test_a_subject_with_a_line_break_is_refused(reports: Path, tmp_path: Path,
                                                brk: str) -> None:
    code, output = draft(str(reports), "--subject", f"Plan{brk}Bcc: x@example.com",
                         to=tmp_path / "d.eml")
    assert code == 2 and "subject must be text on one line" in output


@pytest.mark.parametrize("brk", BREAKS, ids=repr)
def test_run_email_to_refuses_an_input_name_with_a_line_break_before_computing(
        tmp_path: Path, brk: str) -> None:
    source = tmp_path / f"plan{brk}x.xlsx"
    shutil.copyfile(SAMPLE, source)
    result = CliRunner().invoke(main, ["run", str(source), "-o", str(tmp_path / "out"),
                                       "--email-to", "cfo@example.com", "--smtp-host",
                                       "127.0.0.1", "--email-from", "a@example.com"])
    assert result.exit_code == 2 and "whose name has no line breaks" in result.output
    assert not (tmp_path / "out").exists()  # nothing computed or written


def test_a_damaged_summary_is_named_and_not_used(reports: Path, tmp_path: Path) -> None:
    folder = tmp_path / "out"
    shutil.copytree(reports, folder)
    summary_path = folder / "customer-support.summary.json"
    summary = json.loads(summary_path.read_text())
    summary["total_cost"] = "lots"
    summary_path.write_text(json.dumps(summary))
    code, output = draft(str(folder), to=tmp_path / "d.eml")
    assert code == 0, output
    assert "it is damaged (total_cost holds str" in output and "run ftreport again" in output
    assert "lots" not in (tmp_path / "d.eml").read_text(encoding="utf-8")
