"""Which options the memo's columns-across tables show, and the ranking of every option.

A column per option stays legible up to MAX_COLUMNS options on an A4 page. With more,
the side-by-side table and the dated view show the baseline, the recommended option and
then the best others by rank (present value, cost-model.md "Ties": equal present values
share a rank, and the earlier row goes first), and a compact table ranks every option,
one row each.
"""

from __future__ import annotations

from ftreport.engine.analysis import qualifying
from ftreport.model.format import Formatter
from ftreport.model.results import Analysis
from ftreport.report.views import OptionView, Ranking, RankingRow

# Five columns beside the labels keep every figure of the side-by-side table on one line
# of an A4 page (templates/memo.css); the table was already split into groups of five.
MAX_COLUMNS = 5


def shown_indices(analysis: Analysis, limit: int = MAX_COLUMNS) -> list[int]:
    """The options a columns-across table shows: all of them, in the workbook's order, when
    they fit; else the baseline, the recommended option and the best others by rank."""
    count = len(analysis.options)
    if count <= limit:
        return list(range(count))
    chosen = list(dict.fromkeys([analysis.baseline, analysis.recommended]))
    others = [i for i in ranked_indices(analysis) if i not in chosen]
    return chosen + others[:limit - len(chosen)]


def ranked_indices(analysis: Analysis) -> list[int]:
    """Every option, best rank first; options of equal rank in the workbook's order."""
    ranks = analysis.results["rank"]
    return sorted(range(len(analysis.options)), key=lambda i: (float(ranks[i]), i))


def ranking(analysis: Analysis, options: list[OptionView], shown: list[OptionView],
            fmt: Formatter) -> Ranking | None:
    """The table ranking every option, None when every option has its own column."""
    left_out = len(options) - len(shown)
    if left_out <= 0:
        return None
    floor = analysis.book.scenario.min_quality
    meets = qualifying(analysis.book)
    more = (f"{left_out} more option is" if left_out == 1 else f"{left_out} more options are")
    chosen = ("the baseline, which stays the recommendation," if
              analysis.recommended == analysis.baseline
              else "the baseline, the recommended option")
    sentence = (f"With {len(options)} options, the table shows {len(shown)}: {chosen} and "
                f"the best others by present value. {more} ranked in the table below, which "
                "lists every option.")
    rows = [RankingRow(rank=o.rank, name=o.name, approach=o.approach,
                       total_cost=o.total_cost, npv_cost=o.npv_cost, savings=o.savings,
                       break_even_day=o.break_even_day, quality_score=o.quality_score,
                       meets_floor=("yes" if meets[i] else "no") if floor is not None else "",
                       p_cheapest=o.p_cheapest, is_baseline=o.is_baseline,
                       is_recommended=o.is_recommended)
            for i, o in ((i, options[i]) for i in ranked_indices(analysis))]
    return Ranking(sentence, rows, "" if floor is None else fmt.number(floor))
