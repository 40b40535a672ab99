"""Render the decision memo: Jinja templates to HTML, WeasyPrint to PDF.

Safety, because names, notes and answers come from the analyst's file and a
template folder may come from anyone:

- templates render in Jinja's SandboxedEnvironment with autoescaping on and
  StrictUndefined (a missing variable is an error, not a blank);
- a user's template folder overrides ours file by file (theirs first, ours as
  the fallback), for templates and for assets (logo, CSS, fonts) alike;
- WeasyPrint fetches through ftreport.report.fetch.TemplateFetcher, which serves only files
  inside those template folders and ``data:`` URLs and refuses everything else
  (other files, http, https, ftp) without touching the network.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from ftreport.fileio import atomic_write

# Jinja, the view model and WeasyPrint are imported by the functions that use them:
# `ftreport run --no-pdf` imports this package (for the summary) but prints no memo.
if TYPE_CHECKING:
    from jinja2.sandbox import SandboxedEnvironment
    from markupsafe import Markup
    from weasyprint.text.fonts import FontConfiguration

    from ftreport.model.results import RunResult
    from ftreport.report.fetch import TemplateFetcher


PDF_VARIANT = "pdf/ua-1"


def _svg(markup: str) -> Markup:
    from markupsafe import Markup

    # Charts are built by ftreport.report.charts, which escapes every text it draws.
    return Markup(markup)


def environment(roots: Sequence[Path]) -> SandboxedEnvironment:
    """The memo's Jinja environment for ``roots``, one per process and folder list, so
    ``ftreport batch`` compiles each template once (Jinja still recompiles a template
    whose file changed)."""
    return _environment(tuple(roots))


@lru_cache(maxsize=8)
def _environment(roots: tuple[Path, ...]) -> SandboxedEnvironment:
    from ftreport.report.templates import sandboxed_environment

    env = sandboxed_environment(roots, html=True)
    env.filters["svg"] = _svg
    return env


@lru_cache(maxsize=8)
def _font_configuration(roots: tuple[Path, ...]) -> FontConfiguration:
    """WeasyPrint's font configuration, built once per process and folder list (a tenth
    of a memo's time); per folder list because a template's @font-face fonts join it."""
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


def render_html(result: RunResult, *, template_dir: str | Path | None = None,
                generated_at: datetime | None = None) -> str:
    """The memo as one HTML document (what the PDF is printed from)."""
    from ftreport.model.inputs import run_time
    from ftreport.report.context import build_context
    from ftreport.report.templates import MEMO_TEMPLATE, template_roots

    context = build_context(result, generated_at or run_time())
    env = environment(template_roots(template_dir))
    return env.get_template(MEMO_TEMPLATE).render(context.as_template_vars())


def write_memo(result: RunResult, target: Path, *, template_dir: Path | None = None) -> None:
    """Write the PDF decision memo for ``result`` to ``target``; a template that fails
    (refused, missing, unsafe, malformed) is an InputError naming it and its line.

    With ``SOURCE_DATE_EPOCH`` set, the same inputs give byte-identical files.
    """
    from jinja2 import TemplateError

    from ftreport.report.templates import TemplateRefused, template_problem, template_roots

    roots = template_roots(template_dir)
    try:
        html = render_html(result, template_dir=template_dir)
    except (TemplateError, TemplateRefused) as exc:
        raise template_problem(exc, roots) from exc
    pdf = html_to_pdf(html, roots)
    with atomic_write(target) as temp:
        temp.write_bytes(pdf)


def html_to_pdf(html: str, roots: Sequence[Path],
                fetcher: TemplateFetcher | None = None) -> bytes:
    """Print ``html`` to PDF; relative URLs resolve in the first template folder.

    ``fetcher`` defaults to a fresh ftreport.report.fetch.TemplateFetcher over ``roots``.
    """
    # Imported here: WeasyPrint loads Pango and fonts, which `ftreport --help` and
    # `ftreport validate` must not pay for.
    from weasyprint import HTML

    from ftreport.report.fetch import TemplateFetcher

    fetcher = fetcher or TemplateFetcher(roots)
    with collector_paused():
        document = HTML(string=html, base_url=roots[0].as_uri() + "/", url_fetcher=fetcher)
        # The identifier is a hash of the content, so equal inputs give equal bytes. PDF/UA-1
        # tags the structure (headings, tables, figures with their alt text) for screen
        # readers.
        return document.write_pdf(pdf_identifier=True, pdf_variant=PDF_VARIANT,
                                  font_config=_font_configuration(tuple(roots)))


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector off for the block, back as it was after.

    A memo's render sets off some 250 collections, two of them full passes over every
    live object of the process (the run's results and WeasyPrint's boxes): together a
    sixth of the memo's CPU (bench/bench_memo.py). The render's cyclic garbage, a few
    thousand objects, is freed by the first collection after the block.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
