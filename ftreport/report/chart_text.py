"""How wide a chart's text is, and labels wrapped to fit, so no label overlaps the plot or
loses a letter.

Widths are DejaVu Sans's advance widths (the charts' font; units of 1/2048 em) for
printable ASCII and a few signs; any other character counts as 1.1 em, wider than every
glyph of the font, so an estimate never falls short of the text drawn.
"""

from __future__ import annotations

UNITS_PER_EM = 2048
UNKNOWN_EM = 1.1
# Printable ASCII, then the signs money and ranges are written with.
CHARACTERS = "".join(chr(c) for c in range(32, 127)) + "…–—±€£·×→"
ADVANCES = (
    651, 821, 942, 1716, 1303, 1946, 1597, 563, 799, 799, 1024, 1716, 651, 739, 651,
    690, 1303, 1303, 1303, 1303, 1303, 1303, 1303, 1303, 1303, 1303, 690, 690, 1716,
    1716, 1716, 1087, 2048, 1401, 1405, 1430, 1577, 1294, 1178, 1587, 1540, 604, 604,
    1343, 1141, 1767, 1532, 1612, 1235, 1612, 1423, 1300, 1251, 1499, 1401, 2025, 1403,
    1251, 1403, 799, 690, 799, 1716, 1024, 1024, 1255, 1300, 1126, 1300, 1260, 721,
    1300, 1298, 569, 569, 1186, 569, 1995, 1298, 1253, 1300, 1300, 842, 1067, 803, 1298,
    1212, 1675, 1212, 1212, 1075, 1303, 690, 1303, 1716, 2048, 1024, 2048, 1716, 1303,
    1303, 651, 1716, 1716
)
_WIDTH = dict(zip(CHARACTERS, ADVANCES, strict=True))


def text_width(text: str, size: float) -> float:
    """The width of ``text`` at font size ``size`` (the same units as ``size``)."""
    units = sum(_WIDTH.get(c, UNKNOWN_EM * UNITS_PER_EM) for c in text)
    return units / UNITS_PER_EM * size


def wrap(text: str, width: float, size: float) -> list[str]:
    """``text`` in lines no wider than ``width``: broken at spaces, and a word wider than
    a line broken between letters; every character kept."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if text_width(candidate, size) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        current = ""
        for char in word:
            if current and text_width(current + char, size) > width:
                lines.append(current)
                current = ""
            current += char
    if current or not lines:
        lines.append(current)
    return lines
