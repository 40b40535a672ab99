"""The memo as a document: tagged PDF/UA with its language, alt text on every chart,
a bookmark and a linked contents line for every section, and no page more than half empty
but the last (read back with pypdf, pdftotext and pdftoppm)."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image
from pypdf import PdfReader

from ftreport.report import write_memo
from tests.test_memo import EPOCH, support_result

SECTIONS = ("Key numbers", "Main risks", "The options side by side", "Risk picture",
            "Beyond cost: qualitative factors", "Warnings", "Appendix: the inputs",
            "Methodology", "Sign-off")
CONTENTS = SECTIONS[2:]
# A4 is 297 mm high; memo.css puts 20 mm above the text and 22 mm below it.
TOP, BOTTOM = 20 / 297, 22 / 297


@pytest.fixture(scope="module")
def memo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("layout") / "support.memo.pdf"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
        write_memo(support_result(), target)
    return target


def outline(reader: PdfReader) -> list[tuple[str, int]]:
    """Every bookmark's title and 1-based page, depth first."""
    found: list[tuple[str, int]] = []

    def walk(items: list[Any]) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                found.append((item.title, reader.get_destination_page_number(item) + 1))
    walk(reader.outline)
    return found


def structure(node: Any, kind: str) -> list[Any]:
    """Every element of the structure tree below ``node`` whose type is ``kind``."""
    node = node.get_object()
    found = [node] if node.get("/S") == f"/{kind}" else []
    kids = node.get("/K")
    for kid in kids if isinstance(kids, list) else [kids] if kids is not None else []:
        kid = kid.get_object() if hasattr(kid, "get_object") else kid
        if hasattr(kid, "get") and "/S" in kid:
            found += structure(kid, kind)
    return found


def test_the_pdf_is_tagged_with_its_language(memo):
    catalog = PdfReader(memo).trailer["/Root"]
    assert catalog["/Lang"] == "en"
    assert bool(catalog["/MarkInfo"]["/Marked"])
    root = catalog["/StructTreeRoot"]
    assert structure(root, "Table") and structure(root, "H2")
    assert b"pdfuaid" in catalog["/Metadata"].get_object().get_data()


def test_every_chart_has_its_alt_text(memo):
    figures = structure(PdfReader(memo).trailer["/Root"]["/StructTreeRoot"], "Figure")
    alts = [str(f.get("/Alt", "")) for f in figures]
    assert all(alts), alts
    assert {"Cumulative cost of each option",
            "Distribution of simulated savings of Fine-tuned gpt-4.1-mini",
            "What moves the savings of Fine-tuned gpt-4.1-mini"} <= set(alts)


def test_every_section_has_a_bookmark_and_a_contents_line_linking_to_it(memo):
    reader = PdfReader(memo)
    marks = dict(outline(reader))
    assert set(SECTIONS) <= set(marks), marks
    for title in SECTIONS:
        assert title in reader.pages[marks[title] - 1].extract_text(), title
    first = " ".join(reader.pages[0].extract_text().split())
    contents = first.split("Contents", 1)[1]
    assert all(title in contents for title in CONTENTS)
    links = [a.get_object() for a in reader.pages[0].get("/Annots", [])
             if a.get_object().get("/Subtype") == "/Link"]
    assert len(links) >= len(CONTENTS)


def test_no_page_is_more_than_half_empty_but_the_last(memo, tmp_path):
    subprocess.run(["pdftoppm", "-r", "40", "-gray", "-png", str(memo), str(tmp_path / "p")],
                   check=True)
    pages = sorted(tmp_path.glob("p-*.png"), key=lambda p: int(p.stem.split("-")[-1]))
    assert len(pages) == len(PdfReader(memo).pages) <= 8
    for page in pages[:-1]:
        ink = np.asarray(Image.open(page)) < 200
        band = ink[int(ink.shape[0] * TOP):int(ink.shape[0] * (1 - BOTTOM))]
        used = (np.nonzero(band.any(axis=1))[0].max() + 1) / band.shape[0]
        assert used > 0.5, (page.name, used)
