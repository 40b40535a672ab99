"""The run summary: ``<name>.summary.json``, the few numbers an email about a run needs.

`ftreport run` writes it beside the reports (:func:`write_summary`, last, with each
report's SHA-256); `ftreport send` reads it back (:func:`find_summary`) and uses
it only while the reports beside it are the very files it was written for.

The recommended option's values are generated from the results schema: every
``ftreport.model.outputs`` row with a ``summary_key`` lands here under that key.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ftreport.fileio import atomic_write, report_stem
from ftreport.model.format import Formatter, is_number
from ftreport.model.outputs import OUTPUTS
from ftreport.model.results import RunResult

MEMO_SUFFIX, WORKBOOK_SUFFIX, SUMMARY_SUFFIX = ".memo.pdf", ".report.xlsx", ".summary.json"
SUMMARY_FORMAT = 1

# Results schema key -> summary key, for the recommended option's values.
SUMMARY_OPTION_KEYS: dict[str, str] = {o.key: o.summary_key for o in OUTPUTS if o.summary_key}
# Outputs whose baseline value the summary holds too, right after the recommended's.
BASELINE_SUMMARY_KEYS = {"total_cost": "baseline_total_cost"}


def _option_keys() -> tuple[str, ...]:
    keys: list[str] = []
    for key, summary_key in SUMMARY_OPTION_KEYS.items():
        keys.append(summary_key)
        if key in BASELINE_SUMMARY_KEYS:
            keys.append(BASELINE_SUMMARY_KEYS[key])
    return tuple(keys)


SUMMARY_KEYS = (
    "format", "scenario_name", "currency", "horizon_days", "recommended", "baseline",
    "reason", *_option_keys(), "p_cheapest", "iterations", "warnings", "files",
)


def report_name(path: Path) -> str | None:
    """The name a memo or report workbook was written under (``plan`` for
    ``plan.memo.pdf``); None for any other file."""
    for suffix in (MEMO_SUFFIX, WORKBOOK_SUFFIX):
        if path.name.lower().endswith(suffix):
            return path.name[: -len(suffix)]
    return None


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def summarise(result: RunResult) -> dict[str, Any]:
    """The few numbers the email needs, from a run's results (as its ``to_dict()`` has them),
    and why the recommendation stands where the cash figures do not say it (the memo's
    words: why the baseline stays, or why an option dearer in cash is chosen)."""
    from ftreport.report.decision import reason  # numpy: only the run writes a summary

    analysis = result.analysis
    scenario = analysis.book.scenario.to_dict()
    recommended = analysis.options[analysis.recommended].name
    summary: dict[str, Any] = {
        "format": SUMMARY_FORMAT,
        "scenario_name": scenario.get("scenario_name") or "",
        "currency": scenario.get("currency") or "",
        "horizon_days": scenario["horizon_days"],
        "recommended": recommended,
        "baseline": analysis.options[analysis.baseline].name,
        "reason": reason(analysis, Formatter(analysis.book.scenario.currency)),
    }
    for key, summary_key in SUMMARY_OPTION_KEYS.items():
        summary[summary_key] = analysis.option_value(key, analysis.recommended)
        if key in BASELINE_SUMMARY_KEYS:
            summary[BASELINE_SUMMARY_KEYS[key]] = analysis.option_value(key, analysis.baseline)
    simulation = result.simulation
    # The only option is the cheapest in every sample: nothing for the email to say.
    summary["p_cheapest"] = next(
        (o.get("p_cheapest") for o in (simulation.summary if simulation else [])
         if o.get("name") == recommended), None) if len(analysis.options) > 1 else None
    summary["iterations"] = simulation.iterations if simulation else None
    summary["warnings"] = [w.message for w in analysis.warnings]
    summary["files"] = {}
    return summary


def write_summary(result: RunResult, outdir: str | Path) -> Path:
    """Write ``OUTDIR/<name>.summary.json`` for `ftreport send`, after the reports.

    It records each written report's SHA-256, so `send` ignores a summary that
    no longer matches the files beside it.
    """
    summary = summarise(result)
    for written in result.outputs.values():
        path = Path(written)
        if report_name(path) is not None and path.is_file():
            summary["files"][path.name] = sha256(path)
    target = Path(outdir) / f"{report_stem(result.book.path)}{SUMMARY_SUFFIX}"
    with atomic_write(target) as temp:
        temp.write_text(json.dumps(summary, indent=2, allow_nan=False) + "\n",
                        encoding="utf-8")
    return target


def find_summary(files: Sequence[Path], notes: list[str]) -> dict[str, Any] | None:
    """The numbers for the body from ``<name>.summary.json`` beside the reports,
    when there is exactly one and it was written for these very files; each
    reason for not using one is added to ``notes``."""
    candidates = {p.with_name(name + SUMMARY_SUFFIX) for p in files
                  if (name := report_name(p))}
    candidates = {p for p in candidates if p.is_file()}
    if len(candidates) != 1:
        if len(candidates) > 1:
            notes.append("the reports come from several scenarios; the email has a general "
                         "note instead of the numbers")
        return None
    path = candidates.pop()
    summary = _read_summary(path)
    if summary is None:
        notes.append(f"ignored {path.name}: not a summary this version of ftreport wrote")
        return None
    damage = damaged(summary)
    if damage:
        notes.append(f"ignored {path.name}: it is damaged ({damage}); run ftreport again to "
                     "rewrite it; the email has a general note instead of the numbers")
        return None
    # A summary from an earlier run would put stale numbers in the email.
    stale = [p.name for p in files
             if p.name in summary["files"] and summary["files"][p.name] != sha256(p)]
    if stale:
        notes.append(f"ignored {path.name}: it was written for other versions of "
                     f"{', '.join(stale)}; the email has a general note instead of the numbers")
        return None
    return summary


_TEXT_KEYS = ("scenario_name", "currency", "recommended", "baseline", "reason")


def damaged(summary: dict[str, Any]) -> str | None:
    """What in a summary is not what ftreport writes (a value of the wrong type), or None."""
    for key in SUMMARY_KEYS:
        value = summary[key]
        if key in _TEXT_KEYS:
            ok = isinstance(value, str)
        elif key == "warnings":
            ok = isinstance(value, list) and all(isinstance(w, str) for w in value)
        elif key == "files":
            ok = all(isinstance(k, str) and isinstance(v, str) for k, v in value.items())
        else:  # numbers, None where the result is undefined
            ok = value is None or is_number(value)
        if not ok:
            return f"{key} holds {type(value).__name__} {json.dumps(value)[:40]}"
    return None


def _read_summary(path: Path) -> dict[str, Any] | None:
    """The summary in ``path``, or None unless it has this format and every key."""
    try:
        summary = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None
    # The templates use every key (StrictUndefined), so all must be there.
    valid = isinstance(summary, dict) and summary.get("format") == SUMMARY_FORMAT \
        and set(SUMMARY_KEYS) <= set(summary) and isinstance(summary["files"], dict)
    return summary if valid else None
