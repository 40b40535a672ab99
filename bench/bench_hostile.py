"""Time `validate` and `run` on hostile and oversized workbooks (issue 12's bounded-work
cases) against the same commands on a sample.

Each command runs in a fresh process; the figures are its wall time and peak memory
as ratios against the sample's, so they mean the same on a fast or a slow machine.
A refused case should cost about what validating the sample costs (ratio near 1 or
below); an accepted case at a limit shows what the limit allows.

    python bench/bench_hostile.py
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SAMPLE = ROOT / "sample_inputs" / "customer-support.xlsx"
# Runs one command and reports its wall time, peak memory (KiB) and exit code.
MEASURE = ("import resource, subprocess, sys, time\n"
           "start = time.perf_counter()\n"
           "code = subprocess.run(sys.argv[1:], capture_output=True).returncode\n"
           "print(time.perf_counter() - start,"
           " resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, code)")


def measure(*args: str) -> tuple[float, float, int]:
    done = subprocess.run([sys.executable, "-c", MEASURE, sys.executable, "-m", "ftreport",
                           *args], capture_output=True, text=True, check=True, cwd=ROOT)
    seconds, kib, code = done.stdout.split()
    return float(seconds), float(kib) / 1024, int(code)


def edited(source: Path, target: Path, change: Callable[[object], None]) -> None:
    from openpyxl import load_workbook

    wb = load_workbook(source)
    change(wb)
    wb.save(target)


def scenario(**values: object) -> Callable[[object], None]:
    rows = {"horizon_days": 7, "requests_per_day": 8, "monthly_growth": 9, "mc_iterations": 13,
            "allow_extreme_growth": 17}

    def change(wb: object) -> None:
        for name, value in values.items():
            wb["Scenario"][f"C{rows[name]}"] = value  # type: ignore[index]
    return change


def many_options(n: int) -> Callable[[object], None]:
    """The sample's three options and n - 3 more below them."""
    def change(wb: object) -> None:
        ws = wb["Options"]  # type: ignore[index]
        for row in range(7, 4 + n):
            for col, value in zip("ABCDFGI", (f"Option {row}", "prompting", "", 500, 300, 2.0,
                                             8.0), strict=True):
                ws[f"{col}{row}"] = value
        table = ws.tables["Options"]
        table.ref = re.sub(r"\d+$", str(3 + n), table.ref)  # its columns, n rows
    return change


def factors_rows(n: int) -> Callable[[str], str]:
    rows = "".join(f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>Question {r}?</t></is></c>'
                   f'<c r="B{r}" t="inlineStr"><is><t>yes</t></is></c></row>'
                   for r in range(13, 13 + n))
    return lambda xml: xml.replace("</sheetData>", rows + "</sheetData>")


def build_cases(folder: Path) -> dict[str, Path]:
    from ftreport.workbook.template import write_template
    from tests.support.packages import patch_package

    base = folder / "support.xlsx"
    write_template(base, example="support")
    data = base.read_bytes()
    cases: dict[str, Path] = {}

    def case(name: str) -> Path:
        cases[name] = folder / f"{name}.xlsx"
        return cases[name]

    patch_package(data, case("dimension A1:XFD1048576"), sheet="Options",
                  change=lambda xml: re.sub(r'<dimension ref="[^"]*"/>',
                                            '<dimension ref="A1:XFD1048576"/>', xml))
    edited(base, case("table ref of 1M rows"),
           lambda wb: setattr(wb["Factors"].tables["Factors"], "ref", "A3:C1048576"))
    patch_package(data, case("1M rows in Factors"), sheet="Factors",
                  change=factors_rows(1_000_000))
    strings = [b"<sst><si><t>", *(b"x" * 2**20 for _ in range(600)), b"</t></si></sst>"]
    patch_package(data, case("600 MiB shared strings"),
                  extra={"xl/sharedStrings.xml": strings})
    text_cell = f'<c r="W4" t="inlineStr"><is><t>{"x" * 10**7}</t></is></c>'
    patch_package(data, case("10 MB text cell"), sheet="Options",
                  change=lambda xml: re.sub(r'<c r="W4"[^>]*>.*?</c>', text_cell, xml, count=1))
    patch_package(data, case("merge AA1:XFD1048576"), sheet="Options",
                  change=lambda xml: xml.replace("</sheetData>", '</sheetData><mergeCells '
                                                 'count="1"><mergeCell ref="AA1:XFD1048576"/>'
                                                 "</mergeCells>", 1))
    edited(base, case("10,000 options"), many_options(10_000))
    edited(base, case("50 options (the limit)"), many_options(50))
    edited(base, case("horizon 10,000,000"), scenario(horizon_days=10_000_000))
    def flat_century(wb: object) -> None:
        scenario(horizon_days=36_500, monthly_growth=0)(wb)
        for col in "ABCDEFGHI":  # the growth row: any growth over a century is past 1e15
            wb["Uncertainty"][f"{col}5"] = None  # type: ignore[index]
        named = wb["Named scenarios"]  # type: ignore[index]
        for row in range(4, named.max_row + 1):  # and the upside scenario's growth
            if named[f"B{row}"].value == "monthly_growth":
                named[f"D{row}"] = 0
    edited(base, case("horizon 36,500 (the limit)"), flat_century)
    edited(base, case("mc_iterations 1e12"), scenario(mc_iterations=10**12))
    edited(base, case("requests_per_day 1e300"), scenario(requests_per_day=1e300))
    edited(base, case("growth 100, allowed, 100 years"),
           scenario(monthly_growth=100, allow_extreme_growth="yes", horizon_days=36_500))
    return cases


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="ftreport-hostile-") as scratch:
        folder = Path(scratch)
        cases = build_cases(folder)
        reference = {"validate": measure("validate", str(SAMPLE)),
                     "run": measure("run", str(SAMPLE), "--no-pdf", "-o", str(folder / "ref"))}
        print(f"reference {SAMPLE.name}: validate {reference['validate'][0]:.2f} s, "
              f"{reference['validate'][1]:.0f} MiB; run {reference['run'][0]:.2f} s, "
              f"{reference['run'][1]:.0f} MiB")
        print(f"{'case':34} {'exit':>4} {'validate time':>13} {'memory':>7} "
              f"{'run time':>9} {'memory':>7}")
        rows = []
        for name, path in cases.items():
            v = measure("validate", str(path))
            r = measure("run", str(path), "--no-pdf", "-o", str(folder / "out"))
            rows.append({"case": name, "exit": [v[2], r[2]], "validate_s": v[0],
                         "validate_mib": v[1], "run_s": r[0], "run_mib": r[1]})
            print(f"{name:34} {v[2]:>2}/{r[2]} {v[0] / reference['validate'][0]:>12.2f}x "
                  f"{v[1] / reference['validate'][1]:>6.2f}x {r[0] / reference['run'][0]:>8.2f}x "
                  f"{r[1] / reference['run'][1]:>6.2f}x")
        if "--json" in sys.argv:
            print(json.dumps({"reference": reference, "cases": rows}, indent=2))


if __name__ == "__main__":
    main()
