"""Every Excel formula of a report, keyed like the values it computes.

``RESULTS`` has one entry per Results column (ftreport.model.outputs.SHEET_OUTPUTS),
``SCENARIO_WORKINGS`` and ``OPTION_WORKINGS`` one per Workings quantity (the
keys of ftreport.engine.workings), and the ``timeline_*`` functions give the
Timeline's per-day formulas. docs/results-sheets.md explains each one. The
formulas use only functions Excel 2007+ and LibreOffice 7.4 both compute, and
name every constant (the Constants sheet).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from ftreport.workbook.cells import column_letter
from ftreport.workbook.layout import OptionRefs, References

OptionFormula = Callable[[OptionRefs], str]
ScenarioFormula = Callable[[References], str]
# Stands for the row in a Timeline formula (a character no sheet or name can hold).
ROW = "\0"
# The defined name of the message "inputs changed since this simulation: re-run ftreport".
RERUN = "rerun_message"


def _log1p(x: str) -> str:
    # ln(1+x) without losing digits for tiny x (Kahan's trick; Excel has no LOG1P).
    return f"IF(1+{x}=1,{x},LN(1+{x})*{x}/((1+{x})-1))"


def _geometric(step: str, over: str, count: str) -> str:
    # sum of step^j for j=0..count-1 = (over-1)/(step-1) with over = step^count, with
    # Kahan's correction (w-1)/LN(w) so it stays exact when the step is within a hair of 1.
    return (f"IF({step}=1,{count},{count}*(({over}-1)/LN({over}))"
            f"/(({step}-1)/LN({step})))")


def _training_runs(retrain_every_days: str, day: str) -> str:
    """``n(d)``: runs started by the end of day ``d`` (first at 0, then every R days)."""
    r = retrain_every_days
    return f"IF({r}>0,MAX(1,1+INT(({day}-1)/{r})),1)"


def _baseline(key: str) -> str:
    return f"INDEX(res_{key},baseline_row)"


def _if_positive(test: str, value: str) -> str:
    return f'IF({test}>0,{value},"")'


BASE_TOTAL = _baseline("total_cost")
RECOMMENDED_BREAK_EVEN = "recommended_break_even_day"


def _not_dearer(cost: str, other: str) -> str:
    """``cost`` is no more than the tolerance above ``other`` (cost-model.md, "Ties")."""
    return f"{cost}-{other}<=cost_tolerance*MAX(ABS({cost}),ABS({other}))"


def _recommended_row() -> str:
    # cost-model.md "Ties": the baseline when it ties the lowest, else the first row that
    # does (not the lowest itself: a later row a hair cheaper is equal, and loses).
    return ("IF(INDEX(wk_ties_lowest,baseline_row)=1,baseline_row,"
            "MATCH(1,wk_ties_lowest,0))")


def _ties_lowest(o: OptionRefs) -> str:
    score, lowest = o.working("recommend_score"), "MIN(wk_recommend_score)"
    return f"IF(ISNUMBER({score}),IF({_not_dearer(score, lowest)},1,0),0)"


def _chart_marker_top(refs: References) -> str:
    last = column_letter(3 + refs.options)
    return f"MAX(Timeline!$C$2:${last}${refs.last_day_row})"


SCENARIO_WORKINGS: dict[str, ScenarioFormula] = {
    "growth_log1p": lambda x: _log1p(x.scenario["monthly_growth"]),
    "daily_log_growth": lambda x: "growth_log1p*months_per_year/days_per_year",
    "discount_log1p": lambda x: _log1p(x.scenario["discount_rate"]),
    "daily_log_discount": lambda x: "-discount_log1p/days_per_year",
    "daily_growth_factor": lambda x: "EXP(daily_log_growth)",
    "growth_over_horizon": lambda x: f"EXP(daily_log_growth*{x.scenario['horizon_days']})",
    "volume_factor_horizon": lambda x: _geometric(
        "daily_growth_factor", "growth_over_horizon", x.scenario["horizon_days"]),
    "discount_per_day": lambda x: "EXP(daily_log_discount)",
    "discount_over_horizon": lambda x: f"EXP(daily_log_discount*{x.scenario['horizon_days']})",
    "fixed_pv_factor": lambda x: "discount_per_day*" + _geometric(
        "discount_per_day", "discount_over_horizon", x.scenario["horizon_days"]),
    "usage_step": lambda x: "EXP(daily_log_growth+daily_log_discount)",
    "usage_over_horizon": lambda x: (
        f"EXP((daily_log_growth+daily_log_discount)*{x.scenario['horizon_days']})"),
    "usage_pv_factor": lambda x: "discount_per_day*" + _geometric(
        "usage_step", "usage_over_horizon", x.scenario["horizon_days"]),
    "baseline_row": lambda x: (
        f'IF({x.scenario["baseline_option"]}="",IFERROR(MATCH("prompting",wk_approach,0),1),'
        f'MATCH({x.scenario["baseline_option"]},wk_name,0))'),
    "any_qualifying": lambda x: "IF(SUM(wk_qualifies)>0,1,0)",
    "recommended_row": lambda x: _recommended_row(),
    "recommended_option": lambda x: "INDEX(res_name,recommended_row)",
    "recommended_total_cost": lambda x: "INDEX(res_total_cost,recommended_row)",
    "recommended_savings": lambda x: "INDEX(res_savings_vs_baseline,recommended_row)",
    "recommended_break_even_day": lambda x: "INDEX(res_break_even_day,recommended_row)",
    # The two cells of the Timeline chart's break-even line.
    "chart_marker_day": lambda x: (f'IF(OR(recommended_row=baseline_row,'
                                   f'{RECOMMENDED_BREAK_EVEN}=""),NA(),'
                                   f'{RECOMMENDED_BREAK_EVEN})'),
    "chart_marker_top": _chart_marker_top,
}


# The option's name and approach: its Options cells themselves.
OPTION_TEXT: dict[str, OptionFormula] = {
    key: lambda o, key=key: o.input(key) for key in ("name", "approach")}


def _qualifies(o: OptionRefs) -> str:
    q, floor = o.input("quality_score"), o.scenario["min_quality"]
    return f'IF({floor}="",1,IF(AND(ISNUMBER({q}),{q}>={floor}),1,0))'


def _training_pv_factor(o: OptionRefs) -> str:
    # Runs are paid at days 0, R, 2R, ...: sum of δ^(kR) for k < runs.
    retrain, runs = o.input("retrain_every_days"), o.result("training_runs")
    return _geometric(f"EXP(daily_log_discount*{retrain})",
                      f"EXP(daily_log_discount*{retrain}*{runs})", runs)


def _unit_gap(o: OptionRefs) -> str:
    return f"{_baseline('cost_per_request')}-{o.result('cost_per_request')}"


OPTION_WORKINGS: dict[str, OptionFormula] = {
    **OPTION_TEXT,
    "qualifies": _qualifies,
    "recommend_score": lambda o: (f'IF(OR(any_qualifying=0,{o.working("qualifies")}=1),'
                                  f'{o.result("npv_cost")},"")'),
    "training_pv_factor": _training_pv_factor,
    "investment": lambda o: f"{o.result('upfront_cost')}+{o.result('training_cost_per_run')}",
    "extra_investment": lambda o: (f"{o.working('investment')}"
                                   "-INDEX(wk_investment,baseline_row)"),
    "daily_saving": lambda o: (f"({_unit_gap(o)})*{o.scenario['requests_per_day']}"
                               f"+{_baseline('daily_fixed_cost')}"
                               f"-{o.result('daily_fixed_cost')}"),
    "fixed_part": lambda o: (f"{o.result('upfront_cost')}+{o.result('training_runs')}"
                             f"*{o.result('training_cost_per_run')}"
                             f"+{o.result('daily_fixed_cost')}*{o.scenario['horizon_days']}"),
    "unit_gap": _unit_gap,
    "training_token_cost": lambda o: (f"{o.result('training_runs')}*{o.input('epochs')}"
                                      f"*{o.input('price_training_per_1m')}"
                                      "/tokens_per_price_unit"),
    "batch_factor": lambda o: (f"1-{o.input('batch_share')}*{o.input('batch_discount')}"
                               if o.has_input("batch_share") and o.has_input("batch_discount")
                               else "1"),  # a workbook older than the batch columns
    "ties_lowest": _ties_lowest,
}


def _cost_per_request(o: OptionRefs) -> str:
    tokens, share = o.input("input_tokens"), o.input("cached_input_share")
    return (f"({tokens}*(1-{share})*{o.input('price_input_per_1m')}"
            f"+{tokens}*{share}*{o.input('price_cached_input_per_1m')}"
            f"+{o.input('output_tokens')}*{o.input('price_output_per_1m')})"
            f"/tokens_per_price_unit*{o.working('batch_factor')}")


def _break_even_day(o: OptionRefs) -> str:
    marks, horizon = o.marks(), o.scenario["horizon_days"]
    # A horizon made longer than the Timeline: the re-run message, not #REF!.
    return (f'IF({horizon}>timeline_days,{RERUN},'
            f'IF(INDEX({marks},{horizon}+1)>0,"",MAX({marks})))')


def _break_even_requests_per_day(o: OptionRefs) -> str:
    gap = o.working("unit_gap")
    return (f'IF({gap}<>0,({o.working("fixed_part")}-INDEX(wk_fixed_part,baseline_row))'
            f'/({gap}*volume_factor_horizon),"")')


def _break_even_tokens_per_hour(o: OptionRefs) -> str:
    volume = o.own("break_even_requests_per_day")
    return (f'IF(ISNUMBER({volume}),{volume}*({o.input("input_tokens")}'
            f'+{o.input("output_tokens")})/hours_per_day,"")')


def _rank(o: OptionRefs) -> str:
    # 1 + the options cheaper beyond the tolerance; MAX(|a|,|b|) per element is
    # (|a|+|b|+||a|-|b||)/2, as SUMPRODUCT takes no MAX of arrays.
    npv, others = o.own("npv_cost"), "res_npv_cost"
    larger = f"(ABS({npv})+ABS({others})+ABS(ABS({npv})-ABS({others})))/2"
    return f"1+SUMPRODUCT(--({npv}-{others}>cost_tolerance*{larger}))"


def _roi(o: OptionRefs) -> str:
    # Investment beyond the baseline: up-front cost plus every training run over the horizon.
    keys = ("upfront_cost", "training_runs", "training_cost_per_run")
    own = "{}+{}*{}".format(*(o.own(k) for k in keys))
    base = "{}+{}*{}".format(*(_baseline(k) for k in keys))
    investment = f"(({own})-({base}))"
    return f'IF({investment}>0,{o.own("savings_vs_baseline")}/{investment},"")'


RESULTS: dict[str, OptionFormula] = {
    **OPTION_TEXT,
    "cost_per_request": _cost_per_request,
    "daily_fixed_cost": lambda o: (f"{o.input('hosting_per_hour')}"
                                   f"*{o.input('hosting_hours_per_day')}"
                                   f"+{o.input('monthly_fixed_cost')}"
                                   "*months_per_year/days_per_year"),
    "training_cost_per_run": lambda o: (f"{o.input('training_tokens')}*{o.input('epochs')}"
                                        f"*{o.input('price_training_per_1m')}"
                                        f"/tokens_per_price_unit+{o.input('training_hours')}"
                                        f"*{o.input('price_per_training_hour')}"),
    "training_runs": lambda o: _training_runs(o.input("retrain_every_days"),
                                              o.scenario["horizon_days"]),
    "upfront_cost": lambda o: f"{o.input('one_time_cost')}+{o.input('data_generation_cost')}",
    "total_cost": lambda o: (f"{o.own('upfront_cost')}+{o.own('training_runs')}"
                             f"*{o.own('training_cost_per_run')}"
                             f"+{o.own('daily_fixed_cost')}*{o.scenario['horizon_days']}"
                             f"+{o.own('cost_per_request')}*{o.scenario['requests_per_day']}"
                             "*volume_factor_horizon"),
    "npv_cost": lambda o: (f"{o.own('upfront_cost')}+{o.own('training_cost_per_run')}"
                           f"*{o.working('training_pv_factor')}"
                           f"+{o.own('daily_fixed_cost')}*fixed_pv_factor"
                           f"+{o.own('cost_per_request')}*{o.scenario['requests_per_day']}"
                           "*usage_pv_factor"),
    "savings_vs_baseline": lambda o: f"{BASE_TOTAL}-{o.own('total_cost')}",
    "savings_pct": lambda o: _if_positive(BASE_TOTAL,
                                          f"{o.own('savings_vs_baseline')}/{BASE_TOTAL}"),
    "break_even_day": _break_even_day,
    "steady_state_break_even_days": lambda o: _if_positive(
        o.working("daily_saving"),
        f'MAX({o.working("extra_investment")}/{o.working("daily_saving")},0)'),
    "max_training_tokens": lambda o: _if_positive(
        o.working("training_token_cost"),
        f'{o.input("training_tokens")}+{o.own("savings_vs_baseline")}'
        f'/{o.working("training_token_cost")}'),
    "break_even_requests_per_day": _break_even_requests_per_day,
    "break_even_tokens_per_hour": _break_even_tokens_per_hour,
    "roi": _roi,
    "rank": _rank,
    "is_baseline": lambda o: f"{o.working('option_no')}=baseline_row",
    "recommended": lambda o: f"{o.working('option_no')}=recommended_row",
}


# Timeline: one row per day. Most formulas are the same on every row but for the row
# number, written ROW: the writer fills it in with ``str(row).join(formula.split(ROW))``.

def timeline_volume(row: int) -> str:
    """``V(d)/N0`` on ``row`` (day 1 onwards): the row above plus ``q^(d-1)``."""
    return f"=B{row - 1}+EXP(daily_log_growth*(A{row}-1))"


def timeline_baseline(refs: References) -> str:
    first, last = refs.cost_column(0), refs.cost_column(refs.options - 1)
    return f"=INDEX(${first}{ROW}:${last}{ROW},baseline_row)"


def timeline_cost(o: OptionRefs) -> str:
    """``C(d)`` of the option on the row's day, from its Results row."""
    return (f"={o.result('upfront_cost')}"
            f"+{_training_runs(o.input('retrain_every_days'), f'$A{ROW}')}"
            f"*{o.result('training_cost_per_run')}+{o.result('daily_fixed_cost')}*$A{ROW}"
            f"+{o.result('cost_per_request')}*{o.scenario['requests_per_day']}*$B{ROW}")


def timeline_mark(o: OptionRefs) -> str:
    """The payback mark: d+1 when dearer than the baseline on day d, else 0."""
    c = f"{o.refs.cost_column(o.i)}{ROW}"
    return (f"=IF(AND($A{ROW}<={o.scenario['horizon_days']},{c}-$C{ROW}>cost_tolerance"
            f"*MAX(ABS({c}),ABS($C{ROW}))),$A{ROW}+1,0)")


# Periods (cost-model.md, "Dates"): the start date in use, months and fiscal years, and
# what each option spends in them, from the Timeline's cumulative costs.



def period_start(refs: References, default: date) -> str:
    """Day 1: start_date (a date, or a date typed as ISO text), else the day after the run
    (a constant: TODAY() is volatile)."""
    start = refs.scenario.get("start_date")
    fallback = f"DATE({default.year},{default.month},{default.day})"
    if not start:
        return fallback
    return f"IF(ISNUMBER({start}),INT({start}),IFERROR(DATEVALUE({start}),{fallback}))"


def period_fy_month(refs: References) -> str:
    month = refs.scenario.get("fiscal_year_start_month")
    return f"IF(ISNUMBER({month}),{month},1)" if month else "1"


PERIOD_FY_FIRST = ("DATE(YEAR(period_start)-IF(MONTH(period_start)<period_fy_month,1,0),"
                   "period_fy_month,1)")


def month_first(k: int) -> str:
    """The first of the ``k``-th month of the horizon (1 = start_date's month)."""
    return f"DATE(YEAR(period_start),MONTH(period_start)+{k - 1},1)"


def month_days(k: int, row: int, horizon: str) -> tuple[str, str]:
    """First and last day numbers of month ``k`` (its first of month in column A)."""
    return (f"MAX(A{row},period_start)-period_start+1",
            f"MIN(DATE(YEAR(A{row}),MONTH(A{row})+1,1)-period_start,{horizon})")


def fiscal_year_label(j: int) -> str:
    return f'"FY"&(YEAR(period_fy_first)+{j - 1}+IF(period_fy_month>1,1,0))'


def fiscal_year_days(j: int, horizon: str) -> tuple[str, str]:
    return (f"MAX(1,DATE(YEAR(period_fy_first)+{j - 1},period_fy_month,1)-period_start+1)",
            f"MIN({horizon},DATE(YEAR(period_fy_first)+{j},period_fy_month,1)-period_start)")


def period_date(row: int, day_column: str) -> str:
    """The calendar date of the day number in ``day_column``; blank past the horizon."""
    return f'IF(D{row}>E{row},"",period_start+{day_column}{row}-1)'


def period_cost(row: int, timeline: str) -> str:
    """``C(last day) - C(day before)``, day 0 in the first period; "re-run" when the
    horizon was made longer than the Timeline."""
    return (f'IF(D{row}>E{row},"",IF(E{row}>timeline_days,{RERUN},'
            f"INDEX({timeline},E{row}+1)-IF(D{row}=1,0,INDEX({timeline},D{row}))))")


def timeline_date() -> str:
    """The calendar date of the row's day (day 0: the day before day 1)."""
    return f"=period_start+$A{ROW}-1"
