"""A catalogue of bad workbooks: each gives one clear problem at the right place, never a
traceback, and the file is left exactly as it was."""

from __future__ import annotations

import io
import json
import os
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from ftreport.cli import main
from ftreport.model.problems import CODES, InputError
from ftreport.workbook.reader import read_workbook
from ftreport.workbook.template import write_template


@pytest.fixture(scope="module")
def good(tmp_path_factory) -> bytes:
    path = tmp_path_factory.mktemp("good") / "support.xlsx"
    write_template(path, example="support")
    return path.read_bytes()


def _problems(path: Path) -> list[str]:
    """Every problem's message without the file name, from one `validate --json` (one read
    of the workbook); asserts exit code 2, no traceback, a known code on every problem and
    the file unchanged. test_plain_validate_prints_each_problem checks the plain output."""
    before = path.read_bytes() if path.is_file() else None
    result = CliRunner().invoke(main, ["validate", "--json", str(path)])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and "unexpected" not in result.output
    if before is not None:
        assert path.read_bytes() == before
    if path.is_dir():  # click itself refuses a folder, with its own clear message
        with pytest.raises(InputError) as caught:
            read_workbook(path)
        problems = [p.to_dict() for p in caught.value.problems]
    else:
        report = json.loads(result.output)
        assert report["valid"] is False
        problems = report["problems"]
    assert all(p["code"] in CODES for p in problems)
    return [p["message"].removeprefix(f"{path}: ") for p in problems]


def test_plain_validate_prints_each_problem(tmp_path, good):
    path = _edited(tmp_path, good, _set(Options_D4="lots", Scenario_C8=-5))
    with pytest.raises(InputError) as caught:
        read_workbook(path)
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert len(caught.value.problems) == 2
    for problem in caught.value.problems:
        assert f"error: {problem}" in result.output
    assert "2 problems found; nothing was written or sent." in result.output


def _edited(tmp_path: Path, good: bytes, change) -> Path:
    wb = load_workbook(io.BytesIO(good))
    change(wb)
    path = tmp_path / "edited.xlsx"
    wb.save(path)
    return path


def test_old_xls_file(tmp_path):
    path = tmp_path / "old.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + b"Workbook".ljust(64))
    assert _problems(path) == ["an .xlsx workbook (open it in Excel or LibreOffice and save "
                               "as .xlsx), got an Excel 97-2003 (.xls) or other OLE2 file"]


def test_csv_renamed_to_xlsx(tmp_path):
    path = tmp_path / "scenario.xlsx"
    path.write_text("name,approach,input_tokens\nFew-shot,prompting,3000\n")
    assert _problems(path)[0].endswith("got a CSV or text file")


def test_random_bytes(tmp_path):
    path = tmp_path / "noise.xlsx"
    path.write_bytes(os.urandom(2048).replace(b"PK", b"pk").lstrip(b"\xd0<"))
    assert _problems(path)[0].endswith(("got a file that is not a workbook",
                                        "got a text file", "got a CSV or text file"))


def test_empty_file(tmp_path):
    path = tmp_path / "empty.xlsx"
    path.write_bytes(b"")
    assert _problems(path) == ["an .xlsx workbook, got an empty file (0 bytes)"]


def test_truncated_zip(tmp_path, good):
    path = tmp_path / "cut.xlsx"
    path.write_bytes(good[: len(good) // 2])
    assert _problems(path) == ["a complete .xlsx workbook, got a damaged or truncated zip file"]


def test_zip_that_is_not_a_workbook(tmp_path):
    path = tmp_path / "doc.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("word/document.xml", "<w:document/>")
    assert _problems(path)[0].endswith("got a Word document")


def test_zip_bomb_is_refused_before_it_is_unpacked(tmp_path, good):
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(io.BytesIO(good)) as source, zipfile.ZipFile(
            path, "w", compression=zipfile.ZIP_DEFLATED) as bomb:
        for item in source.infolist():
            bomb.writestr(item, source.read(item.filename))
        with bomb.open("xl/media/zeros.bin", "w") as zeros:  # 257 MiB packing to ~250 KiB
            block = bytes(2**20)
            for _ in range(257):
                zeros.write(block)
    assert path.stat().st_size < 2 * 2**20
    assert _problems(path) == ["a workbook of at most 256 MiB unpacked, got 257 MiB (a zip bomb?)"]


def test_password_protected_workbook(tmp_path, good):
    # A really encrypted workbook, as Excel writes it (msoffcrypto-tool is a test dependency).
    import msoffcrypto
    from msoffcrypto.format.ooxml import OOXMLFile

    path = tmp_path / "locked.xlsx"
    with path.open("wb") as out:
        OOXMLFile(io.BytesIO(good)).encrypt("secret", out)
    with path.open("rb") as locked:
        assert msoffcrypto.OfficeFile(locked).is_encrypted()
    assert _problems(path) == [
        "a workbook without a password (remove the password in Excel: File > Info > Protect "
        "Workbook, then save), got a password-protected workbook"]


def test_missing_file(tmp_path):
    assert _problems(tmp_path / "nowhere.xlsx") == ["an existing .xlsx workbook, got no such file"]


def test_directory(tmp_path):
    folder = tmp_path / "folder.xlsx"
    folder.mkdir()
    assert _problems(folder) == ["an .xlsx workbook file, got a folder"]


def test_missing_sheet(tmp_path, good):
    path = _edited(tmp_path, good, lambda wb: wb.remove(wb["Factors"]))
    assert _problems(path) == [
        "Factors: an Excel table named Factors on a sheet Factors, got no such sheet"]


def test_missing_table(tmp_path, good):
    path = _edited(tmp_path, good, lambda wb: wb["Uncertainty"].tables.pop("Uncertainty"))
    assert _problems(path) == [
        "Uncertainty: an Excel table named Uncertainty (select the header row and the rows "
        "below, then Insert > Table), got no such table"]


def test_missing_column(tmp_path, good):
    path = _edited(tmp_path, good, lambda wb: wb["Options"].__setitem__("J3", "train_tokens"))
    assert _problems(path) == [
        "Options!A3:Y3: a header cell training_tokens in the Options table's header row, "
        "got none"]


def test_missing_defined_name(tmp_path, good):
    path = _edited(tmp_path, good, lambda wb: wb.defined_names.pop("horizon_days"))
    assert _problems(path) == ['Scenario: a defined name horizon_days on the value cell of '
                               '"Horizon", got no such name']


def _set(**cells):
    def change(wb):
        for key, value in cells.items():
            sheet, coord = key.split("_")
            wb[sheet][coord] = value
    return change


def test_text_in_a_number_cell(tmp_path, good):
    path = _edited(tmp_path, good, _set(Options_F5="four hundred"))
    assert _problems(path) == [
        'Options!F5: output_tokens must be a number >= 0, got "four hundred"']


def test_negative_tokens(tmp_path, good):
    path = _edited(tmp_path, good, _set(Options_J5=-2000))
    assert _problems(path) == ["Options!J5: training_tokens must be a number >= 0, got -2000"]


def test_share_above_one(tmp_path, good):
    path = _edited(tmp_path, good, _set(Options_E4=25))
    assert _problems(path) == ["Options!E4: cached_input_share must be a share between 0 and 1 "
                               "(e.g. 0.25 or 25%), got 25"]


def test_duplicate_option_names(tmp_path, good):
    path = _edited(tmp_path, good, _set(Options_A6="fine-tuned GPT-4.1-mini"))
    assert _problems(path)[:1] == [
        'Options!A6: name must be unique (used again: A5 has the same name), '
        'got "fine-tuned GPT-4.1-mini"']


def test_empty_option_name(tmp_path, good):
    path = _edited(tmp_path, good, _set(Options_A5=None))
    problems = _problems(path)
    assert problems[0] == "Options!A5: name must be text, not blank, got a blank cell"


def test_unknown_baseline(tmp_path, good):
    path = _edited(tmp_path, good, _set(Scenario_C11="Few-shot gpt-5"))
    assert _problems(path) == ['Scenario!C11: baseline_option must be the name of an option in '
                               'the Options table, got "Few-shot gpt-5"']


def test_no_options(tmp_path, good):
    def clear(wb):
        for row in wb["Options"].iter_rows(min_row=4):
            for cell in row:
                cell.value = None
        wb["Scenario"]["C11"] = None
        for row in wb["Uncertainty"].iter_rows(min_row=4):
            if row[1].value:
                for cell in row:
                    cell.value = None
    path = _edited(tmp_path, good, clear)
    assert _problems(path) == ["Options!A3:Y3: at least one option: a row in the Options table "
                               "below its header row, got none"]


def test_unknown_distribution(tmp_path, good):
    path = _edited(tmp_path, good, _set(Uncertainty_C4="bell"))
    assert _problems(path) == ['Uncertainty!C4: distribution must be one of fixed, uniform, '
                               'integer, normal, triangular, pert, lognormal, poisson, got "bell"']


def test_inverted_uniform(tmp_path, good):
    path = _edited(tmp_path, good, _set(Uncertainty_D7=5_000_000, Uncertainty_E7=1_000_000))
    assert _problems(path) == ["Uncertainty!E7: p2 must be the max, at least the min in p1 "
                               "(5e+06), got 1000000"]


def test_uncertain_input_unknown_and_option_unknown(tmp_path, good):
    path = _edited(tmp_path, good, _set(Uncertainty_A4="volume", Uncertainty_B7="Nobody"))
    problems = _problems(path)
    assert problems[0].startswith('Uncertainty!A4: input must be an input that may vary: one of '
                                  'requests_per_day, monthly_growth')
    assert problems[1] == ('Uncertainty!B7: option must be the name of an option in the Options '
                           'table, or *, got "Nobody"')


def test_distribution_parameters_missing_or_out_of_order(tmp_path, good):
    path = _edited(tmp_path, good, _set(Uncertainty_E4=50_000, Uncertainty_F6=3))
    assert _problems(path) == [
        "Uncertainty!E4: p2 must be the mode, between the min (12000) and the max (35000), "
        "got 50000",
        "Uncertainty!F6: p3 must be blank: normal takes p1 mean, p2 sd, got 3"]


def test_trim_percentiles_out_of_order(tmp_path, good):
    path = _edited(tmp_path, good, _set(Scenario_C15=95, Scenario_C16=5))
    assert _problems(path) == ["Scenario!C16: trim_high_pct must be greater than trim_low_pct "
                               "(95), got 5"]
