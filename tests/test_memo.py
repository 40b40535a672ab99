"""The PDF decision memo, read back with real readers (pdftotext, pdftoppm, pypdf)."""

from __future__ import annotations

import json
import logging
import re
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import jinja2
import numpy as np
import pytest
from jinja2.sandbox import SecurityError
from PIL import Image
from pypdf import PdfReader

from ftreport.api import run
from ftreport.engine.analysis import analyse
from ftreport.model.format import Formatter
from ftreport.model.outputs import OUTPUT, OUTPUTS, SIMULATED_KEYS
from ftreport.model.results import RunResult, SensitivityBar, SimulationResult
from ftreport.report import render_html, write_memo
from tests.support.scenarios import support_book

REPO = Path(__file__).resolve().parents[1]
SAMPLES = sorted((REPO / "sample_inputs").glob("*.xlsx"))
EPOCH = "1767225600"  # 2026-01-01 00:00 UTC


def tool(name: str) -> str:
    found = shutil.which(name)
    assert found, f"{name} (poppler-utils) is required to read the memo back"
    return found


def pdf_text(path: Path) -> str:
    out = subprocess.run([tool("pdftotext"), str(path), "-"], check=True, capture_output=True,
                         text=True).stdout
    return re.sub(r"\s+", " ", out)


def page_images(path: Path, tmp: Path, dpi: int = 40) -> list[Image.Image]:
    subprocess.run([tool("pdftoppm"), "-r", str(dpi), "-png", str(path), str(tmp / "page")],
                   check=True)
    files = sorted(tmp.glob("page-*.png"), key=lambda p: int(p.stem.split("-")[-1]))
    return [Image.open(f).convert("RGB") for f in files]


def count_colour(image: Image.Image, rgb: tuple[int, int, int], tol: int = 40) -> int:
    pixels = np.asarray(image, dtype=int)
    return int((np.abs(pixels - np.array(rgb)).max(axis=2) <= tol).sum())


def simulation_for(result: RunResult, iterations: int = 2000) -> SimulationResult:
    """A SimulationResult built from arrays: the engine evaluated on sampled volumes."""
    from ftreport.engine import compare
    from ftreport.engine.analysis import option_arrays

    a = result.analysis
    s = a.book.scenario
    rng = np.random.default_rng(1)
    volume = rng.triangular(12_000, 20_000, 35_000, iterations)
    arrays = {k: v[:, None] for k, v in option_arrays(a.options).items()}
    res = compare.evaluate(arrays, a.baseline, horizon_days=s.horizon_days,
                           requests_per_day=volume, monthly_growth=s.monthly_growth,
                           discount_rate=s.discount_rate, with_break_even_day=False)
    names = [o.name for o in a.options]

    def stats(x: np.ndarray) -> dict[str, float]:
        p = np.percentile(x, [5, 25, 50, 75, 95])
        return {"p5": p[0], "p25": p[1], "p50": p[2], "p75": p[3], "p95": p[4],
                "mean": float(x.mean()), "trimmed_mean": float(x.mean())}

    cheapest = np.bincount(res["npv_cost"].argmin(axis=0), minlength=len(names)) / iterations
    summary = [{"name": n, "p_cheapest": float(cheapest[i]),
                "p_beats_baseline": float((res["savings_vs_baseline"][i] > 0).mean()),
                "total_cost": stats(res["total_cost"][i]),
                "savings_vs_baseline": stats(res["savings_vs_baseline"][i]),
                "break_even_day": None, "steady_state_break_even_days": None,
                "max_training_tokens": None} for i, n in enumerate(names)]
    featured = a.recommended
    counts, edges = np.histogram(res["savings_vs_baseline"][featured], bins=30)
    return SimulationResult(
        iterations=iterations, seed=s.mc_seed, trimmed=iterations // 10, option_names=names,
        summary=summary,
        sensitivity=[SensitivityBar("requests_per_day", None, 14_000, 30_000, 25_000.0,
                                    60_000.0),
                     SensitivityBar("output_tokens", "*", 300, 500, 35_000.0, 43_000.0)],
        featured_option=names[featured],
        histogram={"edges": edges.tolist(), "counts": counts.tolist()})


def support_result(**scenario: object) -> RunResult:
    result = RunResult(analyse(support_book(**scenario)))
    result.simulation = simulation_for(result)
    return result


@pytest.fixture(scope="module")
def memo(tmp_path_factory: pytest.TempPathFactory) -> tuple[RunResult, Path]:
    result = support_result()
    target = tmp_path_factory.mktemp("memo") / "support.memo.pdf"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
        write_memo(result, target)
    return result, target


def test_text_shows_the_recommendation_and_every_option_as_in_the_json(memo):
    result, path = memo
    data = json.loads(json.dumps(result.to_dict()))
    fmt = Formatter(data["scenario"]["currency"])
    text = pdf_text(path)
    assert f"RECOMMENDATION {data['recommended']}" in text
    assert "Move from Few-shot gpt-4.1 to Fine-tuned gpt-4.1-mini" in text
    for row in data["options"]:
        assert row["name"] in text
        assert fmt.money(row["total_cost"]) in text, row["name"]
        assert fmt.money(row["savings_vs_baseline"]) in text, row["name"]
        if not row["is_baseline"]:
            assert f"day {row['break_even_day']:,}" in text, row["name"]
    rec = next(r for r in data["options"] if r["recommended"])
    assert f"pays back on day {rec['break_even_day']} (" in text
    p = next(o for o in data["simulation"]["options"] if o["name"] == rec["name"])
    assert f"cheapest option {fmt.percent(p['p_cheapest'], 0)} of the time" in text
    for section in ("Key numbers", "Main risks", "The options side by side", "Risk picture",
                    "Beyond cost: qualitative factors", "Warnings", "Appendix: the inputs",
                    "Methodology"):
        assert section in text
    # Day 1 is the day after generation (SOURCE_DATE_EPOCH = 1 Jan 2026).
    assert "Day 1 is the day after this memo was generated (2 Jan 2026)" in text
    assert "Page 1 of" in text
    assert result.book.sha256 in text


def test_metadata_and_footer(memo):
    _, path = memo
    info = PdfReader(path).metadata
    assert info.title == "Decision memo: Customer support assistant"
    assert info.author == "Finance"
    assert "break-even" in info.subject
    assert info["/CreationDate"].startswith("D:20260101000000")


def test_pages_are_not_blank_and_charts_are_drawn(memo, tmp_path):
    result, path = memo
    images = page_images(path, tmp_path)
    assert len(images) == len(PdfReader(path).pages) >= 6
    for image in images:
        ink = (np.asarray(image).min(axis=2) < 200).mean()
        assert ink > 0.01, "blank page"
    # Okabe-Ito blue and vermillion lines and bars appear on the chart pages (after page
    # one; sections flow on, so which pages depends on the content).
    blue = [count_colour(im, (0x00, 0x72, 0xB2)) for im in images]
    vermillion = [count_colour(im, (0xD5, 0x5E, 0x00)) for im in images]
    assert max(blue[1:]) > 300 and max(vermillion[1:]) > 50
    html = render_html(result)
    for chart in ("cumulative-cost", "savings-histogram", "tornado"):
        assert f'class="chart {chart}"' in html
    assert html.count('<polyline class="series"') == len(result.analysis.options)
    assert html.count('class="break-even"') >= 2
    assert html.count('<rect class="bin"') > 10
    assert html.count('<rect class="bar"') == 4


def test_without_simulation_says_so(tmp_path):
    result = RunResult(analyse(support_book()))
    html = render_html(result)
    assert "No simulation was run" in html
    assert "savings-histogram" not in html


def test_hostile_workbook_text_is_shown_escaped_and_nothing_is_fetched(tmp_path, caplog,
                                                                        monkeypatch):
    name = '<img src="file:///etc/passwd">'
    book = support_book(scenario_name=name)
    book.options[1].notes = "<script>alert(1)</script><style>body{display:none}</style>"
    book.factors[0].notes = "</td></tr></table><link rel=stylesheet href=http://evil/x.css>"
    result = RunResult(analyse(book))
    html = render_html(result)
    assert name not in html and "&lt;img src=&#34;file:///etc/passwd&#34;&gt;" in html
    assert "<script>" not in html and "<link rel=stylesheet" not in html
    connections = []
    monkeypatch.setattr(socket.socket, "connect", lambda *a: connections.append(a))
    caplog.set_level(logging.WARNING, logger="ftreport.report.fetch")
    target = tmp_path / "hostile.pdf"
    write_memo(result, target)
    text = pdf_text(target)
    assert name in text and "<script>alert(1)</script>" in text
    assert not connections
    assert not [r for r in caplog.records if "refused" in r.getMessage()]


def test_custom_template_cannot_fetch_files_or_network(tmp_path, caplog, monkeypatch):
    custom = tmp_path / "mine"
    (custom / "partials").mkdir(parents=True)
    (custom / "partials" / "running.html.j2").write_text(
        '<link rel="stylesheet" href="http://169.254.169.254/latest/meta-data/">'
        '<img src="file:///etc/hostname"><img src="https://example.com/x.png">'
        '<img src="../../../../etc/passwd"><img src="assets/logo.svg">'
        '<div class="running"><span class="running-title">{{ meta.scenario_name }}</span></div>')
    connections = []
    monkeypatch.setattr(socket.socket, "connect", lambda *a: connections.append(a))
    monkeypatch.setattr(socket, "getaddrinfo", lambda *a, **k: connections.append(a))
    caplog.set_level(logging.WARNING, logger="ftreport.report.fetch")
    write_memo(RunResult(analyse(support_book())), tmp_path / "m.pdf", template_dir=custom)
    refused = " ".join(r.getMessage() for r in caplog.records if "refused" in r.getMessage())
    for url in ("http://169.254.169.254/latest/meta-data/", "file:///etc/hostname",
                "https://example.com/x.png", "/etc/passwd"):
        assert url in refused
    assert "logo.svg" not in refused
    assert not connections


def test_fetcher_rules(tmp_path):
    from ftreport.report.fetch import FetchRefused, TemplateFetcher

    root = tmp_path / "t"
    (root / "assets").mkdir(parents=True)
    (root / "assets" / "a.css").write_text("p{}")
    (root / "assets" / "out.css").symlink_to("/etc/hostname")
    fetcher = TemplateFetcher([root])
    assert fetcher.fetch((root / "assets" / "a.css").as_uri()).read() == b"p{}"
    assert fetcher.fetch("data:text/plain,hi").read() == b"hi"
    for url in ("file:///etc/passwd", f"{root.as_uri()}/../../../etc/passwd",
                (root / "assets" / "out.css").as_uri(), "http://127.0.0.1/",
                "ftp://example.com/x", f"file://otherhost{root}/assets/a.css"):
        with pytest.raises(FetchRefused):
            fetcher.fetch(url)
    assert len(fetcher.refused) == 6


def test_same_epoch_gives_identical_bytes(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    result = support_result()
    write_memo(result, tmp_path / "a.pdf")
    write_memo(result, tmp_path / "b.pdf")
    assert (tmp_path / "a.pdf").read_bytes() == (tmp_path / "b.pdf").read_bytes()


def test_custom_template_dir_overrides_logo_and_colours(memo, tmp_path):
    custom = tmp_path / "brand"
    (custom / "assets").mkdir(parents=True)
    (custom / "assets" / "logo.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10" width="10" height="10">'
        '<rect width="10" height="10" fill="#ff00ff"/></svg>')
    (custom / "assets" / "theme.css").write_text(
        ':root { --accent: #00a000; --accent-soft: #f0fff0; --warn: #D55E00; --ink: #111;'
        ' --muted: #555; --rule: #ccc; --font: "DejaVu Serif", serif; }')
    target = tmp_path / "brand.pdf"
    write_memo(memo[0], target, template_dir=custom)
    (tmp_path / "ours").mkdir()
    (tmp_path / "theirs").mkdir()
    ours = page_images(memo[1], tmp_path / "ours")[0]
    theirs = page_images(target, tmp_path / "theirs")[0]
    assert count_colour(theirs, (255, 0, 255), 30) > 50
    assert count_colour(ours, (255, 0, 255), 30) == 0
    assert count_colour(theirs, (0, 160, 0), 30) > 200
    assert count_colour(ours, (0, 160, 0), 30) == 0
    fonts = PdfReader(target).pages[0]["/Resources"]["/Font"].values()
    assert any("Serif" in f.get_object()["/BaseFont"] for f in fonts)


def test_missing_template_variable_fails_loudly(tmp_path):
    custom = tmp_path / "t"
    (custom / "partials").mkdir(parents=True)
    (custom / "partials" / "cover.html.j2").write_text("{{ decision.no_such_number }}")
    with pytest.raises(jinja2.UndefinedError):
        render_html(RunResult(analyse(support_book())), template_dir=custom)
    (custom / "partials" / "cover.html.j2").write_text("{{ meta.__class__.__mro__ }}")
    with pytest.raises(SecurityError):
        render_html(RunResult(analyse(support_book())), template_dir=custom)


# Totals from 1,000 on in whole units; the minus sign is a non-breaking hyphen (U+2011).
@pytest.mark.parametrize("currency, value, expected", [
    ("USD", 12345.678, "$12,346"), ("EUR", -1000, "\u2011€1,000"), ("USD", 999.994, "$999.99"),
    ("EUR", -612.5, "\u2011€612.50"), ("CHF", 12345.67, "12,346 CHF"),
    ("JPY", 1234.5, "¥1,234"), ("USD", None, "—")])
def test_money(currency, value, expected):
    assert Formatter(currency).money(value) == expected


def test_small_amounts_keep_three_significant_digits():
    assert Formatter("USD").unit_money(0.0012) == "$0.00120"
    assert Formatter("USD").unit_money(0.00695) == "$0.00695"


@pytest.mark.parametrize("key, value, expected", [
    ("total_cost", 12345.678, "$12,346"), ("cost_per_request", 0.0012, "$0.00120"),
    ("savings_pct", 0.1253, "13%"), ("savings_pct", 0.01551, "1.6%"),
    ("savings_pct", 0.0012, "0.12%"), ("savings_pct", 0.9996, "99.96%"),
    ("savings_pct", 4e-14, "0.00%"),
    ("savings_pct", -0.05, "\u20115.0%"), ("roi", 9.7037, "9.7x"), ("training_runs", 5, "5"),
    ("break_even_day", 41, "day 41"), ("steady_state_break_even_days", 1, "1 day"),
    ("max_training_tokens", 2e6, "2,000,000 tokens"),
    ("break_even_requests_per_day", 3308.4, "3,308 requests/day"),
    ("break_even_tokens_per_hour", 1500, "1,500 tokens/h"), ("model", "", "—"),
    ("model", "gpt-4.1", "gpt-4.1"), ("recommended", True, "yes"), ("total_cost", None, "—"),
    ("break_even_day", float("nan"), "—")])
def test_outputs_are_written_by_their_unit(key, value, expected):
    assert Formatter("USD").output(key, value) == expected
    assert Formatter("USD").output(OUTPUT[key], value) == expected


def test_every_unit_of_the_results_schema_can_be_written():
    for output in OUTPUTS:
        assert Formatter("CHF").output(output, 1) != "—", output.key


def test_the_percentile_table_shows_simulated_outputs():
    from ftreport.report.risk import PERCENTILE_COLUMNS

    assert set(PERCENTILE_COLUMNS.values()) <= set(SIMULATED_KEYS)


def test_the_cumulative_chart_ends_at_each_total_cost():
    from ftreport.engine.analysis import cost_curves
    from ftreport.report.options import chart_days

    result = RunResult(analyse(support_book(horizon_days=3650)))
    book = result.book
    days = chart_days(3650, [o.retrain_every_days for o in book.options])
    assert days[0] == 0 and days[-1] == 3650 and len(days) < 900
    assert {90, 91, 180, 181, 3600, 3601} <= set(days)  # both sides of each retraining
    np.testing.assert_array_equal(cost_curves(book, days)[-1],
                                  result.analysis.results["total_cost"])


def test_importing_the_memo_does_not_import_weasyprint():
    code = ("import sys, ftreport.cli, ftreport.report; "
            "assert 'weasyprint' not in sys.modules, 'weasyprint imported'")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=REPO)


@pytest.mark.slow
@pytest.mark.parametrize("sample", SAMPLES, ids=[p.stem for p in SAMPLES])
def test_every_sample_renders(sample, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    result = run(sample, tmp_path, workbook=False)
    path = Path(result.outputs["memo"])
    data = result.to_dict()
    fmt = Formatter(data["scenario"]["currency"])
    text = pdf_text(path)
    assert data["recommended"] in text
    for row in data["options"]:
        assert fmt.money(row["total_cost"]) in text
    assert len(PdfReader(path).pages) >= 5
