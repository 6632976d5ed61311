"""Pure figure builders and patch payloads. Plain lists only: Plotly 7 encodes NumPy arrays
as typed arrays, which breaks extendData and Patch appends in the browser (SPEC traps)."""
from __future__ import annotations

from typing import Sequence

import numpy as np

REAL_COLOUR, FAKE_COLOUR = "#d62728", "#1f77b4"  # red real, blue fake, as in the tutorial
MAX_ACCURACY_POINTS = 600  # points kept per accuracy trace in the browser
_FONT = dict(family="Inter, Segoe UI, Helvetica, Arial, sans-serif", size=14)


def coords(points: np.ndarray, digits: int = 4) -> tuple[list[float], list[float]]:
    """x and y columns as plain, rounded lists (small JSON payloads)."""
    pts = np.round(np.asarray(points, dtype=np.float64), digits)
    return pts[:, 0].tolist(), pts[:, 1].tolist()


def samples_figure(target, real: np.ndarray, fake: np.ndarray) -> dict:
    rx, ry = coords(real)
    fx, fy = coords(fake)
    marker = dict(size=6, opacity=0.7)
    return {
        "data": [
            {"type": "scatter", "mode": "markers", "name": "real", "x": rx, "y": ry,
             "marker": {**marker, "color": REAL_COLOUR}},
            {"type": "scatter", "mode": "markers", "name": "fake (generator)", "x": fx, "y": fy,
             "marker": {**marker, "color": FAKE_COLOUR}},
        ],
        "layout": {
            "title": {"text": f"Real and generated samples: {target.label}"},
            "xaxis": {"range": list(target.x_range), "title": {"text": "x"}, "zeroline": False},
            "yaxis": {"range": list(target.y_range), "title": {"text": "y"}, "zeroline": False},
            "legend": {"orientation": "h", "y": -0.22},
            "margin": {"l": 50, "r": 20, "t": 70, "b": 40},
            "font": _FONT,
            "uirevision": target.id,
            "template": "plotly_white",
        },
    }


def accuracy_figure(history: Sequence = ()) -> dict:
    its = [p.iteration for p in history][-MAX_ACCURACY_POINTS:]
    real = [_num(p.d_accuracy_real) for p in history][-MAX_ACCURACY_POINTS:]
    fake = [_num(p.d_accuracy_fake) for p in history][-MAX_ACCURACY_POINTS:]
    return {
        "data": [
            {"type": "scatter", "mode": "lines", "name": "D accuracy on real", "x": its, "y": real,
             "line": {"color": REAL_COLOUR, "width": 2}},
            {"type": "scatter", "mode": "lines", "name": "D accuracy on fake", "x": its, "y": fake,
             "line": {"color": FAKE_COLOUR, "width": 2}},
        ],
        "layout": {
            "title": {"text": "Discriminator accuracy"},
            "xaxis": {"title": {"text": "iteration"}, "rangemode": "tozero"},
            "yaxis": {"range": [-0.02, 1.02], "tickformat": ".0%", "title": {"text": "accuracy"}},
            # A perfectly fooled discriminator sits on this line.
            "shapes": [{"type": "line", "xref": "paper", "x0": 0, "x1": 1, "y0": 0.5, "y1": 0.5,
                        "line": {"dash": "dash", "color": "#555", "width": 1}}],
            "annotations": [{"xref": "paper", "x": 1, "y": 0.5, "text": "50 %: fooled", "showarrow": False,
                             "xanchor": "right", "yanchor": "bottom", "font": {"size": 12, "color": "#555"}}],
            "legend": {"orientation": "h", "y": -0.25},
            "margin": {"l": 60, "r": 20, "t": 70, "b": 40},
            "font": _FONT,
            "template": "plotly_white",
        },
    }


def accuracy_extension(history: Sequence) -> list | None:
    """extendData for the accuracy graph: new points on traces 0 and 1, capped."""
    if not history:
        return None
    its = [p.iteration for p in history]
    return [{"x": [its, its], "y": [[_num(p.d_accuracy_real) for p in history],
                                   [_num(p.d_accuracy_fake) for p in history]]},
            [0, 1], MAX_ACCURACY_POINTS]


def _num(v: float) -> float | None:
    return None if v != v else round(float(v), 4)  # NaN is not JSON
