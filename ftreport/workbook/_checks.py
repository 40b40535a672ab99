"""The template's input checks: Excel data validation from each field's kind and bounds,
with the field's note as the message shown when a cell is selected."""

from __future__ import annotations

from openpyxl.worksheet.datavalidation import DataValidation

from ftreport.model import schema


def field_check(f: schema.Field, *, models: str = "", options_range: str = ""
                ) -> DataValidation | None:
    """The input check and input message of a field's cells, from its kind and bounds."""
    prompt = f.note[:250]
    if f.kind == "choice":
        return list_check('"' + ",".join(f.choices) + '"', f.name, prompt)
    if f.kind == "flag":
        return list_check('"yes,no"', f.name, prompt)
    if f.name == "model":
        # A warning, not a stop: a model not in the book is allowed, its prices typed in.
        dv = list_check(models, f.name, prompt)
        dv.errorStyle = "warning"
        dv.error = "Not in the Prices sheet: type its prices into this row."
        return dv
    if f.kind == "option":
        dv = list_check(options_range, f.name, prompt)
        dv.allow_blank = True
        return dv
    bounds = {
        "whole": ("whole", "greaterThanOrEqual", f.minimum, None),
        "number": ("decimal", "greaterThanOrEqual", f.minimum, None),
        "share": ("decimal", "between", 0, 1),
        "growth": ("decimal", "greaterThan", -1, None),
        "percentile": ("decimal", "between", 0, 100),
    }.get(f.kind)
    if bounds is None or bounds[2] is None:
        return prompt_only(f.name, prompt)
    kind, operator, low, high = bounds
    dv = DataValidation(type=kind, operator=operator, formula1=f"{low:g}",
                        formula2=None if high is None else f"{high:g}", allow_blank=True,
                        showErrorMessage=True, showInputMessage=True)
    dv.errorTitle = f.name
    dv.error = f"{f.name} must be {f.expected}."
    dv.promptTitle = f.name
    dv.prompt = prompt
    return dv


def list_check(source: str, title: str, prompt: str) -> DataValidation:
    dv = DataValidation(type="list", formula1=source, allow_blank=True, showErrorMessage=True,
                        showInputMessage=True)
    dv.errorTitle = title
    dv.error = f"Pick {title} from the list."
    dv.promptTitle = title
    dv.prompt = prompt[:250]
    return dv


def prompt_only(title: str, prompt: str) -> DataValidation:
    """No check, just the input message shown when the cell is selected."""
    dv = DataValidation(allow_blank=True, showInputMessage=True)
    dv.promptTitle = title[:32]
    dv.prompt = prompt[:250]
    return dv
