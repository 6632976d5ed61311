"""Curves (sequence targets): a handful of real curves and of fake curves, each fake from the
same fixed noise vector every tick, so it morphs smoothly as G learns. Real curves are solid
red, fakes dashed blue (apart in greyscale too). As the sinusoid tutorial does, the fakes can
be drawn through a rolling mean of 5 points ("smooth"), which hides G's small wiggles."""
from __future__ import annotations

import numpy as np
from dash import Patch

from app.figures import FAKE_COLOUR, REAL_COLOUR, base_layout, samples_title

SHOWN = 6  # curves of each colour: more turn the plot into a tangle
ROLLING = 5


def _x(target) -> np.ndarray:
    return np.linspace(target.x_range[0], target.x_range[1], target.dim)


def _joined(target, curves: np.ndarray, smooth: bool = False) -> tuple[list, list]:
    """SHOWN curves as one trace: x and y with a gap (None) between curves. x is always
    drawn for SHOWN curves, so a trace that starts empty fills in when its values arrive."""
    curves = np.asarray(curves, dtype=np.float64)[:SHOWN]
    if smooth and len(curves):
        # a rolling mean over the points that exist: the ends average fewer, not zeros
        kernel = np.ones(ROLLING)
        sums = np.stack([np.convolve(c, kernel, mode="same") for c in curves])
        counts = np.convolve(np.ones(curves.shape[1]), kernel, mode="same")
        curves = sums / counts
    x = np.round(_x(target), 3).tolist()
    ys = []
    for c in np.round(curves, 4):
        ys += c.tolist() + [None]
    return (x + [None]) * SHOWN, ys


def samples_figure(target, real: np.ndarray, fake: np.ndarray, large: bool = False,
                   options: frozenset = frozenset(), verdicts=((), ()), explanation=None,
                   moment: str = "") -> dict:
    rx, ry = _joined(target, real)
    fx, fy = _joined(target, fake, "smooth" in options)
    low, high = target.y_range
    pad = 0.15 * (high - low)
    return {
        "data": [
            {"type": "scatter", "mode": "lines", "name": "real curves ━", "x": rx, "y": ry,
             "line": {"color": REAL_COLOUR, "width": 2}, "opacity": 0.7},
            {"type": "scatter", "mode": "lines", "name": "fake curves (G) ╌" + (" smoothed" if "smooth" in options else ""),
             "x": fx, "y": fy, "line": {"color": FAKE_COLOUR, "width": 3, "dash": "dash"}},
        ],
        "layout": base_layout(samples_title(target, moment), large,
                              xaxis={"range": list(target.x_range), "title": {"text": "x"}, "zeroline": False},
                              yaxis={"range": [low - pad, high + pad], "title": {"text": "value"}, "zeroline": False},
                              showlegend=True, uirevision=target.id),
    }


def samples_patch(target, fake: np.ndarray, options: frozenset = frozenset(), verdicts=((), ()),
                  explanation=None) -> Patch:
    patch = Patch()
    patch["data"][1]["y"] = _joined(target, fake, "smooth" in options)[1]  # x never changes
    return patch


def quality_lines(target) -> dict:
    return {"lines": [("fit_residual", "sinusoid fit residual"), ("frequency_w1", "frequency W1 vs real")],
            "better": "lower", "log": True}


def status_stats(target, metrics) -> list[tuple[str, str, bool]]:
    out = []
    if "fit_residual" in metrics:
        out.append((f"fit residual {metrics['fit_residual']:.3f}",
                    "How far each fake is from its best-fitting a·sin(b·x + c) + d, on average (lower is better; "
                    "real curves: 0).", False))
    if "frequency_w1" in metrics:
        out.append((f"frequency W1 {metrics['frequency_w1']:.3f}",
                    "Distance between the fakes' fitted frequencies and the real ones, uniform on [1, 2] "
                    "(lower is better): a G that makes one curve for every noise scores badly here.", False))
    if metrics.get("collapsed"):
        out.append(("mode collapse: the fakes are nearly one curve for every noise vector",
                    "The fakes vary far less than the real curves do. Try Reset, a lower learning rate, or "
                    "more discriminator steps.", True))
    return out
