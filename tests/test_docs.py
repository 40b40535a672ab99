"""The documentation keeps up with the code it describes."""

from __future__ import annotations

from pathlib import Path

from ftreport.model.problems import CODES

DOCS = Path(__file__).resolve().parent.parent / "docs"


def test_every_problem_code_is_documented() -> None:
    text = (DOCS / "problems.md").read_text(encoding="utf-8")
    assert all(f"`{code}`" in text for code in CODES)
