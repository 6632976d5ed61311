"""Points (function targets and 2-D clouds): a scatter of real circles and fake crosses, so
the two stay apart in greyscale and for colour-blind eyes; behind and over them the layers
that say why the fakes move (app/views/explain.py), each switched by a view option.

Trace order is fixed (a tick patches by index): 0 real, 1 fake, 2 D's surface (a heatmap,
which Plotly always draws beneath the scatters), 3 G's manifold, 4 the arrows."""
from __future__ import annotations

import numpy as np
from dash import Patch

from app.figures import FAKE_COLOUR, REAL_COLOUR, base_layout, samples_title, coords
from app.views import explain as ex

OPTIONS = (ex.SURFACE, ex.ARROWS, ex.MANIFOLD)  # the view options this kind understands


def samples_figure(target, real: np.ndarray, fake: np.ndarray, large: bool = False,
                   options: frozenset = frozenset(), verdicts=((), ()), explanation=None,
                   moment: str = "") -> dict:
    """`moment`: words for a past moment shown from the timeline (empty: live)."""
    rx, ry = coords(real)
    fx, fy = coords(fake)
    yaxis = {"range": list(target.y_range), "title": {"text": "y"}, "zeroline": False}
    if target.kind == "points":  # a 2-D cloud is drawn to scale: a disk stays round
        yaxis.update(scaleanchor="x", scaleratio=1, constrain="domain")
    shown = explanation if len(fake) else None  # no arrows or surface before G has made anything
    title = samples_title(target, moment)
    return {
        "data": [
            {"type": "scatter", "mode": "markers", "name": "real", "x": rx, "y": ry,
             "marker": {"size": 7, "opacity": 0.6, "color": REAL_COLOUR, "symbol": "circle"}},
            {"type": "scatter", "mode": "markers", "name": "fake", "x": fx, "y": fy,
             "marker": {"size": 7, "opacity": 0.8, "color": FAKE_COLOUR, "symbol": "x-thin",
                        "line": {"width": 2, "color": FAKE_COLOUR}}},
            ex.surface_trace(shown, ex.SURFACE in options),
            ex.manifold_trace(shown, ex.MANIFOLD in options and not moment),
            ex.arrow_trace(target, fake, shown, ex.ARROWS in options),
        ],
        "layout": base_layout(title, large,
                              xaxis={"range": list(target.x_range), "title": {"text": "x"}, "zeroline": False,
                                     "constrain": "domain"},
                              yaxis=yaxis, uirevision=target.id),
    }


def samples_patch(target, fake: np.ndarray, options: frozenset = frozenset(), verdicts=((), ()),
                  explanation=None) -> Patch:
    patch = Patch()
    fx, fy = coords(fake)
    patch["data"][1]["x"] = fx  # the fake coordinates, and only the layers that are on
    patch["data"][1]["y"] = fy
    if explanation is not None and len(fake):
        if ex.SURFACE in options:
            patch["data"][2].update(ex.surface_data(explanation))
        if ex.MANIFOLD in options:
            patch["data"][3].update(ex.manifold_data(explanation))
        if ex.ARROWS in options:
            arrows = ex.arrow_data(target, fake, explanation)
            patch["data"][4]["x"], patch["data"][4]["y"] = arrows["x"], arrows["y"]
            patch["data"][4]["marker"]["size"] = arrows["size"]
    return patch


def quality_lines(target) -> dict:
    """The one objective number that says whether G has learned this target."""
    if target.kind == "function":
        return {"lines": [("mean_abs_error", "mean |y − f(x)|")], "better": "lower", "log": True}
    if target.modes is not None:
        return {"lines": [("modes_covered", f"modes covered (of {len(target.modes)})"),
                          ("high_quality_share", "high quality (right)", "share")], "better": "higher",
                "log": False, "range": [0, len(target.modes) + 0.5]}
    return {"lines": [("js", "JS divergence"), ("kl", "KL(real ‖ fake)")], "better": "lower", "log": True}


def mode_collapse_words(metrics) -> str:
    """Mode collapse in words, when the quality chart shows it: the fakes sit on the modes
    (most are high quality) but on few of them, or they covered more modes before."""
    covered, total = metrics.get("modes_covered"), metrics.get("modes_total")
    best, quality = metrics.get("modes_covered_best", covered), metrics.get("high_quality_share", 0.0)
    if covered is None or not total:
        return ""
    if best - covered >= max(2, total // 4):
        return f"mode collapse: the fakes left {best - covered} of the {best} modes they covered"
    if quality >= 0.5 and covered <= total // 2:
        return f"mode collapse: the fakes sit on only {covered} of {total} modes"
    return ""


def status_stats(target, metrics) -> list[tuple[str, str, bool]]:
    out = []
    if "mean_abs_error" in metrics:
        out.append((f"mean |y − f(x)| {metrics['mean_abs_error']:.4f}",
                    "Mean distance of generated points from the true curve (lower is better).", False))
    if "modes_covered" in metrics:
        rule = ("Modes holding at least one good sample (within 3σ of the mode), as the PacGAN paper counts."
                if target.mode_rule == "any" else "Mixture modes holding a fair share of good samples.")
        out.append((f"modes {metrics['modes_covered']}/{metrics['modes_total']}", rule, False))
        if "reverse_kl" in metrics:
            out.append((f"reverse KL {metrics['reverse_kl']:.3f}",
                        "How unevenly the good fakes spread over the modes: KL(fakes' share of each mode ‖ "
                        "an even share), 0 when even, log(modes) when all sit on one.", False))
        collapse = mode_collapse_words(metrics)
        if collapse:
            out.append((collapse, "Mode collapse: G has found a few places D accepts and puts every fake there. "
                                  "Try a smaller learning rate, a larger latent size, or packing.", True))
    if "js" in metrics:
        out.append((f"JS {metrics['js']:.3f}",
                    "Jensen-Shannon divergence between real and generated samples on a 30×30 grid (0 is perfect).",
                    False))
    return out
