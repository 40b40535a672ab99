"""The only way the memo's PDF printer may load anything.

Imported only when a PDF is printed (it imports WeasyPrint).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from weasyprint.urls import URLFetcher, URLFetcherResponse

log = logging.getLogger(__name__)

CONTENT_TYPES = {".css": "text/css", ".svg": "image/svg+xml", ".png": "image/png",
                 ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".woff": "font/woff",
                 ".woff2": "font/woff2", ".ttf": "font/ttf", ".otf": "font/otf"}


class FetchRefused(ValueError):
    """A resource outside the template folders, or anywhere on the network."""


class TemplateFetcher(URLFetcher):
    """Serves files inside the template folders and ``data:`` URLs; refuses the rest.

    A file URL inside any folder is looked up in every folder in order (the
    user's first, ours last), so a user's folder overrides our assets file by
    file. Refused URLs are kept in ``refused`` and logged.
    """

    def __init__(self, roots: Sequence[Path]) -> None:
        super().__init__(allowed_protocols=("data", "file"), allow_redirects=False)
        self.roots = [Path(r).resolve() for r in roots]
        self.refused: list[str] = []
        self.served: list[str] = []

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        scheme = urlsplit(url).scheme.lower()
        if scheme == "data":
            # urllib's data: handler decodes in memory; no other handler is reached.
            return super().fetch(url, headers)
        if scheme == "file":
            path = self.resolve(url)
            if path is not None:
                self.served.append(url)
                return URLFetcherResponse(path.as_uri(), path.read_bytes(),
                                          {"Content-Type": content_type(path)})
        self.refused.append(url)
        log.warning("memo: refused to fetch %s (only template files and data: URLs "
                    "are allowed)", url)
        raise FetchRefused(f"refused to fetch {url}")

    def resolve(self, url: str) -> Path | None:
        """The file a URL names, or None when it lies outside the template folders."""
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            return None  # file://server/share: another machine
        requested = Path(os.path.normpath(unquote(parts.path)))
        relative = next((requested.relative_to(root) for root in self.roots
                         if requested.is_relative_to(root)), None)
        if relative is None:
            return None
        for root in self.roots:
            # resolve() follows symlinks, so a link pointing out of the folder is refused.
            candidate = (root / relative).resolve()
            if candidate.is_relative_to(root) and candidate.is_file():
                return candidate
        return None


def content_type(path: Path) -> str:
    return CONTENT_TYPES.get(path.suffix.lower(), "application/octet-stream")
