"""Time the PDF memo against a one-page WeasyPrint baseline, for a sample and for 20 options.

    python bench/bench_memo.py [sample_inputs/customer-support.xlsx] [--repeat 3] [--profile]

The workbook is read and simulated once (not timed); then the memo is rendered
``repeat`` times and the best CPU time is set against the best CPU time of a
minimal one-page HTML document printed by WeasyPrint in the same process, so the
ratio means the same on a fast or a busy machine. The same is done for the
workbook's options copied to 20 (prices varied, so each is a real column).
Goals (issue 16): at most 40x for the support sample, at most 60x (1.5 times that)
for 20 options. ``--profile`` prints where WeasyPrint's time goes (cProfile).

For scale, the sample's own memo HTML is also printed with its stylesheet taken out
(WeasyPrint's defaults: plain blocks, content-sized tables), then without its charts
too, and a plain table of 450 rows is printed: what the content alone costs to print,
whatever the CSS. All three go through the memo's own printing (PDF/UA, the same
fetcher and fonts).
"""

from __future__ import annotations

import argparse
import cProfile
import dataclasses
import os
import pstats
import re
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from ftreport.engine.analysis import analyse  # noqa: E402
from ftreport.engine.simulation import simulate  # noqa: E402
from ftreport.model import ScenarioBook  # noqa: E402
from ftreport.model.results import RunResult  # noqa: E402
from ftreport.report import write_memo  # noqa: E402
from ftreport.report.render import html_to_pdf, render_html  # noqa: E402
from ftreport.report.templates import template_roots  # noqa: E402
from ftreport.workbook.reader import read_workbook  # noqa: E402

BASELINE_HTML = "<!DOCTYPE html><html><body><h1>Baseline</h1><p>One page.</p></body></html>"
GOAL, WIDE_GOAL, WIDE_OPTIONS = 40.0, 60.0, 20
# Where the time goes: (label, pattern of "file:function" of the phase's entry point).
PHASES = (
    ("templates and view model (Jinja)", r"ftreport/report/render\.py:render_html$"),
    ("styling (cascade, computed styles)", r"css/__init__\.py:get_all_computed_styles$"),
    ("layout", r"layout/__init__\.py:layout_document$"),
    ("  of which tables", r"layout/table\.py:table_layout$"),
    ("drawing and writing the PDF", r"weasyprint/document\.py:write_pdf$"),
    ("  of which SVG charts", r"weasyprint/svg/__init__\.py:draw$"),
    ("  of which PDF/UA tags", r"weasyprint/pdf/tags\.py:add_tags$"),
    ("  of which fonts", r"weasyprint/pdf/fonts\.py:.*"),
)


def best_cpu(repeat: int, work: Callable[[], object]) -> float:
    """Best CPU seconds of ``repeat`` calls."""
    cpus = []
    for _ in range(repeat):
        cpu = time.process_time()
        work()
        cpus.append(time.process_time() - cpu)
    return min(cpus)


def widened(book: ScenarioBook, count: int) -> ScenarioBook:
    """``book`` with its options copied round to ``count``, each a little dearer."""
    options = [dataclasses.replace(book.options[i % len(book.options)],
                                   name=f"{book.options[i % len(book.options)].name} #{i + 1}",
                                   price_output_per_1m=book.options[i % len(book.options)]
                                   .price_output_per_1m * (1 + i / 100))
               for i in range(count)]
    options[:len(book.options)] = book.options  # the originals keep their names
    return dataclasses.replace(book, options=options, uncertainty=[
        u for u in book.uncertainty if u.option in (None, "*")], option_cells=[],
        book_priced=[])


def prepared(book: ScenarioBook) -> RunResult:
    result = RunResult(analyse(book))
    if book.scenario.mc_iterations > 0:
        result.simulation = simulate(book, result.analysis)
    return result


def phases(result: RunResult, target: Path) -> list[tuple[str, float]]:
    """Each phase's share of one memo's time, from cProfile's cumulative times."""
    profile = cProfile.Profile()
    profile.runcall(write_memo, result, target)
    stats = pstats.Stats(profile).stats  # type: ignore[attr-defined]
    total = max(v[3] for k, v in stats.items() if k[2] == "write_memo")
    return [(label, sum(v[3] for k, v in stats.items() if re.search(pattern,
                                                                     f"{k[0]}:{k[2]}")) / total)
            for label, pattern in PHASES]


def floors(memo_html: str) -> list[tuple[str, str]]:
    """Documents that show what printing costs whatever the memo's CSS: its own HTML
    without the stylesheet, that without the charts too, and a plain table."""
    unstyled = re.sub(r"<style>.*?</style>", "", memo_html, flags=re.S)
    row = "<tr><th>Option {0}</th>" + "<td>$1{0:03d},{1:03d}</td>" * 5 + "</tr>"
    table = "".join(row.format(i, 7 * i % 1000) for i in range(450))
    return [("the same memo's HTML without its stylesheet", unstyled),
            ("  and without its charts", re.sub(r"<svg.*?</svg>", "", unstyled, flags=re.S)),
            ("a plain table of 450 rows by 6 cells, no stylesheet",
             f"<!DOCTYPE html><html lang=\"en\"><body><table>{table}</table></body></html>")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("workbook", nargs="?", type=Path,
                        default=REPO / "sample_inputs" / "customer-support.xlsx")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1767225600")

    book = read_workbook(args.workbook)
    cases = {args.workbook.name: prepared(book),
             f"{WIDE_OPTIONS} options": prepared(widened(book, WIDE_OPTIONS))}

    from weasyprint import HTML

    HTML(string=BASELINE_HTML).write_pdf()  # loads fonts and Pango once, outside the timing
    baseline = best_cpu(args.repeat, lambda: HTML(string=BASELINE_HTML).write_pdf())
    print(f"baseline one-page HTML: {baseline:.3f} s CPU")
    ratios = {}
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "memo.pdf"
        for name, result in cases.items():
            write_memo(result, target)  # warm-up: template compilation, font caches
            cpu = best_cpu(args.repeat, lambda r=result: write_memo(r, target))
            ratios[name] = cpu / baseline
            print(f"memo for {name}: {cpu:.3f} s CPU, {target.stat().st_size:,} bytes, "
                  f"ratio {ratios[name]:.1f}x")
            if args.profile:
                for label, share in phases(result, target):
                    print(f"    {label:38s} {share:6.1%}")
        roots = template_roots(None)
        for label, html in floors(render_html(cases[args.workbook.name])):
            cpu = best_cpu(args.repeat, lambda h=html: html_to_pdf(h, roots))
            print(f"{label}: {cpu:.3f} s CPU, ratio {cpu / baseline:.1f}x")
    support, wide = ratios.values()
    print(f"goal {GOAL:.0f}x for {args.workbook.name}: {'met' if support <= GOAL else 'NOT met'}")
    print(f"goal {WIDE_GOAL:.0f}x for {WIDE_OPTIONS} options: "
          f"{'met' if wide <= WIDE_GOAL else 'NOT met'}")
    print(f"goal {WIDE_GOAL / GOAL:.1f} times the sample for {WIDE_OPTIONS} options: "
          f"{'met' if wide / support <= WIDE_GOAL / GOAL else 'NOT met'} "
          f"({wide / support:.2f} times)")


if __name__ == "__main__":
    main()
