"""`ftreport run --no-pdf` loads what the work needs and no more (bench/bench_startup.py
measures the time): none of the libraries only other commands or the memo use."""

from __future__ import annotations

from pathlib import Path

from tests.test_cli import SAMPLES, imported_modules

# The memo (jinja2, WeasyPrint and what it loads), email, batch (Dask), price imports.
NOT_FOR_A_RUN_WITHOUT_PDF = ("weasyprint", "jinja2", "markupsafe", "fontTools", "pydyf",
                             "tinycss2", "cssselect2", "cffi", "email", "smtplib", "ssl",
                             "pandas", "formulas", "dask", "distributed")


def test_run_without_pdf_does_not_load_the_memo_mail_or_batch_libraries(tmp_path: Path,
                                                                          ) -> None:
    loaded = imported_modules("run", str(SAMPLES[0]), "-o", str(tmp_path), "--no-pdf")
    assert (tmp_path / f"{SAMPLES[0].stem}.report.xlsx").exists()  # the run did its work
    assert not set(NOT_FOR_A_RUN_WITHOUT_PDF) & loaded


def test_a_run_with_the_memo_loads_weasyprint(tmp_path: Path) -> None:
    # The probe sees imports: the memo's own libraries do show up when it is written.
    loaded = imported_modules("run", str(SAMPLES[0]), "-o", str(tmp_path))
    assert {"weasyprint", "jinja2"} <= loaded
