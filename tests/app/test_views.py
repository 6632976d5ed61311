"""The pure view builders: figures and status line, as the browser receives them."""
import json

import numpy as np
import pytest
from dash import html

from app.figures import (MAX_ACCURACY_POINTS, accuracy_extension, accuracy_figure, loss_extension, loss_figure,
                         quality_extension, quality_figure)
from app.parts.timeline import shown_fake as _shown_fake
from app.status import render_status
from app.views import curves, view_for
from app.views.points import samples_figure
from gan_core import get_target
from gan_core.config import RunConfig
from gan_core.recommended import recommended_config
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
    real, fake, surface, manifold, arrows = fig["data"]
    assert surface["type"] == "heatmap" and surface["z"] == [] and arrows["x"] == []  # nothing to explain yet
    assert real["marker"]["color"] == "#d62728" and fake["marker"]["color"] == "#1f77b4"
    assert real["name"].startswith("real") and "fake" in fake["name"]
    assert real["marker"]["symbol"] != fake["marker"]["symbol"]  # apart in greyscale too
    assert fig["layout"]["yaxis"]["scaleanchor"] == "x"  # a 2-D cloud to scale


def test_function_targets_keep_their_own_aspect_and_the_legend_is_clear_of_the_title():
    fig = samples_figure(get_target("x2"), np.zeros((5, 2)), np.zeros((0, 2)))
    assert "scaleanchor" not in fig["layout"]["yaxis"]
    assert fig["layout"]["title"]["xanchor"] == "left" and fig["layout"]["modebar"]["orientation"] == "v"
    assert fig["data"][1]["x"] == []


def test_accuracy_keeps_a_capped_window_and_sends_nan_as_gaps():
    history = [HistoryPoint(i, 0.5, float("nan"), 0.1, 0.2) for i in range(MAX_ACCURACY_POINTS + 50)]
    fig = accuracy_figure(history)
    assert len(fig["data"][0]["x"]) == MAX_ACCURACY_POINTS and fig["data"][0]["x"][0] == 50
    assert fig["layout"]["shapes"][0]["y0"] == 0.5  # the fooled-discriminator line
    (update, traces, cap), state = accuracy_extension(history[:3])
    assert traces == [0, 1, 2, 3] and cap == MAX_ACCURACY_POINTS
    assert update["y"][1] == [None, None, None] and update["y"][3] == [None, None, None]
    json.dumps(update)
    assert accuracy_extension([], [0.5, None]) == (None, [0.5, None])


def test_the_smoothed_accuracy_is_calm_where_the_raw_one_jumps():
    raw = [0.0, 1.0] * 50
    history = [HistoryPoint(i, v, 1 - v, 0.1, 0.2) for i, v in enumerate(raw)]
    fig = accuracy_figure(history)
    smooth = fig["data"][2]["y"]
    assert max(raw[20:]) - min(raw[20:]) == 1.0
    assert max(smooth[20:]) - min(smooth[20:]) < 0.15  # the bold line shows the trend
    # Extending tick by tick gives the same line as drawing it whole.
    state, pieces = [None, None], []
    for k in range(0, 100, 7):
        (update, _, _), state = accuracy_extension(history[k:k + 7], state)
        pieces += update["y"][2]
    assert pieces == smooth


def test_the_loss_chart_draws_d_and_g_raw_and_smoothed_with_a_log_switch_where_it_means_something():
    history = [HistoryPoint(i, 0.5, 0.5, 1.4 - 0.001 * i, 0.7 + (i % 2) * 0.2) for i in range(200)]
    fig = loss_figure(history)
    assert [t["name"] for t in fig["data"]] == ["D loss", "G loss", "D loss", "G loss"]
    assert fig["data"][0]["y"][:2] == [1.4, 1.399] and fig["data"][0]["opacity"] < 1  # faint raw line
    g_smooth = fig["data"][3]["y"]
    assert max(g_smooth[50:]) - min(g_smooth[50:]) < 0.05  # the bold line calms G's zigzag
    buttons = fig["layout"]["updatemenus"][0]["buttons"]
    assert [b["args"][0]["yaxis.type"] for b in buttons] == ["linear", "log"]
    # A critic's loss goes below zero: no log axis offered.
    assert loss_figure(history, loss="wgan-gp")["layout"]["updatemenus"] == []
    state, pieces = [None, None], []
    for k in range(0, 200, 9):
        (update, traces, _), state = loss_extension(history[k:k + 9], state)
        pieces += update["y"][3]
    assert pieces == g_smooth and traces == [0, 1, 2, 3]
    json.dumps(fig)


def _headline(target_id):
    return view_for(get_target(target_id)).quality_lines(get_target(target_id))["lines"][0][0]


def test_quality_chart_shows_the_headline_metric_of_each_kind():
    from gan_core.session import QualityPoint

    assert _headline("x2") == "mean_abs_error"
    assert _headline("ring8") == "modes_covered"
    assert _headline("disk") == "js"
    assert _headline("sinusoids") == "fit_residual"
    spec = view_for(get_target("x2")).quality_lines(get_target("x2"))
    points = [QualityPoint(100, {"mean_abs_error": 0.3}), QualityPoint(200, {"mean_abs_error": 0.05})]
    fig = quality_figure(spec, "x2", points)
    assert fig["data"][0]["y"] == [0.3, 0.05] and fig["layout"]["yaxis"]["type"] == "log"
    assert "lower is better" in fig["layout"]["title"]["text"]
    update, traces, _ = quality_extension(spec, points[1:])
    assert update == {"x": [[200]], "y": [[0.05]]} and traces == [0]


def test_curves_are_drawn_as_a_few_line_traces_and_patched_by_their_values_only():
    target = get_target("sinusoids")
    real = target.sample(np.random.default_rng(0), 500)
    fig = curves.samples_figure(target, real, real[::-1])
    json.dumps(fig)
    real_trace, fake_trace = fig["data"]
    assert real_trace["mode"] == fake_trace["mode"] == "lines"
    assert real_trace["y"].count(None) == curves.SHOWN  # a handful, not 500 tangled curves
    assert len(real_trace["y"]) == curves.SHOWN * (target.dim + 1)
    assert real_trace["line"]["color"] != fake_trace["line"]["color"] and fake_trace["line"]["dash"] == "dash"
    empty = curves.samples_figure(target, real, real[:0])["data"][1]
    assert len(empty["x"]) == len(real_trace["x"]) and empty["y"] == []  # x waits for the first fakes
    patch = curves.samples_patch(target, real).to_plotly_json()
    assert len(json.dumps(patch)) < 4000 and "x" not in json.dumps(patch["operations"][0]["location"])


def test_smoothing_a_curve_takes_a_rolling_mean_of_five_and_keeps_its_ends():
    target = get_target("sinusoids")
    noisy = np.tile(np.r_[0.0, 1.0], 25)[None, :].repeat(2, 0)
    _, raw = curves._joined(target, noisy)
    _, smooth = curves._joined(target, noisy, smooth=True)
    inner = [v for v in smooth[5:45] if v is not None]
    assert max(raw[:50]) - min(raw[:50]) == 1.0 and max(inner) - min(inner) <= 0.2
    assert abs(smooth[0] - np.mean([0, 1, 0])) < 1e-3  # the end averages the points it has


def test_status_says_the_curve_metrics_and_warns_of_mode_collapse():
    config = RunConfig().replace(target="sinusoids")
    metrics = {"fit_residual": 0.021, "frequency_w1": 0.4, "collapsed": 1.0, "diversity": 0.01}
    text = _text(render_status(_snap(config=config, metrics=metrics, real=np.zeros((500, 50), np.float32),
                                     fake=np.zeros((500, 50), np.float32))))
    assert "fit residual 0.021" in text and "frequency W1 0.400" in text and "mode collapse" in text


def test_status_says_state_speed_metrics_message_and_notice():
    text = _text(render_status(_snap(message="New latent size: the run was reset and goes on."), "Not applied: x"))
    for words in ("Training", "987 it/s", "0.0123", "JS 0.200", "goes on", "Not applied"):
        assert words in text
    assert "1,200" not in text and "iteration" not in text  # the counter's alone, one format
    assert "preparing" in _text(render_status(_snap(compiled=False)))
    paused = _text(render_status(_snap(state="paused")))
    assert "Paused" in paused and "it/s" not in paused


def test_status_has_no_scores_before_the_first_iteration_and_no_routine_red():
    fresh = render_status(_snap(state="idle", iteration=0, message="New latent size: the run was reset."))
    assert "0.0123" not in _text(fresh) and "JS" not in _text(fresh)
    (message,) = [p for p in fresh if "message" in (p.className or "")]
    assert "alarm" not in message.className  # routine news is not an error
    diverged = render_status(_snap(state="diverged", message="Training diverged."))
    assert any("alarm" in (p.className or "") for p in diverged)


def test_status_says_why_the_speed_falls_short_and_when_learning_is_too_slow():
    big = _text(render_status(_snap(speed=5000.0, steps_per_second=900.0, compute_rate=1000.0)))
    assert "below the 5,000/s setting" in big and "ms an iteration" in big
    busy = _text(render_status(_snap(speed=1000.0, steps_per_second=300.0, compute_rate=9000.0)))
    assert "busy" in busy
    assert "below" not in _text(render_status(_snap(speed=1000.0, steps_per_second=990.0, compute_rate=9000.0)))
    slow = _text(render_status(_snap(config=RunConfig().replace(learning_rate=1e-5))))
    assert "learning very slowly" in slow
    off = _text(render_status(_snap(off_axes=320)))
    assert "320 of 500 fakes are off the plot" in off


def test_no_fake_samples_before_the_first_iteration():
    assert len(_shown_fake(_snap(iteration=0))) == 0
    assert len(_shown_fake(_snap(iteration=1))) == 500


def test_images_travel_as_one_small_png_per_grid():
    from app.views import images

    target = get_target("digits")
    real = target.sample(np.random.default_rng(0), 500)
    fig = images.samples_figure(target, real, real[::-1])
    assert [t["type"] for t in fig["data"]] == ["image", "image"]
    assert all(t["source"].startswith("data:image/png;base64,") for t in fig["data"])
    patch = json.dumps(images.samples_patch(target, real).to_plotly_json())
    assert len(patch) < 40_000 and "source" in patch
    # the worst case for PNG, at 28×28, with every verdict written: one tick stays under 40 KB
    noisy = np.random.default_rng(1).uniform(-1, 1, (25, 784))
    letters = get_target("letters")
    worst = images.samples_patch(letters, noisy, verdicts=(np.random.rand(10), np.random.rand(25)))
    assert len(json.dumps(worst.to_plotly_json())) < 32_000
    # and with the class each fake was asked for written before its verdict
    worst = images.samples_patch(letters, noisy, verdicts=(np.random.rand(10), np.random.rand(25), ("Q",) * 25))
    assert len(json.dumps(worst.to_plotly_json())) < 33_000


def test_status_says_the_image_metrics_beside_the_real_ones():
    config = RunConfig().replace(target="digits")
    metrics = {"recognisable_share": 0.42, "real_recognisable_share": 0.95, "classes_covered": 3,
               "classes_total": 10, "frechet_classifier": 12.3}
    text = _text(render_status(_snap(config=config, metrics=metrics, real=np.zeros((500, 256), np.float32),
                                     fake=np.zeros((500, 256), np.float32))))
    assert "recognisable 42% (real: 95%)" in text and "classes 3/10" in text and "Fréchet 12.3" in text


def test_each_shown_image_carries_ds_verdict_green_for_real_red_for_fake():
    from app.views import images

    target = get_target("digits")
    real = target.sample(np.random.default_rng(0), 12)
    fig = images.samples_figure(target, real, real, verdicts=(np.full(10, 0.9), np.linspace(0, 1, 25)))
    notes = fig["layout"]["annotations"][2:]
    assert len(notes) == 25 + 10
    fakes = notes[:25]
    assert fakes[0]["text"] == "0.00" and fakes[0]["font"]["color"] == images.VERDICT_FAKE
    assert fakes[-1]["text"] == "1.00" and fakes[-1]["font"]["color"] == images.VERDICT_REAL
    assert all(n["font"]["color"] == images.VERDICT_REAL for n in notes[25:])
    assert len(images.samples_figure(target, real, real[:0])["layout"]["annotations"]) == 2  # none before training


def test_a_conditional_run_writes_the_class_each_fake_was_asked_for():
    from app.parts import timeline
    from app.views import images

    config = recommended_config("letters")
    assert config.conditional == "on"
    snap = _snap(config=config, iteration=10, real=np.zeros((500, 784), np.float32),
                 fake=np.zeros((25, 784), np.float32), d_real=np.full(10, 0.8), d_fake=np.full(25, 0.3))
    d_real, d_fake, asked = timeline.verdicts(snap)
    # the engine's fixed noise asks for these: spread over the 40 classes, A first
    assert asked[:4] == ("A", "B", "D", "E") and len(set(asked)) == 25
    fig = timeline.live_figure(snap, False, frozenset())
    notes = fig["layout"]["annotations"]
    assert [n["text"] for n in notes[2:4]] == ["0.30", "0.30"]  # D's verdicts, as ever
    corner = notes[2 + 25 + 10:]  # then the class asked for, in each fake's corner
    assert [n["text"] for n in corner[:3]] == ["A", "B", "D"] and len(corner) == 25
    assert corner[0]["x"] < notes[2]["x"] and corner[0]["y"] < notes[2]["y"]
    off = config.replace(conditional="off")
    assert len(timeline.live_figure(_snap(config=off, iteration=10, real=np.zeros((500, 784), np.float32),
                                          fake=np.zeros((25, 784), np.float32), d_real=np.ones(10),
                                          d_fake=np.ones(25)), False, frozenset())["layout"]["annotations"]) == 37
    assert len(timeline.verdicts(_snap(config=off, iteration=10, d_real=np.ones(10), d_fake=np.ones(25)))) == 2


def test_mixtures_chart_modes_and_high_quality_share_on_its_own_axis():
    from gan_core.session import QualityPoint

    target = get_target("ring8")
    spec = view_for(target).quality_lines(target)
    fig = quality_figure(spec, "ring8", [QualityPoint(100, {"modes_covered": 3, "high_quality_share": 0.4})])
    modes, share = fig["data"]
    assert modes["y"] == [3] and share["y"] == [0.4] and share["yaxis"] == "y2" and "yaxis" not in modes
    assert fig["layout"]["yaxis2"]["tickformat"] == ".0%" and fig["layout"]["yaxis"]["range"][1] > 8
    assert [line[0] for line in view_for(get_target("disk")).quality_lines(get_target("disk"))["lines"]] == ["js", "kl"]


def test_mode_collapse_is_said_in_words_only_when_the_chart_shows_it():
    from app.views.points import mode_collapse_words

    healthy = {"modes_covered": 8, "modes_total": 8, "modes_covered_best": 8, "high_quality_share": 0.9}
    assert mode_collapse_words(healthy) == ""
    assert mode_collapse_words({**healthy, "modes_covered": 2, "high_quality_share": 0.1, "modes_covered_best": 2}) == ""
    dropped = mode_collapse_words({**healthy, "modes_covered": 4})
    assert "left 4 of the 8 modes" in dropped
    few = mode_collapse_words({**healthy, "modes_covered": 3, "modes_covered_best": 3, "high_quality_share": 0.8})
    assert "only 3 of 8" in few
    stats = render_status(_snap(config=RunConfig(target="ring8"),
                                metrics={**healthy, "modes_covered": 3, "modes_covered_best": 7}))
    assert any("mode collapse" in p.children and p.className == "warning" for p in stats if isinstance(p, html.Span))


def test_the_explanatory_layers_are_small_plain_json_and_patched_only_when_on():
    from app.views import explain, points
    from gan_core.gan import Explanation, surface_axes

    target = get_target("ring8")
    xs, ys = surface_axes(target)
    rng = np.random.default_rng(0)
    expl = Explanation(xs, ys, rng.random((40, 40), dtype=np.float32), rng.normal(size=(100, 2)).astype(np.float32),
                       rng.normal(size=(15, 60, 2)).astype(np.float32), rng.normal(size=(15, 60, 2)).astype(np.float32),
                       True)
    fake = rng.normal(size=(500, 2))
    everything = frozenset({explain.SURFACE, explain.ARROWS, explain.MANIFOLD})
    fig = points.samples_figure(target, fake, fake, options=everything, explanation=expl)
    surface, manifold, arrows = fig["data"][2:]
    assert surface["type"] == "heatmap" and len(surface["z"]) == 40 and surface["visible"]
    assert "slice" in manifold["name"] and manifold["x"].count(None) == 30
    assert len(arrows["x"]) == 300 and arrows["x"][2] is None and arrows["marker"]["size"][1] in (0, 9)
    # the longest arrow is ARROW_SHARE of the plot; each starts at its fake
    starts = np.array([arrows["x"][0::3], arrows["y"][0::3]]).T
    ends = np.array([arrows["x"][1::3], arrows["y"][1::3]]).T
    assert np.allclose(starts, np.round(fake[:100], 3))
    assert np.abs(ends - starts).max() / 3.0 == pytest.approx(explain.ARROW_SHARE, rel=0.05, abs=0.01)
    size = len(json.dumps(points.samples_patch(target, fake, frozenset({explain.SURFACE, explain.ARROWS}),
                                               explanation=expl).to_plotly_json()))
    assert size < 30_000  # surface and arrows on: the tick stays small
    off = json.dumps(points.samples_patch(target, fake, frozenset(), explanation=expl).to_plotly_json())
    assert '"z"' not in off and len(off) < 12_000
    hidden = points.samples_figure(target, fake, fake, options=frozenset(), explanation=expl)["data"]
    assert not hidden[2]["visible"] and hidden[2]["z"] == [] and hidden[4]["x"] == []


def test_the_papers_targets_say_their_rule_reverse_kl_and_how_far_annealing_has_gone():
    metrics = {"modes_covered": 7, "modes_total": 8, "high_quality_share": 0.9, "reverse_kl": 0.0312}
    cfg = RunConfig(target="pacgan-ring", packing=2, lr_halflife=1000)
    spans = [p for p in render_status(_snap(config=cfg, metrics=metrics, iteration=2000)) if isinstance(p, html.Span)]
    words = {p.children: getattr(p, "title", "") for p in spans}
    assert "at least one good sample" in words["modes 7/8"]
    assert "reverse KL 0.031" in words
    assert any(text.startswith("learning rates annealed to 0.25 of") for text in words)
    ours = render_status(_snap(config=RunConfig(target="ring8"), metrics=metrics, iteration=2000))
    ours = {p.children: getattr(p, "title", "") for p in ours if isinstance(p, html.Span)}
    assert "fair share" in ours["modes 7/8"] and not any("annealed" in t for t in ours)
