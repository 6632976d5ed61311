"""Pure figure builders and patch payloads. Plain lists only: Plotly 7 encodes NumPy arrays
as typed arrays, which breaks extendData and Patch appends in the browser (SPEC traps).

Real and fake differ by marker shape as well as colour (circles and crosses), so they stay
apart in greyscale and for colour-blind eyes."""
from __future__ import annotations

import math
from typing import Sequence

import numpy as np

REAL_COLOUR, FAKE_COLOUR = "#d62728", "#1f77b4"  # red real, blue fake, as in the tutorial
QUALITY_COLOUR = "#2e7d32"
MAX_ACCURACY_POINTS = 600  # points kept per accuracy trace in the browser
SMOOTHING = 0.9  # exponential moving average of the accuracy: the bold line over the faint raw one
_FONT = dict(family="Inter, Segoe UI, Helvetica, Arial, sans-serif")
# No "share to the cloud" (it asks for a Plotly account) and no selection tools.
GRAPH_CONFIG = {"displaylogo": False, "showSendToCloud": False, "showEditInChartStudio": False,
                "modeBarButtonsToRemove": ["sendDataToCloud", "editInChartStudio", "lasso2d", "select2d"],
                "responsive": True}


# 5k, 10k rather than 5000 rotated into the axis title on a narrow chart.
_ITERATION_AXIS = {"title": {"text": "iteration"}, "rangemode": "tozero", "tickformat": "~s", "nticks": 6}


def font_sizes(large: bool = False) -> dict:
    """Text sizes of every graph; large type is for projectors (the same numbers are used by
    assets/gan.js when the toggle changes an existing graph)."""
    return {"font": 22 if large else 15, "title": 26 if large else 18, "legend": 20 if large else 14}


def _layout(title: str, large: bool = False, **extra) -> dict:
    """Shared look: the title at the left, the toolbar standing upright at the right edge,
    so neither covers the other."""
    sizes = font_sizes(large)
    return {
        "title": {"text": title, "x": 0.01, "xanchor": "left", "y": 0.985, "yref": "container", "yanchor": "top",
                  "font": {"size": sizes["title"]}},
        "font": {**_FONT, "size": sizes["font"]},
        "template": "plotly_white",
        "modebar": {"orientation": "v"},
        "legend": {"orientation": "h", "x": 0, "y": 1.01, "yanchor": "bottom", "font": {"size": sizes["legend"]}},
        "margin": {"l": 72 if large else 64, "r": 36, "t": 100 if large else 70, "b": 60 if large else 52},
        **extra,
    }


def coords(points: np.ndarray, digits: int = 4) -> tuple[list[float], list[float]]:
    """x and y columns as plain, rounded lists (small JSON payloads)."""
    pts = np.round(np.asarray(points, dtype=np.float64), digits)
    if len(pts) == 0:
        return [], []
    return pts[:, 0].tolist(), pts[:, 1].tolist()


def samples_figure(target, real: np.ndarray, fake: np.ndarray, large: bool = False) -> dict:
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
        "layout": _layout(f"Samples: {target.label}", large,
                          xaxis={"range": list(target.x_range), "title": {"text": "x"}, "zeroline": False,
                                 "constrain": "domain"},
                          yaxis=yaxis, uirevision=target.id),
    }


def _ema(values: Sequence[float | None], start: float | None) -> tuple[list[float | None], float | None]:
    out, level = [], start
    for v in values:
        if v is not None:
            level = v if level is None else SMOOTHING * level + (1 - SMOOTHING) * v
        out.append(None if level is None else round(level, 4))
    return out, level


def accuracy_series(history: Sequence, smooth: Sequence[float | None] = (None, None)):
    """x, the raw real and fake accuracy, their smoothed lines, and the smoothing state."""
    its = [p.iteration for p in history]
    real = [_num(p.d_accuracy_real) for p in history]
    fake = [_num(p.d_accuracy_fake) for p in history]
    smooth_real, level_real = _ema(real, smooth[0])
    smooth_fake, level_fake = _ema(fake, smooth[1])
    return its, (real, fake, smooth_real, smooth_fake), [level_real, level_fake]


def accuracy_figure(history: Sequence = (), large: bool = False) -> dict:
    its, (real, fake, smooth_real, smooth_fake), _ = accuracy_series(history)
    its, cut = its[-MAX_ACCURACY_POINTS:], slice(-MAX_ACCURACY_POINTS, None)
    faint = {"width": 1}
    return {
        "data": [
            {"type": "scatter", "mode": "lines", "name": "on real", "x": its, "y": real[cut], "opacity": 0.3,
             "line": {**faint, "color": REAL_COLOUR}, "showlegend": False, "hoverinfo": "skip"},
            {"type": "scatter", "mode": "lines", "name": "on fake", "x": its, "y": fake[cut], "opacity": 0.3,
             "line": {**faint, "color": FAKE_COLOUR}, "showlegend": False, "hoverinfo": "skip"},
            {"type": "scatter", "mode": "lines", "name": "on real", "x": its, "y": smooth_real[cut],
             "line": {"color": REAL_COLOUR, "width": 3}},
            {"type": "scatter", "mode": "lines", "name": "on fake", "x": its, "y": smooth_fake[cut],
             "line": {"color": FAKE_COLOUR, "width": 3, "dash": "dot"}},
        ],
        "layout": _layout(
            "D accuracy (smoothed)", large,
            xaxis=_ITERATION_AXIS,
            yaxis={"range": [-0.02, 1.02], "tickformat": ".0%", "title": {"text": "accuracy"}},
            # A perfectly fooled discriminator sits on this line.
            shapes=[{"type": "line", "xref": "paper", "x0": 0, "x1": 1, "y0": 0.5, "y1": 0.5,
                     "line": {"dash": "dash", "color": "#555", "width": 1}}],
            annotations=[{"xref": "paper", "x": 1, "y": 0.5, "text": "50 %: D fooled",
                          "showarrow": False, "xanchor": "right", "yanchor": "bottom",
                          "font": {"size": 13, "color": "#444"}}],
        ),
    }


def accuracy_extension(history: Sequence, smooth: Sequence[float | None] = (None, None)):
    """extendData for the accuracy graph (raw and smoothed traces, capped) and the new
    smoothing state; (None, smooth) when there is nothing new."""
    if not history:
        return None, list(smooth)
    its, series, state = accuracy_series(history, smooth)
    return [{"x": [its] * 4, "y": list(series)}, [0, 1, 2, 3], MAX_ACCURACY_POINTS], state


# ---- objective quality -------------------------------------------------------------------
def headline(target) -> dict:
    """The one objective number that says whether G has learned this target."""
    if target.kind == "function":
        return {"key": "mean_abs_error", "name": "mean |y − f(x)|", "better": "lower", "log": True}
    if target.modes is not None:
        return {"key": "modes_covered", "name": f"modes covered (of {len(target.modes)})", "better": "higher",
                "log": False, "range": [0, len(target.modes) + 0.5]}
    return {"key": "js", "name": "JS divergence, real vs fake", "better": "lower", "log": True}


def quality_series(target, quality: Sequence) -> tuple[list[int], list[float | None]]:
    key = headline(target)["key"]
    its = [q.iteration for q in quality]
    return its, [_num(q.metrics.get(key, math.nan)) for q in quality]


def quality_figure(target, quality: Sequence = (), large: bool = False) -> dict:
    h = headline(target)
    its, values = quality_series(target, quality)
    yaxis = {"title": {"text": h["name"]}}
    if h["log"]:
        yaxis.update(type="log", dtick=1)  # a label at each power of ten only
    if "range" in h:
        yaxis["range"] = h["range"]
    return {
        "data": [{"type": "scatter", "mode": "lines+markers", "name": h["name"], "x": its[-MAX_ACCURACY_POINTS:],
                  "y": values[-MAX_ACCURACY_POINTS:], "line": {"color": QUALITY_COLOUR, "width": 3},
                  "marker": {"size": 5}}],
        "layout": _layout(f"Quality ({h['better']} is better)", large,
                          xaxis=_ITERATION_AXIS, yaxis=yaxis, showlegend=False, uirevision=target.id),
    }


def quality_extension(target, quality: Sequence):
    if not quality:
        return None
    its, values = quality_series(target, quality)
    return [{"x": [its], "y": [values]}, [0], MAX_ACCURACY_POINTS]


def _num(v: float) -> float | None:
    return None if v is None or v != v or v in (math.inf, -math.inf) else round(float(v), 4)

