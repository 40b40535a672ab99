"""Hostile workbooks made by editing the package itself: what openpyxl would never write
(a claimed dimension, a cut sheet, text beyond Excel's limit, extra parts)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path

from ftreport.workbook._xlsx import sheet_parts


def patch_package(data: bytes, target: Path, *, sheet: str | None = None,
                  change: Callable[[str], str] = lambda xml: xml,
                  extra: dict[str, Iterable[bytes]] | None = None) -> Path:
    """Write ``data`` (an .xlsx package) to ``target`` with ``change`` applied to one
    sheet's XML and each ``extra`` part added, streamed from its chunks."""
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(
            target, "w", compression=zipfile.ZIP_DEFLATED) as package:
        part = sheet_parts(source)[sheet] if sheet else None
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == part:
                content = change(content.decode()).encode()
            package.writestr(item, content)
        for name, chunks in (extra or {}).items():
            with package.open(name, "w") as out:
                for chunk in chunks:
                    out.write(chunk)
    return target
