"""The live views: samples graph, accuracy graph, step counter and status, and the tick that
streams snapshots into them. A tab gets its session on page load; a slow heartbeat keeps
the session alive and restarts ticking if a stale tick stopped it while the run goes on.

Ticks never overlap: while one is in flight the interval is held (`max_intervals` 0) and the
next fires TICK_MS after the reply. Dash drops the reply of a callback whose input fired again
meanwhile (plotly/dash#1613), so a free-running interval faster than the round trip, as under a
classroom's load, would leave the page frozen rather than slow."""
from __future__ import annotations

from dash import Input, Output, State, dcc, html, no_update

from app import ids
from app.figures import accuracy_extension, accuracy_figure, coords, samples_figure
from app.registry import RegistryFull
from app.status import render_status
from gan_core import get_target

TICK_MS = 150  # after each reply: about 5-6 updates a second at a few ms of round trip
HEARTBEAT_MS = 2000


def layout() -> html.Div:
    graph_config = {"displaylogo": False, "modeBarButtonsToRemove": ["lasso2d", "select2d"]}
    return html.Div([
        html.Div([
            html.Span("Iteration ", className="counter-label"),
            html.Span("0", id=ids.STEP_COUNTER, className="counter",
                      title="Training iterations so far: one discriminator and one generator update each."),
        ], className="counter-box"),
        html.Div(id=ids.STATUS, className="status", role="status", **{"aria-live": "polite"},
                 children="Starting your session…"),
        html.Div([
            dcc.Graph(id=ids.SAMPLES_GRAPH, className="graph", config=graph_config),
            dcc.Graph(id=ids.ACCURACY_GRAPH, className="graph", config=graph_config,
                      figure=accuracy_figure()),
        ], className="graphs"),
        dcc.Store(id=ids.SESSION, storage_type="memory"),
        dcc.Store(id=ids.VIEW, data={}),
        dcc.Store(id=ids.NOTICE, data=""),
        dcc.Interval(id=ids.TICK, interval=TICK_MS, disabled=True),
        dcc.Interval(id=ids.HEARTBEAT, interval=HEARTBEAT_MS),
    ], className="live")


def register(app, registry) -> None:
    @app.callback(
        Output(ids.SESSION, "data"),
        Output(ids.TICK, "disabled", allow_duplicate=True),
        Output(ids.STATUS, "children", allow_duplicate=True),
        Input(ids.URL, "pathname"),
        State(ids.SESSION, "data"),
        prevent_initial_call="initial_duplicate",
    )
    def open_session(_path, sid):
        if registry.get(sid) is not None:
            return no_update, False, no_update
        try:
            return registry.create(), False, "Ready: press Start."
        except RegistryFull as exc:
            return None, True, str(exc)

    @app.callback(
        Output(ids.TICK, "disabled", allow_duplicate=True),
        Input(ids.HEARTBEAT, "n_intervals"),
        State(ids.SESSION, "data"),
        State(ids.TICK, "disabled"),
        prevent_initial_call=True,
    )
    def heartbeat(_n, sid, tick_disabled):
        session = registry.get(sid)  # marks the tab alive
        if session is None:
            return no_update
        running = session.state == "running"
        return no_update if tick_disabled != running else False

    @app.callback(
        Output(ids.SAMPLES_GRAPH, "figure"),
        Output(ids.ACCURACY_GRAPH, "figure"),
        Output(ids.ACCURACY_GRAPH, "extendData"),
        Output(ids.STEP_COUNTER, "children"),
        Output(ids.STATUS, "children"),
        Output(ids.TICK, "disabled"),
        Output(ids.VIEW, "data"),
        Input(ids.TICK, "n_intervals"),
        State(ids.SESSION, "data"),
        State(ids.VIEW, "data"),
        State(ids.NOTICE, "data"),
        prevent_initial_call=True,
        running=[(Output(ids.TICK, "max_intervals"), 0, -1)],  # held while in flight
    )
    def tick(_n, sid, view, notice):
        session = registry.get(sid)
        if session is None:
            return (no_update,) * 4 + ("Your session has ended. Reload the page.", True, no_update)
        view = view if isinstance(view, dict) else {}
        notice = notice if isinstance(notice, str) else ""
        last = view.get("last") if isinstance(view.get("last"), int) else -1
        snap = session.snapshot(since=last)
        keep_ticking = snap.state == "running"
        new_view = {"run": snap.run_id, "version": snap.version,
                    "last": snap.history[-1].iteration if snap.history else last}
        if view.get("run") != snap.run_id:  # first draw, or a reset: whole figures
            target = get_target(snap.config.target)
            new_view["last"] = snap.history[-1].iteration if snap.history else -1
            return (samples_figure(target, snap.real, _shown_fake(snap)), accuracy_figure(snap.history), None,
                    str(snap.iteration), render_status(snap, notice), not keep_ticking, new_view)
        if view.get("version") == snap.version:
            return (no_update,) * 5 + (not keep_ticking, no_update)
        samples = _fake_patch(_shown_fake(snap))
        return (samples, no_update, accuracy_extension(snap.history) or no_update,
                str(snap.iteration), render_status(snap, notice), not keep_ticking, new_view)


def _shown_fake(snap):
    """No fake samples before the first iteration: a reset clears them."""
    return snap.fake if snap.iteration > 0 else snap.fake[:0]


def _fake_patch(fake):
    from dash import Patch

    patch = Patch()
    fx, fy = coords(fake)
    patch["data"][1]["x"] = fx  # only the fake coordinates travel each tick
    patch["data"][1]["y"] = fy
    return patch
