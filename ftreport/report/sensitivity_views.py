"""The memo's joint-sensitivity section: the spider, the rank correlations with their
contribution to variance, and the caveat that tornado and spider are one-at-a-time."""

from __future__ import annotations

from dataclasses import dataclass

from ftreport.model.format import Formatter
from ftreport.model.results import Analysis, SimulationResult
from ftreport.report import charts
from ftreport.report.input_values import input_label
from ftreport.report.risk_charts import rank_correlation_chart, spider_chart


@dataclass(frozen=True)
class JointSensitivityView:
    caveat: str
    spider: str  # SVG ("" without uncertain inputs)
    spider_alt: str
    ranks: str  # SVG ("" when no input's correlation is defined)
    ranks_alt: str


def joint_sensitivity_view(analysis: Analysis, simulation: SimulationResult | None,
                           fmt: Formatter) -> JointSensitivityView | None:
    if simulation is None or not simulation.spider:
        return None
    names = [o.name for o in analysis.options]
    focus = names.index(simulation.featured_option)
    base = float(analysis.results["savings_vs_baseline"][focus])
    moving = simulation.spider  # the inputs that move the savings (the tornado's)
    spider = spider_chart(
        [charts.Series(input_label(line.input, line.option), line.percentiles, line.savings, k)
         for k, line in enumerate(moving)], base, money=fmt.compact_money,
        title=f"Savings of {names[focus]} as each input moves through its range",
        x_label="The input's percentile (every other input at its base value)")
    defined = [c for c in simulation.rank_correlations if c.rho is not None]
    ranks = rank_correlation_chart(
        [input_label(c.input, c.option) for c in defined], [float(c.rho) for c in defined],  # type: ignore[arg-type]
        [fmt.percent(c.variance_share) for c in defined],
        title=f"What the savings of {names[focus]} move with") if defined else None
    samples = simulation.rank_correlations[0].samples if simulation.rank_correlations else 0
    caveat = ("The tornado and the spider move one input at a time, every other input at "
              "its base value, so they show neither interactions nor how the inputs vary "
              "together. The rank correlations come from all uncertain inputs varying at "
              f"once over {samples:,} draws of the simulation; each input's share of the "
              "variance is its squared correlation over the sum for all inputs. They "
              "measure association, not cause.")
    return JointSensitivityView(caveat, spider, spider.alt, ranks or "",
                                ranks.alt if ranks else "")
