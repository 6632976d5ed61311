"""Images: a grid of the generator's pictures from the fixed noise (each cell morphs smoothly
as G learns) beside a column of real ones, each with D's score on it (green: D says real;
red: D says fake), as the letters tutorial shows them. Each grid travels as one small PNG (a sprite of
8-bit grey pixels, a few kilobytes), never as per-pixel JSON numbers."""
from __future__ import annotations

import base64

import numpy as np
from dash import Patch

from app.figures import FAKE_COLOUR, REAL_COLOUR, base_layout, samples_title
from gan_core.kinds.images import GRID_GAP as GAP
from gan_core.kinds.images import grid_png

FAKE_GRID = (5, 5)  # rows, columns of fakes: 25 morphing pictures, and a tick under 40 KB even of noise
REAL_GRID = (5, 2)


def sprite(images: np.ndarray, side: int, rows: int, cols: int) -> str:
    """rows × cols images in [-1, 1] as one grey PNG data URI (missing cells stay dark), with a
    band under each row where D's verdicts are written."""
    png = grid_png(images, side, rows, cols, band=_band(side))
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def _band(side: int) -> int:
    return side // 2


def _width(side: int, cols: int) -> int:
    return cols * (side + GAP) + GAP


VERDICT_REAL, VERDICT_FAKE = "#66bb6a", "#ff5252"  # D says real: green; fake: red (as the tutorial)


def _geometry(side: int) -> tuple[int, int, int]:
    fake_w = _width(side, FAKE_GRID[1])
    return fake_w, fake_w + 2 * side, FAKE_GRID[0] * _row(side) + GAP  # fake width, real x0, height


def _row(side: int) -> int:
    return side + GAP + _band(side)


def _verdict_notes(side: int, scores, x0: float, cols: int) -> list[dict]:
    """D's verdict written under each image: its score, green when D says real."""
    notes = []
    for k, p in enumerate(np.asarray(scores, np.float64)):
        r, c = divmod(k, cols)
        notes.append({"x": round(x0 + GAP + c * (side + GAP) + side / 2), "y": round(GAP + r * _row(side) + side + _band(side) / 2),
                      "yanchor": "middle", "text": f"{p:.2f}", "showarrow": False,
                      "font": {"size": 11, "color": VERDICT_REAL if p > 0.5 else VERDICT_FAKE}})
    return notes


ASKED_COLOUR = "#b0bec5"


def _asked_notes(side: int, asked, cols: int) -> list[dict]:
    """A conditional run's fakes: the class each was asked for, small in its cell's top-left
    corner (under it, beside D's score, it did not fit a projector's cell)."""
    notes = []
    for k, name in enumerate(asked[: FAKE_GRID[0] * FAKE_GRID[1]]):
        r, c = divmod(k, cols)
        notes.append({"x": GAP + c * (side + GAP) + 0.5, "y": GAP + r * _row(side) + 0.5, "xanchor": "left",
                      "yanchor": "top", "text": str(name), "showarrow": False,
                      "font": {"size": 10, "color": ASKED_COLOUR}})
    return notes


def _annotations(target, verdicts) -> list[dict]:
    side = target.side
    fake_w, real_x0, _ = _geometry(side)
    d_real, d_fake, *asked = verdicts  # a conditional run's: and the classes asked for
    return [
        {"x": fake_w / 2, "y": -2, "yanchor": "bottom", "text": "<b>fake (G)</b>", "showarrow": False,
         "font": {"color": FAKE_COLOUR}},
        {"x": real_x0 + _width(side, REAL_GRID[1]) / 2, "y": -2, "yanchor": "bottom", "text": "<b>real</b>",
         "showarrow": False, "font": {"color": REAL_COLOUR}},
        *_verdict_notes(side, d_fake[: FAKE_GRID[0] * FAKE_GRID[1]], 0, FAKE_GRID[1]),
        *_verdict_notes(side, d_real[: REAL_GRID[0] * REAL_GRID[1]], real_x0, REAL_GRID[1]),
        *(_asked_notes(side, asked[0], FAKE_GRID[1]) if asked else []),
    ]


def samples_figure(target, real: np.ndarray, fake: np.ndarray, large: bool = False,
                   options: frozenset = frozenset(), verdicts=((), ()), explanation=None,
                   moment: str = "") -> dict:
    """`verdicts`: D's score on the shown real and fake images (0 fake … 1 real), written on
    each, green where D says real and red where it says fake."""
    side = target.side
    fake_w, real_x0, height = _geometry(side)
    axis = {"visible": False, "zeroline": False}
    return {
        "data": [
            {"type": "image", "name": "real", "source": sprite(real, side, *REAL_GRID), "x0": real_x0, "y0": 0,
             "hoverinfo": "skip"},
            {"type": "image", "name": "fake (G)", "source": sprite(fake, side, *FAKE_GRID), "x0": 0, "y0": 0,
             "hoverinfo": "skip"},
        ],
        "layout": base_layout(
            samples_title(target, moment), large,
            xaxis={**axis, "range": [-2, real_x0 + _width(side, REAL_GRID[1]) + 2], "constrain": "domain"},
            yaxis={**axis, "range": [height + 2, -side * 0.9], "scaleanchor": "x", "constrain": "domain"},
            annotations=_annotations(target, verdicts), showlegend=False, uirevision=target.id),
    }


def samples_patch(target, fake: np.ndarray, options: frozenset = frozenset(), verdicts=((), ()),
                  explanation=None) -> Patch:
    patch = Patch()
    patch["data"][1]["source"] = sprite(fake, target.side, *FAKE_GRID)
    patch["layout"]["annotations"] = _annotations(target, verdicts)
    return patch


def quality_lines(target) -> dict:
    """A conditional run's share drawn as asked stays in the status: a third line's legend
    covered half of a projector's chart, and the share follows the recognisable one closely
    (86 % against 87 % after 3 minutes of letters)."""
    return {"lines": [("recognisable_share", "recognisable fakes"), ("classes_covered_share", "classes covered")],
            "better": "higher", "log": False, "range": [0, 1.02]}


def status_stats(target, metrics) -> list[tuple[str, str, bool]]:
    out = []
    if "recognisable_share" in metrics:
        real = metrics.get("real_recognisable_share")
        out.append((f"recognisable {metrics['recognisable_share']:.0%}" + (f" (real: {real:.0%})" if real else ""),
                    "Share of fakes that a classifier trained on the real images names with at least 90 % "
                    "confidence (higher is better).", False))
    if "classes_covered" in metrics:
        few = metrics["classes_covered"] < 0.5 * metrics["classes_total"] and metrics["recognisable_share"] > 0.2
        out.append((f"classes {metrics['classes_covered']}/{metrics['classes_total']}",
                    "Classes that at least 1 % of the fakes are recognisably drawn as; few classes is mode collapse.",
                    few))
    if "asked_class_share" in metrics:
        out.append((f"as asked {metrics['asked_class_share']:.0%}",
                    "Conditional run: share of fakes that the classifier names, with at least 90 % confidence, "
                    "as the class G was asked to draw (higher is better).", False))
    if "frechet_classifier" in metrics:
        out.append((f"Fréchet {metrics['frechet_classifier']:.1f}",
                    "Fréchet distance between real and fake images in our classifier's features (lower is better; "
                    "like FID, but with our small classifier, so only comparable with itself).", False))
    return out
