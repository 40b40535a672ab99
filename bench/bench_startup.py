"""Start-up cost of the command line, against baselines measured in the same run.

    .venv/bin/python bench/bench_startup.py [--repeat 7]

Prints, each the fastest of ``--repeat`` fresh processes, in CPU seconds (user + system:
the machine may be shared, and waiting for a core is no start-up cost):

- ``ftreport --help`` against ``python -c "import click"`` (goal: under 3x);
- ``ftreport run SAMPLE --no-pdf`` against ``python -c "import openpyxl, numpy"`` plus the
  work itself (the same run repeated inside one warm process), goal at most 1.3x, and
  the split: baseline imports, the rest of the cold start, the work;
- which commands that write no PDF import WeasyPrint (none should).

Modules load from bytecode, as in an installed package: the processes get a bytecode
cache of their own (``PYTHONPYCACHEPREFIX``, filled by a first untimed run) even where
the environment says ``PYTHONDONTWRITEBYTECODE`` (which would compile every ftreport
module from source in each process, while numpy and openpyxl load their installed
bytecode). ``--source`` measures that way instead.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_inputs" / "customer-support.xlsx"
PY = sys.executable

# Runs the command in this process, then says whether WeasyPrint was imported.
PROBE = """
import sys
from ftreport.cli import main
try:
    main({args!r}, prog_name="ftreport")
except SystemExit:
    pass
print("weasyprint" in sys.modules, file=sys.stderr)
"""

# The `run --no-pdf` work once cold (imports), then timed warm in the same process.
WARM_WORK = """
import sys, time
from ftreport.api import run
run({sample!r}, {out!r}, pdf=False)
best = min(
    (lambda t: (run({sample!r}, {out!r}, pdf=False), time.process_time() - t)[1])(
        time.process_time())
    for _ in range({repeat}))
print(best)
"""


def cpu_of_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def fastest(argv: list[str], repeat: int, env: dict[str, str]) -> float:
    subprocess.run(argv, check=True, capture_output=True, cwd=ROOT, env=env)  # fills caches
    best = float("inf")
    for _ in range(repeat):
        start = cpu_of_children()
        subprocess.run(argv, check=True, capture_output=True, cwd=ROOT, env=env)
        best = min(best, cpu_of_children() - start)
    return best


def imports_weasyprint(args: list[str], env: dict[str, str]) -> bool:
    done = subprocess.run([PY, "-c", PROBE.format(args=args)], capture_output=True,
                          text=True, cwd=ROOT, env=env)
    return done.stderr.strip().splitlines()[-1] == "True"


def environment(tmp: str, from_source: bool) -> dict[str, str]:
    env = dict(os.environ)
    if not from_source:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(Path(tmp) / "bytecode")
    return env


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--source", action="store_true",
                        help="keep the environment's bytecode setting (see above)")
    args = parser.parse_args()
    repeat = args.repeat
    with tempfile.TemporaryDirectory() as tmp:
        env = environment(tmp, args.source)
        out = str(Path(tmp) / "out")
        click_s = fastest([PY, "-c", "import click"], repeat, env)
        help_s = fastest([PY, "-m", "ftreport", "--help"], repeat, env)
        base_s = fastest([PY, "-c", "import openpyxl, numpy"], repeat, env)
        run_s = fastest([PY, "-m", "ftreport", "run", str(SAMPLE), "-o", out, "--no-pdf"],
                        repeat, env)
        warm = subprocess.run([PY, "-c", WARM_WORK.format(sample=str(SAMPLE), out=out,
                                                          repeat=repeat)],
                              check=True, capture_output=True, text=True, cwd=ROOT, env=env)
        work_s = float(warm.stdout.strip().splitlines()[-1])
        print(f"ftreport --help        {help_s * 1e3:7.1f} ms   import click {click_s * 1e3:6.1f}"
              f" ms   ratio {help_s / click_s:.2f}x (goal < 3x)")
        print(f"ftreport run --no-pdf  {run_s * 1e3:7.1f} ms   import openpyxl, numpy "
              f"{base_s * 1e3:6.1f} ms + work {work_s * 1e3:6.1f} ms   ratio "
              f"{run_s / (base_s + work_s):.2f}x (goal <= 1.3x)")
        print(f"  split: baseline imports {base_s * 1e3:.1f} ms, other start-up "
              f"{(run_s - base_s - work_s) * 1e3:.1f} ms, work {work_s * 1e3:.1f} ms")
        book = str(Path(tmp) / "book.xlsx")
        commands = {
            "init": ["init", book, "--example", "support"],
            "validate": ["validate", book],
            "run --no-pdf": ["run", book, "-o", out, "--no-pdf"],
            "send --eml": ["send", out, "--to", "a@example.com", "--eml",
                           str(Path(tmp) / "m.eml")],
            "prices": ["prices"],
        }
        for name, args in commands.items():
            print(f"  {name:14s} imports WeasyPrint: {imports_weasyprint(args, env)}")


if __name__ == "__main__":
    main()
