"""A SIPmath 3.0 library (ProbabilityManagement.org's open standard) of the simulation:
one SIP per uncertain input and per key output (each option's total cost and savings),
so the results open in other SIPmath tools.

A 3.0 SIP is not the trials themselves but a recipe for them: a metalog quantile
function (``Metalog_1_0``, its ``aCoefficients`` fitted here by least squares to the
SIP's quantiles) fed by a uniform stream (``HDR_2_0``) through a Gaussian copula that
keeps the variables' rank dependence (their normal-score correlation matrix). The
streams' seeds record ``mc_seed`` (``seed3``); a SIPmath tool draws its own trials from
them, with the same distributions and dependence, not ftreport's very numbers (those
are in the --trials file). Quantiles and correlations come from at most
``SIP_SAMPLE`` evenly spaced iterations (memory stays bounded); count, mean, min and
max from all.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np

from ftreport import __version__
from ftreport.engine.costs import Array
from ftreport.engine.trials import TrialChunk
from ftreport.export.trials import output_column
from ftreport.fileio import atomic_write
from ftreport.model import ScenarioBook

LIBRARY_TYPE = "SIPmath_3_0"
SIP_OUTPUTS = ("total_cost", "savings_vs_baseline")  # the key outputs, per option
SIP_SAMPLE = 65_536  # iterations kept per SIP for its quantiles and correlations
METALOG_TERMS = 5  # as PySIPmath's default; fewer when 5 would not be increasing
HDR_SEED_LIMIT = 2**31 - 1  # HDR seeds are 32-bit signed integers
PERCENTILES = (5, 25, 50, 75, 95)


class SipCollector:
    """What the library needs of every chunk: an evenly spaced sample of each SIP's
    trials, and its exact count, sum, min and max."""

    def __init__(self, options: list[str], iterations: int):
        self.options = options
        self.iterations = iterations  # the simulation's, as it ran
        self.stride = max(1, math.ceil(iterations / SIP_SAMPLE))
        self.kept: dict[str, list[Array]] = {}
        self.sums: dict[str, list[float]] = {}  # count, sum, min, max

    def add(self, chunk: TrialChunk) -> None:
        first = (-chunk.start) % self.stride
        variables = dict(chunk.inputs)
        for key in SIP_OUTPUTS:
            for i, option in enumerate(self.options):
                variables[output_column(key, option)] = chunk.outputs[key][i]
        for name, values in variables.items():
            self.kept.setdefault(name, []).append(np.array(values[first::self.stride]))
            count, total, low, high = self.sums.get(name, [0, 0.0, math.inf, -math.inf])
            self.sums[name] = [count + values.size, total + float(np.sum(values)),
                               min(low, float(np.min(values))), max(high, float(np.max(values)))]

    def samples(self) -> dict[str, Array]:
        return {name: np.concatenate(parts) for name, parts in self.kept.items()}


def metalog_basis(y: Array, terms: int) -> Array:
    """The unbounded metalog's basis at probabilities ``y``: 1, L, (y-.5)L, (y-.5),
    (y-.5)^2, (y-.5)^2 L, (y-.5)^3, ... with L = ln(y / (1-y)) (Keelin 2016)."""
    logit, centred = np.log(y / (1.0 - y)), y - 0.5
    columns = [np.ones_like(y), logit, centred * logit, centred]
    for j in range(5, terms + 1):
        power = centred ** ((j - 1) // 2)
        columns.append(power if j % 2 else power * logit)
    return np.column_stack(columns[:terms])


def fit_metalog(values: Array) -> list[float]:
    """Least-squares metalog coefficients for the sorted ``values`` at the plotting
    positions (i - 0.5)/n: the most terms up to METALOG_TERMS whose quantile function
    increases (a valid distribution); a constant is ``[value, 0]``."""
    x = np.sort(values)
    if x[0] == x[-1]:
        return [float(x[0]), 0.0]
    y = (np.arange(1, x.size + 1) - 0.5) / x.size
    check = np.linspace(0.001, 0.999, 999)
    for terms in range(METALOG_TERMS, 1, -1):
        coefficients = np.linalg.lstsq(metalog_basis(y, terms), x, rcond=None)[0]
        if np.all(np.diff(metalog_basis(check, terms) @ coefficients) > 0):
            return [float(c) for c in coefficients]
    # Two terms always increase when the logit's coefficient is positive.
    return [float(np.mean(x)), float(max(np.std(x) * math.sqrt(3) / math.pi, 1e-300))]


def normal_score_correlation(samples: dict[str, Array]) -> Array:
    """The Gaussian copula's matrix: the Pearson correlation of the normal scores of
    each variable's ranks (ties in table order); a constant correlates with nothing."""
    from scipy import special

    names = list(samples)
    n = len(next(iter(samples.values())))
    scores = special.ndtri((np.arange(n) + 0.5) / n)
    columns = []
    for name in names:
        column = np.empty(n)
        column[np.argsort(samples[name], kind="stable")] = scores
        columns.append(column)
    matrix = np.corrcoef(np.array(columns)) if len(names) > 1 else np.ones((1, 1))
    constant = [i for i, name in enumerate(names) if np.ptp(samples[name]) == 0]
    matrix[constant, :] = 0.0
    matrix[:, constant] = 0.0
    np.fill_diagonal(matrix, 1.0)
    return matrix


def library(collector: SipCollector, book: ScenarioBook) -> dict[str, Any]:
    """The SIPmath 3.0 library as a JSON-ready dict."""
    s = book.scenario
    samples = collector.samples()
    names = list(samples)
    seed3 = int(s.mc_seed) % HDR_SEED_LIMIT
    rngs = [{"name": f"hdr{k}", "function": "HDR_2_0",
             "arguments": {"counter": "PM_Index", "entity": 1, "varId": k, "seed3": seed3,
                           "seed4": 0}} for k in range(1, len(names) + 1)]
    matrix = normal_score_correlation(samples)
    sips = []
    for k, name in enumerate(names, start=1):
        count, total, low, high = collector.sums[name]
        quantiles = np.percentile(samples[name], PERCENTILES)
        metadata: dict[str, Any] = {"count": count, "mean": total / count, "min": low,
                                    "max": high, "mc_seed": int(s.mc_seed)}
        metadata.update({f"P{p}": float(q) for p, q in zip(PERCENTILES, quantiles,
                                                              strict=True)})
        sips.append({"name": name,
                     "ref": {"source": "copula", "name": "Gaussian", "copulaLayer": f"c{k}"},
                     "function": "Metalog_1_0",
                     "arguments": {"aCoefficients": fit_metalog(samples[name])},
                     "metadata": metadata})
    entries = [{"row": names[i], "col": names[j], "value": float(matrix[i, j])}
               for i in range(len(names)) for j in range(i, len(names))]
    return {
        "name": s.scenario_name or book.path.stem,
        "objectType": "sipModel",
        "libraryType": LIBRARY_TYPE,
        "dateCreated": book.run_date.strftime("%m-%d-%Y"),
        "provenance": (f"ftreport {__version__}: {collector.iterations:,} iterations, mc_seed "
                       f"{s.mc_seed}, mc_sampling {s.mc_sampling}, from {book.path.name}"),
        "globalVariables": [{"name": "correlationMatrix",
                             "value": {"columns": names, "rows": names, "matrix": entries}}],
        "U01": {"rng": rngs,
                "copula": [{"name": "Gaussian", "function": "GaussianCopula",
                            "arguments": {"correlationMatrix": {"type": "globalVariables",
                                                                "value": "correlationMatrix"},
                                          "rng": [r["name"] for r in rngs]},
                            "copulaLayer": [f"c{k}" for k in range(1, len(names) + 1)]}]},
        "sips": sips,
        "version": "1",
    }


def write_sipmath(path: str | Path, collector: SipCollector, book: ScenarioBook) -> None:
    """Write the library to ``path`` atomically."""
    text = json.dumps(library(collector, book), indent=2, allow_nan=False)
    with atomic_write(path) as temp:
        temp.write_text(text + "\n", encoding="utf-8")
