"""Why the fakes move, drawn over a 2-D samples plot as GAN Lab draws it: D's decision surface
behind the samples, the step G's loss pushes each fake (arrows), and G's manifold (the latent
grid as G bends it). Each builder takes the engine's `Explanation` (or None) and whether its
toggle is on, and returns one trace, empty when off, so a figure's traces keep their places
and a tick patches only what is on.

Traces are plain lists, rounded: the surface is 40×40 whole percentages (~5 KB), the arrows
100 segments (~4 KB)."""
from __future__ import annotations

import math

import numpy as np

SURFACE, MANIFOLD, ARROWS = "surface", "manifold", "arrows"  # the view options that switch them
# Light red where D says real, light blue where it says fake, white where it cannot tell: the
# samples' own colours, faint enough that the samples stay readable over them.
SURFACE_COLOURS = [[0.0, "#9ecae1"], [0.5, "#ffffff"], [1.0, "#fcae91"]]
ARROW_COLOUR = "#08306b"
MANIFOLD_COLOUR = "#6a3d9a"
ARROW_SHARE = 0.07  # the longest arrow, as a share of the plot's size


def surface_trace(expl, on: bool) -> dict:
    """The key ("D thinks: fake … real") is beside the toggle, not a colour bar that would take
    a phone's plot a fifth of its width."""
    trace = {"type": "heatmap", "name": "D's verdict", "x": [], "y": [], "z": [], "zmin": 0, "zmax": 100,
             "colorscale": SURFACE_COLOURS, "opacity": 0.75, "zsmooth": "best", "showscale": False, "visible": on,
             "hovertemplate": "D thinks %{z}% real<extra></extra>",}
    if on and expl is not None:
        trace.update(surface_data(expl))
    return trace


def surface_data(expl) -> dict:
    return {"x": np.round(expl.xs.astype(np.float64), 4).tolist(), "y": np.round(expl.ys.astype(np.float64), 4).tolist(),
            "z": np.rint(np.asarray(expl.surface, np.float64) * 100).astype(int).tolist()}  # percent: short


def arrow_trace(target, fake: np.ndarray, expl, on: bool) -> dict:
    trace = {"type": "scatter", "mode": "lines+markers", "name": "G's push ➝", "x": [], "y": [], "visible": on,
             "line": {"color": ARROW_COLOUR, "width": 1.5}, "hoverinfo": "skip",
             "marker": {"symbol": "arrow", "angleref": "previous", "size": [], "color": ARROW_COLOUR}}
    if on and expl is not None:
        data = arrow_data(target, fake, expl)
        trace.update(x=data["x"], y=data["y"])
        trace["marker"]["size"] = data["size"]
    return trace


def arrow_data(target, fake: np.ndarray, expl) -> dict:
    """A segment from each of the first fakes along its push, the longest ARROW_SHARE of the
    plot (sizes relative to each other), an arrowhead at its end; None between segments.
    Returns x, y and the markers' sizes (the heads)."""
    push = np.asarray(expl.arrows, np.float64)
    start = np.asarray(fake, np.float64)[:len(push)]
    push = push[:len(start)]
    spans = np.array([target.x_range[1] - target.x_range[0], target.y_range[1] - target.y_range[0]])
    size = np.linalg.norm(push / spans, axis=1)  # in plot sizes, so a tall narrow plot is fair
    longest = float(size.max()) if len(size) else 0.0
    if not np.isfinite(longest) or longest <= 0:
        return {"x": [], "y": [], "size": []}
    end = start + push * (ARROW_SHARE / longest)
    xs = np.round(np.stack([start[:, 0], end[:, 0], np.full(len(start), np.nan)], 1).ravel(), 3)
    ys = np.round(np.stack([start[:, 1], end[:, 1], np.full(len(start), np.nan)], 1).ravel(), 3)
    # a head only where the arrow is long enough to point somewhere
    heads = np.where(size / longest > 0.08, 9, 0)
    sizes = np.stack([np.zeros(len(start)), heads, np.zeros(len(start))], 1).ravel().astype(int)
    return {"x": _gaps(xs), "y": _gaps(ys), "size": sizes.tolist()}


def manifold_trace(expl, on: bool) -> dict:
    name = "G's manifold"
    if expl is not None and expl.manifold_slice:
        name += " (slice: latent 1 and 2)"
    trace = {"type": "scatter", "mode": "lines", "name": name, "x": [], "y": [], "visible": on,
             "line": {"color": MANIFOLD_COLOUR, "width": 1}, "opacity": 0.55, "hoverinfo": "skip"}
    if on and expl is not None:
        trace.update(manifold_data(expl))
    return trace


def manifold_data(expl) -> dict:
    """Every line of the latent grid as G maps it, one trace with None between lines."""
    lines = [*expl.manifold, *expl.manifold_cross]
    xs, ys = [], []
    for line in lines:
        xs += np.round(line[:, 0].astype(np.float64), 3).tolist() + [None]
        ys += np.round(line[:, 1].astype(np.float64), 3).tolist() + [None]
    return {"x": _finite(xs), "y": _finite(ys)}


def _gaps(values: np.ndarray) -> list:
    """Plain floats, None where not finite (a break in the line). Vectorised: element by
    element it was a third of a tick's time with the arrows on."""
    out = np.asarray(values, np.float64).tolist()
    for k in np.flatnonzero(~np.isfinite(values)).tolist():
        out[k] = None
    return out


def _finite(values: list) -> list:
    return [v if v is None or math.isfinite(v) else None for v in values]


def legend_note(expl, options: frozenset) -> str:
    """What the shown layers are, for the figure's subtitle."""
    parts = []
    if SURFACE in options:
        parts.append("shade: D's verdict")
    if ARROWS in options:
        parts.append("arrows: where G's loss pushes each fake")
    if MANIFOLD in options:
        parts.append("lines: G's manifold" + (" (a 2-D slice)" if expl is not None and expl.manifold_slice else ""))
    return "; ".join(parts)

