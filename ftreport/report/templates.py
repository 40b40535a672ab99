"""Where templates are found: the user's --template-dir first, ours as the fallback.

The one lookup behind the memo (Jinja loader and URL fetcher) and the email body.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

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


def find_template(name: str, template_dir: str | Path | None) -> Path:
    """The file ``name`` from the first template folder that has it."""
    roots = template_roots(template_dir)
    return next((root / name for root in roots if (root / name).is_file()), roots[-1] / name)
