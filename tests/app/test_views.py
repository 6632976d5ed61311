"""The pure view builders: figures and status line, as the browser receives them."""
import json

import numpy as np
from dash import html

from app.figures import MAX_ACCURACY_POINTS, accuracy_extension, accuracy_figure, samples_figure
from app.parts.live import _shown_fake
from app.status import render_status
from gan_core import get_target
from gan_core.config import RunConfig
from gan_core.session import HistoryPoint, Snapshot


def _snap(**changes):
    base = dict(state="running", message="", iteration=1200, steps_per_second=987.4, config=RunConfig(),
                real=np.zeros((500, 2), np.float32), fake=np.ones((500, 2), np.float32), history=(),
                metrics={"mean_abs_error": 0.0123, "js": 0.2}, version=3, run_id=1, compiled=True)
    return Snapshot(**{**base, **changes})


def _text(parts) -> str:
    return " ".join(p.children for p in parts if isinstance(p, html.Span))


def test_samples_figure_is_plain_json_with_fixed_axes_red_real_blue_fake():
    target = get_target("ring8")
    fig = samples_figure(target, np.random.default_rng(0).normal(size=(500, 2)), np.zeros((500, 2)))
    json.dumps(fig)  # plain lists only: no NumPy arrays reach Plotly
    assert all(type(v) is float for v in fig["data"][0]["x"])
    assert fig["layout"]["xaxis"]["range"] == list(target.x_range)
    assert fig["layout"]["yaxis"]["range"] == list(target.y_range)
    real, fake = fig["data"]
    assert real["marker"]["color"] == "#d62728" and fake["marker"]["color"] == "#1f77b4"
    assert real["name"] == "real" and "fake" in fake["name"]


def test_accuracy_keeps_a_capped_window_and_sends_nan_as_gaps():
    history = [HistoryPoint(i, 0.5, float("nan"), 0.1, 0.2) for i in range(MAX_ACCURACY_POINTS + 50)]
    fig = accuracy_figure(history)
    assert len(fig["data"][0]["x"]) == MAX_ACCURACY_POINTS and fig["data"][0]["x"][0] == 50
    assert fig["layout"]["shapes"][0]["y0"] == 0.5  # the fooled-discriminator line
    update, traces, cap = accuracy_extension(history[:3])
    assert traces == [0, 1] and cap == MAX_ACCURACY_POINTS
    assert update["y"][1] == [None, None, None]
    json.dumps(update)
    assert accuracy_extension([]) is None


def test_status_says_state_speed_metrics_message_and_notice():
    text = _text(render_status(_snap(message="New latent size: the run was reset and goes on."), "Not applied: x"))
    for words in ("Training", "iteration 1,200", "987 it/s", "0.0123", "JS 0.200", "goes on", "Not applied"):
        assert words in text
    assert "preparing" in _text(render_status(_snap(compiled=False)))
    paused = _text(render_status(_snap(state="paused")))
    assert "Paused" in paused and "it/s" not in paused


def test_no_fake_samples_before_the_first_iteration():
    assert len(_shown_fake(_snap(iteration=0))) == 0
    assert len(_shown_fake(_snap(iteration=1))) == 500
