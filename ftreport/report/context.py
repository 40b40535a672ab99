"""The data handed to the memo templates: a plain view model built from a RunResult.

Every number is the engine's number (the analysis's results schema values and
the simulation's summary), already formatted for the workbook's currency, so
the templates hold no arithmetic and a firm's own templates cannot get a figure
wrong. Strings from the analyst's workbook are passed through as they are; the
template environment escapes them.

Calendar dates: day 1 of the horizon is the day after the memo is generated
(generation time is ``SOURCE_DATE_EPOCH`` when set, for reproducible output).

The parts: views (what the templates receive), options (the side-by-side table
and the cumulative cost chart), decision (page one), risk (the simulation),
factors (the qualitative factors), appendix (the inputs), ranking (which options
have a column when not all fit, and the ranking of every option).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from ftreport import __version__
from ftreport.engine.compare import COST_TOLERANCE
from ftreport.engine.plausibility import price_rows_used
from ftreport.engine.tally import SEED_000
from ftreport.model.format import MISSING, Formatter, calendar_date, date_of_day
from ftreport.model.inputs import ScenarioBook
from ftreport.model.results import RunResult
from ftreport.model.schema import BOOK_CURRENCY
from ftreport.report.appendix import appendix
from ftreport.report.ask import decision_block, sign_off
from ftreport.report.breakeven_view import break_even_map_view
from ftreport.report.dated import dated_view
from ftreport.report.decision import decision
from ftreport.report.factors import factors_view
from ftreport.report.options import DAYS_PER_MONTH, cumulative_chart, option_views
from ftreport.report.prices_used import prices_used
from ftreport.report.ranking import ranking, shown_indices
from ftreport.report.risk import risk_picture, trim_range
from ftreport.report.scenario_table import scenarios_view
from ftreport.report.scurve_chart import s_curve_view
from ftreport.report.sensitivity_views import joint_sensitivity_view
from ftreport.report.views import MemoContext, Meta, WarningView


def build_context(result: RunResult, generated_at: datetime) -> MemoContext:
    """The memo's view model for ``result``, generated at ``generated_at``."""
    analysis, simulation = result.analysis, result.simulation
    fmt = Formatter(analysis.book.scenario.currency)
    first_day = analysis.book.scenario.start_date or generated_at.date() + timedelta(days=1)
    options = option_views(analysis, simulation, fmt, first_day)
    shown = shown_indices(analysis)
    shown_options = [options[i] for i in shown]
    rec = options[analysis.recommended]
    meta = _meta(result, fmt, generated_at, first_day)
    risk = risk_picture(analysis, simulation, fmt, shown) if simulation is not None else None
    factors = factors_view(analysis.book.factors, rec)
    return MemoContext(
        meta=meta,
        decision=decision(analysis, simulation, options, risk, factors, fmt),
        options=options,
        recommended=rec,
        baseline=options[analysis.baseline],
        cumulative_chart=cumulative_chart(analysis, shown_options, fmt, first_day),
        risk=risk,
        factors=factors,
        warnings=[WarningView(w.option or "", w.message) for w in analysis.warnings],
        appendix=appendix(analysis.book, fmt),
        dated=dated_view(analysis, fmt, first_day, [o.index for o in shown_options]),
        prices_used=prices_used(analysis.book, analysis.book.prices),
        methodology={
            "days_per_month": f"{DAYS_PER_MONTH:.4g}",
            "trim_low": f"{analysis.book.scenario.trim_low_pct:g}",
            "trim_high": f"{analysis.book.scenario.trim_high_pct:g}",
            "seed_000_trim": trim_range(analysis.book.scenario, fmt)
            if analysis.book.scenario.trim_mode == SEED_000 else "",
            "first_day": meta.first_day,
            "tolerance": f"{COST_TOLERANCE:g}",
            "day_one_is_start_date": analysis.book.scenario.start_date is not None,
            # The ROI as this memo prints it, of the recommended option; none when that is
            # the baseline or its ROI is blank.
            "roi_example": "" if rec.is_baseline or rec.roi == MISSING else rec.roi,
            "roi_option": rec.name,
        },
        scenarios=scenarios_view(result, fmt),
        break_even_map=break_even_map_view(result.break_even_map, fmt),
        joint_sensitivity=joint_sensitivity_view(analysis, simulation, fmt),
        s_curve=s_curve_view(simulation, fmt, {o.name for o in shown_options}),
        ask=decision_block(analysis.book.scenario, fmt),
        sign_off=sign_off(analysis.book.scenario),
        shown_options=shown_options,
        ranking=ranking(analysis, options, shown_options, fmt),
    )


def _meta(result: RunResult, fmt: Formatter, generated_at: datetime, first_day: date) -> Meta:
    book, simulation = result.book, result.simulation
    s = book.scenario
    return Meta(
        title=f"Decision memo: {s.scenario_name}" if s.scenario_name else "Decision memo",
        scenario_name=s.scenario_name or "Untitled scenario",
        prepared_by=s.prepared_by or "",
        currency=fmt.currency,
        horizon=fmt.days(s.horizon_days),
        horizon_days=s.horizon_days,
        requests_per_day=fmt.count(s.requests_per_day),
        monthly_growth=fmt.percent(s.monthly_growth),
        volume_trend=fmt.volume_trend(s.monthly_growth),
        discount_rate=fmt.percent(s.discount_rate),
        generated_at=generated_at.strftime("%Y-%m-%d %H:%M UTC"),
        generated_iso=generated_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        generated_date=calendar_date(generated_at.date()),
        first_day=calendar_date(first_day),
        last_day=calendar_date(date_of_day(first_day, s.horizon_days)),
        version=__version__,
        input_file=book.path.name,
        input_sha256=book.sha256,
        seed=str(simulation.seed if simulation is not None else s.mc_seed),
        pricebook_date=book.prices.as_of,
        **prices_checked(book, fmt),
        simulated=simulation is not None,
    )


def prices_checked(book: ScenarioBook, fmt: Formatter) -> dict[str, str]:
    """When the price-book rows the options use were checked, and the exchange rate their
    prices were converted at (none for USD, or when no price comes from the book)."""
    rows = {row for _, row in price_rows_used(book, book.prices)}
    dates = sorted({row.checked.isoformat() for row in rows})
    if not dates:
        return {"prices_checked": "prices typed in", "fx_note": ""}
    span = dates[0] + (f" to {dates[-1]}" if len(dates) > 1 else "")
    fx = (f"prices converted at {book.scenario.price_rate:,.6g} {fmt.currency} per USD"
          if fmt.currency != BOOK_CURRENCY else "")
    return {"prices_checked": f"prices checked {span} ({len(rows)} row"
            f"{'s' if len(rows) != 1 else ''})", "fx_note": fx}
