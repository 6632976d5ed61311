"""Pure figure builders and patch payloads shared by every kind: the look, the accuracy and
quality charts. Each kind's samples graph is in app/views/. Plain lists only: Plotly 7
encodes NumPy arrays as typed arrays, which breaks extendData and Patch appends in the
browser (SPEC traps)."""
from __future__ import annotations

import math
from typing import Sequence

import numpy as np

REAL_COLOUR, FAKE_COLOUR = "#d62728", "#1f77b4"  # red real, blue fake, as in the tutorial
QUALITY_COLOURS = ("#2e7d32", "#6a3d9a", "#b15928")
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


def base_layout(title: str, large: bool = False, **extra) -> dict:
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
        "layout": base_layout(
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
# One colour per line; the first is the headline, the others are drawn dotted beside it.
_QUALITY_DASHES = ("solid", "dot", "dash")


def quality_series(spec: dict, quality: Sequence) -> tuple[list[int], list[list[float | None]]]:
    its = [q.iteration for q in quality]
    return its, [[_num(q.metrics.get(key, math.nan)) for q in quality] for key, _ in spec["lines"]]


def quality_figure(spec: dict, target_id: str, quality: Sequence = (), large: bool = False) -> dict:
    """The objective metrics over time; `spec` comes from the target's view (`quality_lines`)."""
    its, series = quality_series(spec, quality)
    names = [name for _, name in spec["lines"]]
    yaxis = {"title": {"text": names[0] if len(names) == 1 else "log scale" if spec["log"] else ""}}
    if spec["log"]:
        yaxis.update(type="log", dtick=1)  # a label at each power of ten only
    if "range" in spec:
        yaxis["range"] = spec["range"]
    data = [{"type": "scatter", "mode": "lines+markers", "name": name, "x": its[-MAX_ACCURACY_POINTS:],
             "y": values[-MAX_ACCURACY_POINTS:], "marker": {"size": 5},
             "line": {"color": QUALITY_COLOURS[k % len(QUALITY_COLOURS)], "width": 3,
                      "dash": _QUALITY_DASHES[k % len(_QUALITY_DASHES)]}}
            for k, (name, values) in enumerate(zip(names, series))]
    return {"data": data,
            "layout": base_layout(f"Quality ({spec['better']} is better)", large, xaxis=_ITERATION_AXIS, yaxis=yaxis,
                                  showlegend=len(names) > 1, uirevision=target_id, **_legend_inside(large))}


def _legend_inside(large: bool) -> dict:
    """Several quality lines: their legend inside the plot's top right, clear of the title."""
    sizes = font_sizes(large)
    return {"legend": {"x": 0.99, "xanchor": "right", "y": 0.99, "yanchor": "top", "bgcolor": "rgba(255,255,255,0.75)",
                       "font": {"size": sizes["legend"]}}}


def quality_extension(spec: dict, quality: Sequence):
    if not quality:
        return None
    its, series = quality_series(spec, quality)
    return [{"x": [its] * len(series), "y": series}, list(range(len(series))), MAX_ACCURACY_POINTS]


def _num(v: float) -> float | None:
    return None if v is None or v != v or v in (math.inf, -math.inf) else round(float(v), 4)

