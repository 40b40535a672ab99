"""A template folder may come from anyone: ftreport reads only files whose real path lies
inside it (or ours), and a template that fails says which one and where, exit 2.

A marker file outside the folders holds a secret; it must never reach any output."""

from __future__ import annotations

import secrets
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from ftreport.cli import main
from ftreport.report.templates import bundled_template_dir

SAMPLE = Path(__file__).resolve().parent.parent / "sample_inputs" / "customer-support.xlsx"


@pytest.fixture
def secret(tmp_path: Path) -> tuple[Path, str]:
    token = secrets.token_hex(8)
    outside = tmp_path / "outside"
    outside.mkdir()
    marker = outside / "cover.html.j2"
    marker.write_text(f"SECRET-{token}", encoding="utf-8")
    return marker, f"SECRET-{token}"


def run_with(tmp_path: Path, custom: Path) -> tuple[int, str, Path]:
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["run", str(SAMPLE), "-o", str(out), "--iterations", "0",
                                       "--template-dir", str(custom)])
    assert "Traceback" not in result.output and "unexpected" not in result.output
    return result.exit_code, result.output, out


def nothing_leaked(out: Path, token: str) -> None:
    for path in out.rglob("*") if out.exists() else []:
        if path.suffix == ".pdf":
            text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True,
                                  text=True, check=True).stdout
            assert token not in text
        elif path.is_file():
            assert token.encode() not in path.read_bytes()


def test_a_template_linked_out_of_the_folder_is_refused(tmp_path, secret) -> None:
    marker, token = secret
    custom = tmp_path / "custom"
    (custom / "partials").mkdir(parents=True)
    (custom / "partials" / "cover.html.j2").symlink_to(marker)
    code, output, out = run_with(tmp_path, custom)
    assert code == 2 and "refused: it leads to" in output and str(marker) in output
    assert not (out / "customer-support.memo.pdf").exists()
    nothing_leaked(out, token)


def test_a_folder_linked_into_the_template_folder_is_refused(tmp_path, secret) -> None:
    marker, token = secret
    custom = tmp_path / "custom"
    custom.mkdir()
    (custom / "partials").symlink_to(marker.parent)
    code, output, out = run_with(tmp_path, custom)
    assert code == 2 and "outside the template folder" in output
    nothing_leaked(out, token)


def test_an_include_climbing_out_with_dots_is_refused(tmp_path, secret) -> None:
    _, token = secret
    custom = tmp_path / "custom"
    custom.mkdir()
    ours = (bundled_template_dir() / "memo.html.j2").read_text(encoding="utf-8")
    (custom / "memo.html.j2").write_text(
        ours.replace("<body>", '<body>{% include "../outside/cover.html.j2" %}', 1))
    code, output, out = run_with(tmp_path, custom)
    assert code == 2 and "memo.html.j2" in output and "TemplateNotFound" in output
    nothing_leaked(out, token)


@pytest.mark.parametrize("body, words", [
    ("{{ ''.__class__.__mro__ }}", "the sandbox forbids"),
    ('{% include "partials/no-such-part.html.j2" %}',
     "includes partials/no-such-part.html.j2, a template that is in none"),
    ("{% if %}", "not a valid Jinja template"),
])
def test_a_failing_template_is_named_with_its_line(tmp_path, body, words) -> None:
    custom = tmp_path / "custom"
    (custom / "partials").mkdir(parents=True)
    (custom / "partials" / "cover.html.j2").write_text(f"<p>first line</p>\n{body}\n")
    code, output, _ = run_with(tmp_path, custom)
    assert code == 2, output
    assert words in output and "cover.html.j2" in output
    assert "line 2" in output


def test_an_email_template_linked_out_of_the_folder_is_refused(tmp_path, secret) -> None:
    marker, _ = secret
    out = tmp_path / "reports"
    assert CliRunner().invoke(main, ["run", str(SAMPLE), "-o", str(out), "--iterations", "0",
                                     "--no-pdf"]).exit_code == 0
    custom = tmp_path / "custom"
    custom.mkdir()
    (custom / "email.txt.j2").symlink_to(marker)
    draft = tmp_path / "draft.eml"
    result = CliRunner().invoke(main, ["send", str(out / "customer-support.report.xlsx"),
                                       "--to", "cfo@example.com", "--eml", str(draft),
                                       "--template-dir", str(custom)])
    assert result.exit_code == 2 and "refused: it leads to" in result.output
    assert not draft.exists()
