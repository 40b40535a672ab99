"""Regenerate the sample workbooks in sample_inputs/ from the template's examples.

Run from the repository root: ``python scripts/make_samples.py``. The samples are
what `ftreport init --example NAME` writes, so they change only with the template,
its examples or the price book.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ftreport.workbook.template import write_template  # noqa: E402

SAMPLES = {
    "seed-000-replica.xlsx": "seed-000",
    "customer-support.xlsx": "support",
    "distillation.xlsx": "distillation",
}


def main() -> None:
    for name, example in SAMPLES.items():
        target = ROOT / "sample_inputs" / name
        write_template(target, example=example, force=True)
        print(f"wrote {target.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
