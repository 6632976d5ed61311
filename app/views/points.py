"""Points (function targets and 2-D clouds): a scatter of real circles and fake crosses, so
the two stay apart in greyscale and for colour-blind eyes."""
from __future__ import annotations

import numpy as np
from dash import Patch

from app.figures import FAKE_COLOUR, REAL_COLOUR, base_layout, coords


def samples_figure(target, real: np.ndarray, fake: np.ndarray, large: bool = False,
                   options: frozenset = frozenset(), verdicts=((), ())) -> dict:
    rx, ry = coords(real)
    fx, fy = coords(fake)
    yaxis = {"range": list(target.y_range), "title": {"text": "y"}, "zeroline": False}
    if target.kind == "points":  # a 2-D cloud is drawn to scale: a disk stays round
        yaxis.update(scaleanchor="x", scaleratio=1, constrain="domain")
    return {
        "data": [
            {"type": "scatter", "mode": "markers", "name": "real ●", "x": rx, "y": ry,
             "marker": {"size": 7, "opacity": 0.6, "color": REAL_COLOUR, "symbol": "circle"}},
            {"type": "scatter", "mode": "markers", "name": "fake (G) ✕", "x": fx, "y": fy,
             "marker": {"size": 7, "opacity": 0.8, "color": FAKE_COLOUR, "symbol": "x-thin",
                        "line": {"width": 2, "color": FAKE_COLOUR}}},
        ],
        "layout": base_layout(f"Samples: {target.label}", large,
                              xaxis={"range": list(target.x_range), "title": {"text": "x"}, "zeroline": False,
                                     "constrain": "domain"},
                              yaxis=yaxis, uirevision=target.id),
    }


def samples_patch(target, fake: np.ndarray, options: frozenset = frozenset(), verdicts=((), ())) -> Patch:
    patch = Patch()
    fx, fy = coords(fake)
    patch["data"][1]["x"] = fx  # only the fake coordinates travel each tick
    patch["data"][1]["y"] = fy
    return patch


def quality_lines(target) -> dict:
    """The one objective number that says whether G has learned this target."""
    if target.kind == "function":
        return {"lines": [("mean_abs_error", "mean |y − f(x)|")], "better": "lower", "log": True}
    if target.modes is not None:
        return {"lines": [("modes_covered", f"modes covered (of {len(target.modes)})")], "better": "higher",
                "log": False, "range": [0, len(target.modes) + 0.5]}
    return {"lines": [("js", "JS divergence, real vs fake")], "better": "lower", "log": True}


def status_stats(target, metrics) -> list[tuple[str, str, bool]]:
    out = []
    if "mean_abs_error" in metrics:
        out.append((f"mean |y − f(x)| {metrics['mean_abs_error']:.4f}",
                    "Mean distance of generated points from the true curve (lower is better).", False))
    if "modes_covered" in metrics:
        out.append((f"modes {metrics['modes_covered']}/{metrics['modes_total']}",
                    "Mixture modes holding a fair share of good samples.", False))
    if "js" in metrics:
        out.append((f"JS {metrics['js']:.3f}",
                    "Jensen-Shannon divergence between real and generated samples on a 30×30 grid (0 is perfect).",
                    False))
    return out
