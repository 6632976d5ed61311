"""The timeline: a scrubber under the samples graph that shows any kept moment of the run
(the tutorial's "plot every 2,000 iterations", live). The session keeps a bounded set of past
moments (gan_core.session, TIMELINE_FRAMES); the slider runs from the run's start (0) to now
(LIVE, its right end). Moving it left shows the moment nearest that share of the run so far;
training goes on, and the counter and charts keep moving; the right end is live again.

The slider is a share, not an iteration, so the tick never has to move it as the run grows
(a slider rewritten under a dragging hand jumps)."""
from __future__ import annotations

import dataclasses

from dash import Input, Output, State, dcc, html, no_update

from app import ids
from app.parts.toggles import TOGGLES, view_options
from app.views import view_for
from gan_core import get_target

LIVE = 100


def layout() -> html.Div:
    return html.Div([
        html.Label("Timeline", htmlFor=ids.TIMELINE, className="control-label timeline-label",
                   title="Drag left to see an earlier moment of this run; training goes on. The right end is live."),
        html.Div(dcc.Slider(id=ids.TIMELINE, min=0, max=LIVE, step=1, value=LIVE, updatemode="drag",
                            marks={0: "start", LIVE: "now"}, allow_direct_input=False),
                 className="slider timeline", **{"data-label": "Timeline: an earlier moment of the run"}),
        html.Span("live", id=ids.TIMELINE_NOTE, className="timeline-note"),
    ], className="timeline-row")


def is_live(value) -> bool:
    return not isinstance(value, (int, float)) or isinstance(value, bool) or value >= LIVE


def shown_fake(snap):
    """No fake samples before the first iteration: a reset clears them."""
    return snap.fake if snap.iteration > 0 else snap.fake[:0]


def verdicts(snap):
    """D's verdicts on the shown samples, once there are fakes to judge; for a conditional
    run also the classes the shown fakes were asked for, by name."""
    if snap.iteration <= 0:
        return (), ()
    if snap.config.conditional == "on":
        return snap.d_real, snap.d_fake, asked_names(snap.config, len(snap.fake))
    return snap.d_real, snap.d_fake


def asked_names(config, n: int) -> tuple[str, ...]:
    """The classes a conditional run's first n fixed noise vectors ask for (as the engine
    draws them: gan_core.gan.view_classes)."""
    from gan_core.gan import view_classes
    from gan_core.kinds.images import SHOWN

    names = get_target(config.target).class_names()
    return tuple(names[k] for k in view_classes(n, len(names), SHOWN))


def live_figure(snap, large: bool, options: frozenset) -> dict:
    """The samples graph as the run stands now."""
    target = get_target(snap.config.target)
    return view_for(target).samples_figure(target, snap.real, shown_fake(snap), large, options, verdicts(snap),
                                           snap.explanation)


def wanted_iteration(snap, value) -> int:
    return int(round(max(0.0, min(float(value), LIVE)) / LIVE * snap.iteration))


def moment_figure(session, snap, value, large: bool, options: frozenset) -> dict:
    """The samples graph at the kept moment nearest `value` (a share of the run so far)."""
    if is_live(value):
        return live_figure(snap, large, options)
    frame = session.frame(wanted_iteration(snap, value))
    if frame is None:
        return live_figure(snap, large, options)
    target = get_target(snap.config.target)
    explanation = None
    if frame.surface is not None and snap.explanation is not None:
        # the kept surface and arrows of that moment; the manifold is live only
        explanation = dataclasses.replace(snap.explanation, surface=frame.surface, arrows=frame.arrows)
    fake = frame.fake.astype("float32")
    return view_for(target).samples_figure(target, snap.real, fake, large, options, ((), ()), explanation,
                                           moment=f"iteration {frame.iteration:,}")


def note(snap, value) -> str:
    if is_live(value):
        return "live"
    return f"at {wanted_iteration(snap, value):,} of {snap.iteration:,}"


def register(app, registry) -> None:
    @app.callback(
        Output(ids.SAMPLES_GRAPH, "figure", allow_duplicate=True),
        Output(ids.TIMELINE_NOTE, "children"),
        Input(ids.TIMELINE, "value"),
        State(ids.SESSION, "data"),
        State(ids.LARGE_TYPE, "value"),
        State(ids.VIEW_OPTIONS, "value"),
        *[State(toggle, "value") for toggle, _ in TOGGLES],
        prevent_initial_call=True,
    )
    def scrub(value, sid, large, smooth, *toggles):
        session = registry.get(sid)
        if session is None:
            return no_update, no_update
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= LIVE:
            value = LIVE  # a forged position: show the run as it is
        snap = session.snapshot(since=1 << 62)
        big = isinstance(large, list) and "large" in large
        return moment_figure(session, snap, value, big, view_options(smooth, *toggles)), note(snap, value)
