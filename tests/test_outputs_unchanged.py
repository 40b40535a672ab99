"""Every sample's outputs equal the snapshot in tests/golden/: JSON, every cell of the
report workbook (formula and cached value), and the memo's text.

A change that moves code must leave these identical. A change meant to alter an
output regenerates the snapshots (``python -m tests.support.snapshot --update``)
and shows the difference in review.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.support.snapshot import SAMPLES, load_golden, snapshot


def differences(expected: Any, found: Any, where: str = "") -> list[str]:
    """Where two snapshots differ, as readable paths (at most a few per level)."""
    if isinstance(expected, dict) and isinstance(found, dict):
        out = [f"{where}/{k}: missing" for k in expected if k not in found]
        out += [f"{where}/{k}: unexpected" for k in found if k not in expected]
        for k in expected:
            if k in found:
                out += differences(expected[k], found[k], f"{where}/{k}")
        return out
    if isinstance(expected, list) and isinstance(found, list) and len(expected) == len(found):
        return [d for i, (a, b) in enumerate(zip(expected, found, strict=True))
                for d in differences(a, b, f"{where}[{i}]")]
    return [] if expected == found else [f"{where}: expected {expected!r}, found {found!r}"]


@pytest.mark.parametrize("sample", SAMPLES)
def test_outputs_equal_the_snapshot(sample: str, tmp_path: Path) -> None:
    expected = load_golden(sample)
    found = snapshot(sample, tmp_path)
    diff = differences(expected, found)
    assert not diff, f"{len(diff)} differences, first ones:\n" + "\n".join(diff[:20])
