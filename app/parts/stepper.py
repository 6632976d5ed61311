"""Step by step, as GAN Lab teaches: one whole iteration (a D step, then a G step), one D step
alone (the surface moves, the fakes do not) or one G step alone (the fakes move along the
arrows, the surface does not). A step pauses a running run, trains on the session's own
worker, and answers with the redrawn samples graph, the counter and the status in the same
reply; the tick then catches the charts up."""
from __future__ import annotations

from dash import Input, Output, State, callback_context, dcc, html, no_update

from app import ids
from app.parts import timeline
from app.parts.toggles import TOGGLES, view_options
from app.status import render_status
from gan_core import SessionError
from gan_core.session import SLOW_MOTION_PHASES

ONE_ITERATION = "One iteration: a discriminator step, then a generator step."
_PHASES = {ids.STEP_D: "d", ids.STEP_G: "g"}


def layout() -> html.Div:
    return html.Div([
        html.Span("Step:", className="step-label"),
        html.Button("1 iteration", id=ids.STEP, n_clicks=0, className="btn-small",
                    title="Pause and train exactly one iteration: D learns once, then G learns once."),
        html.Button("D step", id=ids.STEP_D, n_clicks=0, className="btn-small",
                    title="Pause and let only the discriminator learn once: its verdict (the shade) moves, "
                          "the fakes stay."),
        html.Button("G step", id=ids.STEP_G, n_clicks=0, className="btn-small",
                    title="Pause and let only the generator learn once: the fakes move along the arrows, "
                          "the shade stays."),
        dcc.Checklist(id=ids.SLOW_MOTION, value=[], className="checklist toggle",
                      options=[{"label": html.Span(" Slow motion", title="Train one phase at a time, each held a "
                                                   "second and a half and said in words: what G does, what D does, "
                                                   "and how each update moves the picture."), "value": "on"}]),
    ], className="stepper", role="group", **{"aria-label": "Step by step"})


def phases_layout() -> html.Ol:
    return html.Ol(phases_view(-1), id=ids.PHASES, className="phases", style={"display": "none"},
                   **{"aria-label": "The phases of one iteration", "aria-live": "polite"})


def phases_view(current: int) -> list:
    """The phases of one iteration, the one now shown highlighted."""
    return [html.Li(words, className="now" if k == current else "") for k, words in enumerate(SLOW_MOTION_PHASES)]


def register(app, registry) -> None:
    @app.callback(
        Output(ids.PHASES, "style"),
        Output(ids.TICK, "disabled", allow_duplicate=True),
        Output(ids.STATUS, "children", allow_duplicate=True),
        Input(ids.SLOW_MOTION, "value"),
        State(ids.SESSION, "data"),
        prevent_initial_call=True,
    )
    def slow_motion(value, sid):
        session = registry.get(sid)
        if session is None:
            return no_update, True, "Your session has ended. Reload the page."
        on = isinstance(value, list) and "on" in value
        session.set_slow_motion(on)
        return {"display": "grid" if on else "none"}, False, render_status(session.snapshot(since=1 << 62))

    @app.callback(
        Output(ids.SAMPLES_GRAPH, "figure", allow_duplicate=True),
        Output(ids.STEP_COUNTER, "children", allow_duplicate=True),
        Output(ids.STATUS, "children", allow_duplicate=True),
        Output(ids.TICK, "disabled", allow_duplicate=True),
        Output(ids.TIMELINE, "value", allow_duplicate=True),
        Input(ids.STEP, "n_clicks"), Input(ids.STEP_D, "n_clicks"), Input(ids.STEP_G, "n_clicks"),
        State(ids.SESSION, "data"),
        State(ids.LARGE_TYPE, "value"),
        State(ids.TIMELINE, "value"),
        State(ids.VIEW_OPTIONS, "value"),
        *[State(toggle, "value") for toggle, _ in TOGGLES],
        prevent_initial_call=True,
    )
    def step(_one, _d, _g, sid, large, moment, smooth, *toggles):
        session = registry.get(sid)
        if session is None:
            return no_update, no_update, "Your session has ended. Reload the page.", True, no_update
        trigger = callback_context.triggered_id
        notice = ""
        try:
            if trigger in _PHASES:
                session.step_phase(_PHASES[trigger], timeout=60)
            elif trigger == ids.STEP:
                session.step(1, timeout=60, message=ONE_ITERATION)
            else:
                return (no_update,) * 5
        except SessionError as exc:
            notice = f"Not applied: {exc}"
        snap = session.snapshot(since=1 << 62)
        big = isinstance(large, list) and "large" in large
        # a step is about now: the timeline goes back to live
        figure = timeline.live_figure(snap, big, view_options(smooth, *toggles))
        return (figure, str(snap.iteration), render_status(snap, notice), False,
                timeline.LIVE if not timeline.is_live(moment) else no_update)
