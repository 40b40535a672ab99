"""Where templates are found (the user's --template-dir first, ours as the fallback),
the one sandboxed Jinja environment that loads them, and how a failing template is
reported.

The one lookup behind the memo (Jinja loader and URL fetcher) and the email body.
Every template is read by its real path, which must lie inside its folder.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable, Sequence
from importlib import resources
from pathlib import Path

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

from ftreport.model.problems import InputError, Problem

MEMO_TEMPLATE = "memo.html.j2"


def bundled_template_dir() -> Path:
    """Our templates: the installed package ftreport.templates, else the repository's
    top-level templates/ folder (running from a checkout)."""
    try:
        entry = Path(str(resources.files("ftreport.templates").joinpath(MEMO_TEMPLATE)))
        if entry.is_file():
            return entry.parent
    except ModuleNotFoundError:
        pass
    return Path(__file__).resolve().parents[2] / "templates"


def template_roots(template_dir: str | Path | None) -> list[Path]:
    """Template folders in lookup order: the user's first, ours last."""
    roots = [Path(template_dir).resolve()] if template_dir is not None else []
    return [*roots, bundled_template_dir().resolve()]


class TemplateRefused(Exception):
    """A template file whose real path lies outside its template folder (a link out of
    it, or a folder linked in): never read."""


def confined(path: Path, root: Path) -> Path:
    """``path``'s real location, which must lie inside ``root``'s; TemplateRefused if not."""
    real, real_root = path.resolve(), root.resolve()
    if not real.is_relative_to(real_root):
        raise TemplateRefused(f"{path}: refused: it leads to {real}, outside the template "
                              f"folder {real_root} (templates and assets must be files inside "
                              "it, not links out of it)")
    return real


class ConfinedLoader(FileSystemLoader):
    """A folder's templates, by their real paths: a link out of the folder (or a folder
    linked into it) is refused, not followed."""

    def __init__(self, root: Path) -> None:
        super().__init__(str(root))
        self.root = root

    def get_source(self, environment: Environment, template: str
                   ) -> tuple[str, str, Callable[[], bool]]:
        source, filename, uptodate = super().get_source(environment, template)
        confined(Path(filename), self.root)
        return source, filename, uptodate


def sandboxed_environment(roots: Sequence[Path], *, html: bool) -> SandboxedEnvironment:
    """The one Jinja environment for the memo and the email: sandboxed (a template folder
    may come from anyone), StrictUndefined, loading from ``roots`` in order, confined."""
    return SandboxedEnvironment(
        loader=ChoiceLoader([ConfinedLoader(root) for root in roots]), autoescape=html,
        undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
        keep_trailing_newline=True)


def template_problem(exc: Exception, roots: Sequence[Path]) -> InputError:
    """An InputError naming the template (and line) for a template that failed: refused,
    missing, unsafe (the sandbox), malformed or using a value that does not exist."""
    if isinstance(exc, TemplateRefused):
        return InputError([Problem("template", None, None, str(exc), code="outside-folder")])
    # A syntax error knows its file and line; at run time, Jinja rewrites the traceback
    # so that the failing template's own frame carries its file and line.
    where, line = getattr(exc, "filename", None), getattr(exc, "lineno", None)
    if where is None:
        frame = next((f for f in reversed(traceback.extract_tb(exc.__traceback__))
                      if any(Path(f.filename).is_relative_to(root) for root in roots)), None)
        where, line = (frame.filename, frame.lineno) if frame else (None, None)
    what = {"TemplateNotFound": f"includes {getattr(exc, 'name', '')}, a template that is in "
                                "none of the template folders",
            "SecurityError": "does something the sandbox forbids (templates may only read "
                             "the values given to them)",
            "UndefinedError": "uses a value the memo does not have",
            "TemplateSyntaxError": "is not a valid Jinja template"}.get(
        type(exc).__name__, "could not be rendered")
    place = f"{where or 'a template'}" + (f", line {line}" if line else "")
    return InputError([Problem(place, None, None, f"a template that renders: this one {what}",
                               f"{type(exc).__name__}: {exc}"[:300], code="bad-template")])
