"""Values (1-D, your own numbers): the real and the fake values as two overlaid histograms
on the same bins, red and blue, so their shapes can be compared at a glance.

Trace order is fixed (a tick patches by index): 0 real, 1 fake."""
from __future__ import annotations

import numpy as np
from dash import Patch

from app.figures import FAKE_COLOUR, REAL_COLOUR, base_layout, samples_title

BINS = 40


def _values(samples: np.ndarray) -> list:
    return [round(float(v), 5) for v in np.asarray(samples).reshape(-1)]


def _bins(target) -> dict:
    x0, x1 = target.x_range
    return {"start": x0, "end": x1, "size": (x1 - x0) / BINS}


def samples_figure(target, real: np.ndarray, fake: np.ndarray, large: bool = False,
                   options: frozenset = frozenset(), verdicts=((), ()), explanation=None,
                   moment: str = "") -> dict:
    bins = _bins(target)
    return {
        "data": [
            {"type": "histogram", "name": "real", "x": _values(real), "xbins": bins, "histnorm": "probability density",
             "marker": {"color": REAL_COLOUR, "line": {"width": 0}}, "opacity": 0.55},
            {"type": "histogram", "name": "fake", "x": _values(fake), "xbins": bins, "histnorm": "probability density",
             "marker": {"color": FAKE_COLOUR, "pattern": {"shape": "/", "fgcolor": "#ffffff"}}, "opacity": 0.55},
        ],
        "layout": base_layout(samples_title(target, moment), large, barmode="overlay",
                              xaxis={"range": list(target.x_range), "title": {"text": "value"}},
                              yaxis={"title": {"text": "density"}, "rangemode": "tozero"}, uirevision=target.id),
    }


def samples_patch(target, fake: np.ndarray, options: frozenset = frozenset(), verdicts=((), ()),
                  explanation=None) -> Patch:
    patch = Patch()
    patch["data"][1]["x"] = _values(fake)
    return patch


def quality_lines(target) -> dict:
    return {"lines": [("wasserstein", "W1 to your values"), ("js", "JS divergence")], "better": "lower", "log": True}


def status_stats(target, metrics) -> list[tuple[str, str, bool]]:
    out = []
    if "wasserstein" in metrics:
        out.append((f"W1 {metrics['wasserstein']:.3f}", "Wasserstein distance between the fake and the real values "
                                                          "(the mean gap between their quantiles; 0 is perfect).", False))
    if "js" in metrics:
        out.append((f"JS {metrics['js']:.3f}", "Jensen-Shannon divergence between the two histograms (0 is perfect).",
                    False))
    return out
