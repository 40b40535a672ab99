"""The memo is printed with Python's cycle collector paused (a sixth of its CPU went to
the collector's passes, bench/bench_memo.py), and the collector is back as it was after,
also when printing fails."""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Any

import pytest

from ftreport.report.fetch import TemplateFetcher
from ftreport.report.render import collector_paused, html_to_pdf
from ftreport.report.templates import template_roots


class RecordingFetcher(TemplateFetcher):
    """Notes whether the collector runs while WeasyPrint fetches the page's image."""

    def __init__(self, roots: list[Path]) -> None:
        super().__init__(roots)
        self.collector_on: list[bool] = []

    def fetch(self, url: str, headers: Any = None) -> Any:
        self.collector_on.append(gc.isenabled())
        return super().fetch(url, headers)


def test_the_render_runs_with_the_collector_paused_and_restores_it() -> None:
    roots = template_roots(None)
    fetcher = RecordingFetcher(roots)
    pixel = ("data:image/svg+xml,<svg xmlns='http://www.w3.org/2000/svg' width='4' "
             "height='4'><rect width='4' height='4'/></svg>")
    assert gc.isenabled()
    pdf = html_to_pdf(f"<p>Memo</p><img src=\"{pixel}\" alt=\"a square\">", roots, fetcher)
    assert pdf.startswith(b"%PDF")
    assert fetcher.collector_on == [False]
    assert gc.isenabled()


def test_the_collector_comes_back_after_a_failure_and_stays_off_if_it_was() -> None:
    with pytest.raises(RuntimeError), collector_paused():
        assert not gc.isenabled()
        raise RuntimeError("the render failed")
    assert gc.isenabled()
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
