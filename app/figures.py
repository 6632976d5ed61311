"""Pure figure builders and patch payloads shared by every kind: the look, the accuracy, loss
and quality charts. Each kind's samples graph is in app/views/. Plain lists only: Plotly 7
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
_ITERATION_AXIS = {"title": {"text": "iteration", "standoff": 4}, "rangemode": "tozero", "tickformat": "~s",
                   "nticks": 6}


def font_sizes(large: bool = False) -> dict:
    """Text sizes of every graph; large type is for projectors (the same numbers are used by
    assets/gan.js when the toggle changes an existing graph)."""
    return {"font": 22 if large else 15, "title": 26 if large else 18, "legend": 20 if large else 14}


def margins(large: bool = False, chart: bool = False) -> dict:
    """Room around the plot. The charts (accuracy, losses, quality) are a third of the column's
    height each, on a 1024×768 projector about 165 px: their margins are cut to what the title,
    the legend row and the iteration axis need, or the lines got 45 px of it (the same numbers
    are in assets/gan.js, which applies them when Large type changes)."""
    if chart:
        return {"l": 72 if large else 64, "r": 36, "t": 84 if large else 56, "b": 54 if large else 40}
    return {"l": 72 if large else 64, "r": 36, "t": 100 if large else 70, "b": 60 if large else 52}


def base_layout(title: str, large: bool = False, chart: bool = False, **extra) -> dict:
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
        "margin": margins(large, chart),
        **extra,
    }


def samples_title(target, moment: str = "") -> str:
    """The samples graph's title; `moment` says which past moment the timeline shows."""
    return f"Samples: {target.label}" + (f" <span style='color:#b15928'>({moment})</span>" if moment else "")


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


def paired_series(history: Sequence, fields: tuple[str, str], smooth: Sequence[float | None] = (None, None)):
    """x, two raw series of the history (e.g. D accuracy on real and on fake), their smoothed
    lines, and the smoothing state to carry into the next tick."""
    its = [p.iteration for p in history]
    first = [_num(getattr(p, fields[0])) for p in history]
    second = [_num(getattr(p, fields[1])) for p in history]
    smooth_first, level_first = _ema(first, smooth[0])
    smooth_second, level_second = _ema(second, smooth[1])
    return its, (first, second, smooth_first, smooth_second), [level_first, level_second]


def accuracy_series(history: Sequence, smooth: Sequence[float | None] = (None, None)):
    return paired_series(history, ("d_accuracy_real", "d_accuracy_fake"), smooth)


def _paired_traces(its, series, names: tuple[str, str], colours: tuple[str, str]) -> list[dict]:
    """Each series faint and raw, with its smoothed line bold over it (the second dotted)."""
    cut = slice(-MAX_ACCURACY_POINTS, None)
    its = its[cut]
    raw = [{"type": "scatter", "mode": "lines", "name": name, "x": its, "y": values[cut], "opacity": 0.3,
            "line": {"width": 1, "color": colour}, "showlegend": False, "hoverinfo": "skip"}
           for name, values, colour in zip(names, series[:2], colours)]
    bold = [{"type": "scatter", "mode": "lines", "name": name, "x": its, "y": values[cut],
             "line": {"color": colour, "width": 3, **({"dash": "dot"} if k else {})}}
            for k, (name, values, colour) in enumerate(zip(names, series[2:], colours))]
    return raw + bold


def accuracy_figure(history: Sequence = (), large: bool = False) -> dict:
    its, series, _ = accuracy_series(history)
    return {
        "data": _paired_traces(its, series, ("on real", "on fake"), (REAL_COLOUR, FAKE_COLOUR)),
        "layout": base_layout(
            "D accuracy (smoothed)", large, chart=True,
            xaxis=_ITERATION_AXIS,
            yaxis={"range": [-0.02, 1.02], "tickformat": ".0%", "title": {"text": "accuracy"}},
            # A perfectly fooled discriminator sits on this line.
            shapes=[{"type": "line", "xref": "paper", "x0": 0, "x1": 1, "y0": 0.5, "y1": 0.5,
                     "line": {"dash": "dash", "color": "#555", "width": 1}}],
            annotations=[{"xref": "paper", "x": 1, "y": 0.5, "text": "50 %: D fooled",
                          "showarrow": False, "xanchor": "right", "yanchor": "bottom",
                          "bgcolor": "rgba(255,255,255,0.75)",  # readable over the lines
                          "font": {"size": 13, "color": "#444"}}],
        ),
    }


def paired_extension(history: Sequence, fields: tuple[str, str], smooth: Sequence[float | None] = (None, None)):
    """extendData for a paired chart (raw and smoothed traces, capped) and the new smoothing
    state; (None, smooth) when there is nothing new."""
    if not history:
        return None, list(smooth)
    its, series, state = paired_series(history, fields, smooth)
    return [{"x": [its] * 4, "y": list(series)}, [0, 1, 2, 3], MAX_ACCURACY_POINTS], state


ACCURACY_FIELDS = ("d_accuracy_real", "d_accuracy_fake")
LOSS_FIELDS = ("d_loss", "g_loss")


def accuracy_extension(history: Sequence, smooth: Sequence[float | None] = (None, None)):
    return paired_extension(history, ACCURACY_FIELDS, smooth)


# ---- losses --------------------------------------------------------------------------------
D_LOSS_COLOUR, G_LOSS_COLOUR = "#6a3d9a", "#e66101"
# Losses that never go below zero can be drawn on a log axis (the sinusoid tutorial does);
# a critic's scores (WGAN-GP) and the hinge loss of G can be negative.
POSITIVE_LOSSES = ("nsgan", "minimax", "lsgan")


def loss_figure(history: Sequence = (), large: bool = False, loss: str = "nsgan") -> dict:
    """D's and G's loss over time, raw and smoothed; a Linear / Log switch inside the chart
    (Plotly's own buttons, no round trip) where the loss is never negative."""
    its, series, _ = paired_series(history, LOSS_FIELDS)
    menus = []
    if loss in POSITIVE_LOSSES:
        sizes = font_sizes(large)
        menus = [{"type": "buttons", "direction": "right", "x": 0, "xanchor": "left", "y": 1.01, "yanchor": "bottom",
                  "showactive": True, "active": 0, "pad": {"r": 0, "t": 0, "b": 2, "l": 0},
                  "font": {"size": sizes["legend"] - 1},
                  "buttons": [{"label": "Linear", "method": "relayout", "args": [{"yaxis.type": "linear"}]},
                              {"label": "Log", "method": "relayout", "args": [{"yaxis.type": "log"}]}]}]
    # The key is in the title, so the switch can sit where a legend would (a narrow chart
    # has no room for both in one row).
    title = (f"Losses: <span style='color:{D_LOSS_COLOUR}'>━ D</span> "
             f"<span style='color:{G_LOSS_COLOUR}'>┅ G</span> (smoothed)")
    return {
        "data": _paired_traces(its, series, ("D loss", "G loss"), (D_LOSS_COLOUR, G_LOSS_COLOUR)),
        "layout": base_layout(title, large, chart=True, xaxis=_ITERATION_AXIS, showlegend=False,
                              yaxis={"title": {"text": "loss"}, "exponentformat": "power"}, updatemenus=menus,
                              uirevision="losses"),
    }


def loss_extension(history: Sequence, smooth: Sequence[float | None] = (None, None)):
    return paired_extension(history, LOSS_FIELDS, smooth)


# ---- objective quality -------------------------------------------------------------------
# One colour per line; the first is the headline, the others are drawn dotted beside it.
_QUALITY_DASHES = ("solid", "dot", "dash")


def quality_series(spec: dict, quality: Sequence) -> tuple[list[int], list[list[float | None]]]:
    its = [q.iteration for q in quality]
    return its, [[_num(q.metrics.get(line[0], math.nan)) for q in quality] for line in spec["lines"]]


def quality_figure(spec: dict, target_id: str, quality: Sequence = (), large: bool = False) -> dict:
    """The objective metrics over time; `spec` comes from the target's view (`quality_lines`):
    its lines are (metric, name) on the left axis, or (metric, name, "share") for a share
    drawn on a right-hand 0-100 % axis beside a count (modes covered and high quality)."""
    its, series = quality_series(spec, quality)
    names = [line[1] for line in spec["lines"]]
    left = [line[1] for line in spec["lines"] if len(line) < 3]
    # The legend names the lines when there are several: an axis title saying it again ran
    # taller than a projector's chart ("modes covered (of 8)" over the chart's own title)
    yaxis = {"title": {"text": names[0] if len(names) == 1 else "log scale" if spec["log"] else ""}}
    if spec["log"]:
        yaxis.update(type="log", dtick=1)  # a label at each power of ten only
    if "range" in spec:
        yaxis["range"] = spec["range"]
    data = []
    for k, (line, values) in enumerate(zip(spec["lines"], series)):
        trace = {"type": "scatter", "mode": "lines+markers", "name": line[1], "x": its[-MAX_ACCURACY_POINTS:],
                 "y": values[-MAX_ACCURACY_POINTS:], "marker": {"size": 5},
                 "line": {"color": QUALITY_COLOURS[k % len(QUALITY_COLOURS)], "width": 3,
                          "dash": _QUALITY_DASHES[k % len(_QUALITY_DASHES)]}}
        if len(line) > 2:
            trace["yaxis"] = "y2"
        data.append(trace)
    layout = base_layout(f"Quality ({spec['better']} is better)", large, chart=True, xaxis=_ITERATION_AXIS, yaxis=yaxis,
                         showlegend=len(names) > 1, uirevision=target_id,
                         **_legend_inside(large, spec["better"]))
    if len(left) < len(names):
        layout["yaxis2"] = {"overlaying": "y", "side": "right", "range": [0, 1.02], "tickformat": ".0%",
                            "showgrid": False, "zeroline": False}
        # room for the share's labels between the plot and the toolbar at the right edge
        layout["margin"] = {**layout["margin"], "r": 96 if large else 84}
    return {"data": data, "layout": layout}


def _legend_inside(large: bool, better: str = "higher") -> dict:
    """Several quality lines: their legend inside the plot's right side, clear of the title,
    at the end the lines leave as the run learns (the bottom when higher is better), so it
    covers them only in the first moments."""
    sizes = font_sizes(large)
    top = better != "higher"
    return {"legend": {"x": 0.99, "xanchor": "right", "y": 0.99 if top else 0.01, "yanchor": "top" if top else "bottom",
                       "bgcolor": "rgba(255,255,255,0.75)", "font": {"size": sizes["legend"]}}}


def quality_extension(spec: dict, quality: Sequence):
    if not quality:
        return None
    its, series = quality_series(spec, quality)
    return [{"x": [its] * len(series), "y": series}, list(range(len(series))), MAX_ACCURACY_POINTS]


def _num(v: float) -> float | None:
    return None if v is None or v != v or v in (math.inf, -math.inf) else round(float(v), 4)

