"""The live views: samples graph, accuracy, loss and objective-quality charts, step counter and
status, and the tick that streams snapshots into them. A tab gets its session on page load
(a lazy one: no networks until Start); a slow heartbeat keeps the session alive and restarts
ticking if a stale tick stopped it while the run goes on.

Ticks never overlap: while one is in flight the interval is held (`max_intervals` 0) and the
next fires TICK_MS after the reply. Dash drops the reply of a callback whose input fired again
meanwhile (plotly/dash#1613), so a free-running interval faster than the round trip, as under a
classroom's load, would leave the page frozen rather than slow."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from dash import ClientsideFunction, Input, Output, State, dcc, html, no_update

from app import ids
from app.figures import (GRAPH_CONFIG, accuracy_extension, accuracy_figure, loss_extension, loss_figure,
                         quality_extension, quality_figure)
from app.registry import RegistryFull
from app.parts import timeline
from app.parts import toggles as view_toggles
from app.parts.toggles import TOGGLES, view_options
from app.parts.advanced import networks_view
from app.parts.stepper import phases_view
from app.status import render_status
from app.views import view_for
from app.wire import plain, plain_all
from gan_core import TARGETS, RunConfig, describe_networks, get_target

TICK_MS = 150  # after each reply: about 5-6 updates a second at a few ms of round trip
HEARTBEAT_MS = 2000


def counter_and_status() -> list:
    return [
        html.Div([
            html.Span("Iteration", className="counter-label"),
            html.Span("0", id=ids.STEP_COUNTER, className="counter",
                      title="Training iterations so far: one discriminator and one generator update each."),
        ], className="counter-box"),
        html.Div(id=ids.STATUS, className="status", role="status", **{"aria-live": "polite"},
                 children=html.Span("Loading your session…", className="state state-idle")),
    ]


def graph(graph_id: str, figure: dict, label: str, chart: bool = False) -> html.Div:
    """A graph in its card; `chart`: one of the small charts over iterations, whose margins
    Large type sets apart from the samples graph's (assets/gan.js)."""
    return html.Div(dcc.Graph(id=graph_id, figure=figure, config=GRAPH_CONFIG, responsive=True,
                              className="graph", style={"height": "100%"}),
                    className="card chart" if chart else "card", role="img", id=f"{graph_id}-card",
                    **{"aria-label": label})


CHARTS = ((ids.ACCURACY_GRAPH, "accuracy"), (ids.LOSS_GRAPH, "losses"), (ids.QUALITY_GRAPH, "quality"))


def charts_switch(shown=None) -> html.Div:
    """Which charts the page shows: a class watching the samples may want them all gone; the
    others take the room."""
    return html.Div([
        html.Span("Charts", className="control-label"),
        dcc.Checklist(id=ids.SHOW_CHARTS, value=[name for _, name in CHARTS if shown is None or name in shown],
                      inline=True,
                      className="checklist toggle charts-switch",
                      options=[{"label": html.Span(" " + name, title=f"Show the {name} chart."), "value": name}
                               for _, name in CHARTS]),
    ], className="control")


def graphs(settings) -> tuple[html.Div, html.Div]:
    """The samples card and the charts column; drawn at once with the page's target's real
    samples, so the first seconds show a picture, not empty boxes."""
    target = get_target(settings.config.target)
    real = target.sample(np.random.default_rng(1), 500)
    view = view_for(target)
    samples = graph(ids.SAMPLES_GRAPH, view.samples_figure(target, real, real[:0], settings.large),
                     "Real samples (red) and the generator's fakes (blue)")
    options = dcc.Checklist(
        id=ids.VIEW_OPTIONS, value=["smooth"] if settings.smooth else [], className="checklist view-options",
        style={"display": "none"},
        options=[{"label": html.Span(" Smooth the fake curves (rolling mean of 5)",
                                     title="Draw each fake curve through a rolling mean of 5 points, as the sinusoid "
                                           "tutorial does; training is unchanged."), "value": "smooth"}])
    toggles = view_toggles.layout(settings.views)
    big = settings.large
    charts = html.Div([
        graph(ids.ACCURACY_GRAPH, accuracy_figure((), big), "The discriminator's accuracy on real and on fake samples",
              chart=True),
        graph(ids.LOSS_GRAPH, loss_figure((), big), "The discriminator's and the generator's loss over time", chart=True),
        graph(ids.QUALITY_GRAPH, quality_figure(view.quality_lines(target), target.id, (), big),
               "An objective measure of how well the fakes match", chart=True),
    ], className="charts", id=ids.CHARTS_COLUMN)
    under = html.Div([toggles, timeline.layout()], className="under-samples")
    return html.Div([samples, options, under], className="samples-area"), charts


def stores() -> list:
    """The page's stores and clocks (the tab's session id lives in the shell, app.layout,
    so that it outlives a move to another preset's link)."""
    return [
        dcc.Store(id=ids.VIEW, data={}),
        dcc.Store(id=ids.RUN_QUERY),
        dcc.Store(id=ids.PAGE_QUERY),
        dcc.Store(id=ids.NOTICE, data=""),
        dcc.Interval(id=ids.TICK, interval=TICK_MS, disabled=True),
        dcc.Interval(id=ids.HEARTBEAT, interval=HEARTBEAT_MS),
    ]


def register(app, registry) -> None:
    @app.callback(
        Output(ids.TICK, "disabled", allow_duplicate=True),
        Input(ids.HEARTBEAT, "n_intervals"),
        State(ids.SESSION, "data"),
        State(ids.TICK, "disabled"),
        State(ids.VIEW, "data"),
        State(ids.NOTICE, "data"),
        prevent_initial_call=True,
    )
    def heartbeat(_n, sid, tick_disabled, view, notice):
        """Ticking again when the run goes on, or when the page shows an older publication
        or notice than the latest: a tick that was in flight when a command answered can land
        after it, put back the older status (without the command's "Not applied") and stop
        ticking (the run idle)."""
        session = registry.get(sid)  # marks the tab alive
        if session is None:
            return no_update
        running = session.state == "running"
        view = view if isinstance(view, dict) else {}
        stale = (view.get("version") != session.snapshot(since=1 << 62).version
                 or view.get("notice", "") != (notice if isinstance(notice, str) else ""))
        return False if tick_disabled and (running or stale) else no_update

    @app.callback(
        Output(ids.SAMPLES_GRAPH, "figure"),
        Output(ids.ACCURACY_GRAPH, "figure"),
        Output(ids.ACCURACY_GRAPH, "extendData"),
        Output(ids.LOSS_GRAPH, "figure"),
        Output(ids.LOSS_GRAPH, "extendData"),
        Output(ids.QUALITY_GRAPH, "figure"),
        Output(ids.QUALITY_GRAPH, "extendData"),
        Output(ids.STEP_COUNTER, "children"),
        Output(ids.STATUS, "children"),
        Output(ids.TICK, "disabled"),
        Output(ids.VIEW, "data"),
        Output(ids.TIMELINE, "value", allow_duplicate=True),
        Output(ids.TIMELINE_NOTE, "children", allow_duplicate=True),
        Output(ids.NETWORKS, "children"),
        Output(ids.PHASES, "children"),
        Input(ids.TICK, "n_intervals"),
        State(ids.SESSION, "data"),
        State(ids.VIEW, "data"),
        State(ids.NOTICE, "data"),
        State(ids.LARGE_TYPE, "value"),
        State(ids.TIMELINE, "value"),
        State(ids.VIEW_OPTIONS, "value"),
        *[State(toggle, "value") for toggle, _ in TOGGLES],
        prevent_initial_call=True,
        running=[(Output(ids.TICK, "max_intervals"), 0, -1)],  # held while in flight
    )
    def tick(_n, sid, view, notice, large, moment, options, *toggles):
        session = registry.get(sid)
        if session is None:
            return (no_update,) * 8 + ("Your session has ended. Reload the page.", True) + (no_update,) * 5
        big = isinstance(large, list) and "large" in large
        d = draw(session, view, notice, big, view_options(options, *toggles), moment)
        if d.new_run:  # a new run is shown live: its past is not the old run's
            return (*d.outputs, timeline.LIVE if not timeline.is_live(moment) else no_update,
                    timeline.note(d.snap, None), plain(networks_view(describe_networks(d.snap.config))),
                    plain(phases_view(d.snap.phase)))
        if d.unchanged:
            return (*d.outputs, no_update, no_update, no_update, no_update)
        return (*d.outputs, no_update, timeline.note(d.snap, None if timeline.is_live(moment) else moment),
                no_update, plain(phases_view(d.snap.phase)) if d.snap.slow_motion else no_update)

    @app.callback(
        Output(ids.VIEW_OPTIONS, "style"),
        Output(ids.EXPLAIN_OPTIONS, "style"),
        Input(ids.TARGET, "value"),
    )
    def show_view_options(target):
        """The curve options only where there are curves; the surface, arrows and manifold
        where the samples are points in a plane."""
        try:
            kind = get_target(target).kind if isinstance(target, str) else None
        except KeyError:
            kind = None
        return ({"display": "block" if kind == "sequence" else "none"},
                {"display": "flex" if kind in ("function", "points") else "none"})

    @app.callback(
        Output(ids.TICK, "disabled", allow_duplicate=True),
        Input(ids.VIEW_OPTIONS, "value"),
        *[Input(toggle, "value") for toggle, _ in TOGGLES],
        prevent_initial_call=True,
    )
    def redraw(*_options):
        """A view option changed: a tick (even while paused) draws the samples that way."""
        return False

    # Charts on and off, in the browser alone (no round trip): each card shown or not, and the
    # charts column gone when none is.
    app.clientside_callback(
        ClientsideFunction(namespace="gan", function_name="showCharts"),
        *[Output(f"{graph}-card", "style") for graph, _ in CHARTS],
        Output(ids.CHARTS_COLUMN, "className"),
        Input(ids.SHOW_CHARTS, "value"),
    )

    # Large type for projectors: the page's class, and the graphs' fonts at once.
    app.clientside_callback(
        ClientsideFunction(namespace="gan", function_name="largeType"),
        Output(ids.APP_ROOT, "className"),
        Input(ids.LARGE_TYPE, "value"),
        State(ids.CONTROLS_SHOWN, "data"),
    )


@dataclass(frozen=True)
class Drawn:
    """What one tick sends: `outputs` for samples, accuracy (figure, extension), losses
    (figure, extension), quality (figure, extension), counter, status, whether to stop
    ticking, and the view state to keep; as plain JSON data (app/wire.py)."""
    outputs: tuple
    snap: object
    new_run: bool
    unchanged: bool


def draw(session, view, notice: str, big: bool, options: frozenset, moment=None) -> Drawn:
    """The tick's work for any page that shows a run (a tab's own, or a follower's of the
    presenter's): whole figures for a new run, else patches since what the page has drawn
    (`view`); the samples at a past moment when the timeline is moved (`moment`)."""
    view = view if isinstance(view, dict) else {}
    notice = notice if isinstance(notice, str) else ""
    last = view.get("last") if type(view.get("last")) is int else -1
    snap = session.snapshot(since=last)
    if view.get("run") != snap.run_id:  # a new run: its whole history, counted from its start
        last = -1
        snap = session.snapshot()
    stop = snap.state != "running"
    target = get_target(snap.config.target)
    kind = view_for(target)
    newest = max([p.iteration for p in snap.history[-1:] + snap.quality[-1:]], default=last)
    drawn_options = sorted(options)
    new_view = {"run": snap.run_id, "version": snap.version, "last": newest, "options": drawn_options,
                "notice": notice}
    status = render_status(snap, notice)
    if view.get("run") != snap.run_id:  # first draw, or a reset: whole figures
        _, new_view["smooth"] = accuracy_extension(snap.history)
        _, new_view["smooth_loss"] = loss_extension(snap.history)
        return Drawn(plain_all((timeline.live_figure(snap, big, options),
                                accuracy_figure(snap.history, big), None,
                                loss_figure(snap.history, big, snap.config.loss), None,
                                quality_figure(kind.quality_lines(target), target.id, snap.quality, big), None,
                                str(snap.iteration), status, stop, new_view)), snap, True, False)
    redraw = view.get("options") != drawn_options  # the samples drawn another way
    if view.get("version") == snap.version and not redraw and view.get("notice", "") == notice:
        return Drawn((no_update,) * 9 + (stop, no_update), snap, False, True)
    smooth = view.get("smooth") if _pair(view.get("smooth")) else [None, None]
    accuracy, new_view["smooth"] = accuracy_extension(snap.history, smooth)
    smooth = view.get("smooth_loss") if _pair(view.get("smooth_loss")) else [None, None]
    losses, new_view["smooth_loss"] = loss_extension(snap.history, smooth)
    if not timeline.is_live(moment):  # a past moment is shown: it stays until the user moves it
        samples = timeline.moment_figure(session, snap, moment, big, options) if redraw else no_update
    elif redraw:
        samples = timeline.live_figure(snap, big, options)
    else:
        samples = kind.samples_patch(target, timeline.shown_fake(snap), options, timeline.verdicts(snap),
                                     snap.explanation)
    return Drawn(plain_all((samples, no_update, accuracy or no_update, no_update, losses or no_update, no_update,
                            quality_extension(kind.quality_lines(target), snap.quality) or no_update,
                            str(snap.iteration), status, stop, new_view)), snap, False, False)


def _pair(value) -> bool:
    return isinstance(value, list) and len(value) == 2 and all(
        v is None or (isinstance(v, (int, float)) and not isinstance(v, bool)) for v in value)
