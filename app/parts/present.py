"""Presenter mode: the teacher presses Present and gets a short code and a link; every page
that opens `/follow/<code>` follows the teacher's run live and read-only, in large type
(samples, charts, counter, status; no training controls), across the teacher's resets and
setting changes, until the teacher stops presenting (the followers are told).

A follower costs a tick, not a training thread or a session: it reads the presenter's
published snapshot, and the reply for a given publication is built once and served to every
follower that has drawn the same before it (`_FollowCache`), so sixty followers of one run
cost little more than a few."""
from __future__ import annotations

import collections
import threading

from dash import Input, Output, State, dcc, html, no_update
from flask import request

from app import ids
from app.figures import accuracy_figure, loss_figure
from app.parts import live
from app.registry import normalise_code, pretty_code
from app.views import explain

FOLLOW_TICK = "follow-tick"
FOLLOWING = "following"  # the code this page follows
FOLLOW_VIEW = "follow-view"  # what this follower has drawn
FOLLOW_NOTE = "follow-note"
FOLLOWER_VIEWS = frozenset({explain.SURFACE, explain.ARROWS})


def button() -> html.Button:
    return html.Button("Present", id=ids.PRESENT, n_clicks=0, className="btn-small",
                       title="Let a class follow this run live: a code and a link that open it read-only, in large "
                             "type, on any number of screens. Press again to stop.")


def info() -> html.Span:
    return html.Span(id=ids.FOLLOW_CODE, className="follow-code", role="status")


def follower_layout(code: str | None = None, **_query) -> html.Div:
    """The page at /follow/<code>: the presenter's graphs, counter and status, nothing to press."""
    code = normalise_code(code)
    samples = live.graph(ids.SAMPLES_GRAPH, {}, "The presenter's real samples (red) and fakes (blue)")
    charts = html.Div([
        live.graph(ids.ACCURACY_GRAPH, accuracy_figure((), True), "The discriminator's accuracy on real and fake",
                   chart=True),
        live.graph(ids.LOSS_GRAPH, loss_figure((), True), "The discriminator's and the generator's loss", chart=True),
        live.graph(ids.QUALITY_GRAPH, {}, "An objective measure of how well the fakes match", chart=True),
    ], className="charts")
    return html.Div([
        html.Header([
            html.Div([html.H1("Following a run"),
                      html.P(["Code ", html.Strong(pretty_code(code) if code else "?", className="code"),
                              ": the presenter's run, live; it cannot be changed from here. ",
                              dcc.Link("Open a dashboard of your own", href="/"), "."], id=FOLLOW_NOTE,
                             className="follow-note")], className="titles"),
        ]),
        html.Main([
            html.Section(live.counter_and_status(), className="runbar", **{"aria-label": "Run"}),
            html.Div(samples, className="samples-area"),
            charts,
        ], className="page follow-page"),
        dcc.Store(id=FOLLOWING, data=code),
        dcc.Store(id=FOLLOW_VIEW, data={}),
        dcc.Interval(id=FOLLOW_TICK, interval=live.TICK_MS),
    ], className="app large following")


class _FollowCache:
    """Replies by (session, what the follower has drawn, the run's publication): followers
    in step with each other share one."""

    def __init__(self, size: int = 512):
        self._lock = threading.Lock()
        self._items: collections.OrderedDict = collections.OrderedDict()
        self._size = size
        self.hits = self.misses = 0

    def get(self, key, build):
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                self.hits += 1
                return self._items[key]
        value = build()
        with self._lock:
            self.misses += 1
            self._items[key] = value
            while len(self._items) > self._size:
                self._items.popitem(last=False)
        return value


def _view_key(view) -> tuple:
    if not isinstance(view, dict):
        return ()
    return tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in view.items()
                        if isinstance(v, (int, float, str, list, type(None)))))


def register(app, registry) -> None:
    cache = _FollowCache()
    app.follow_cache = cache

    @app.callback(
        Output(ids.FOLLOW_CODE, "children"),
        Output(ids.PRESENT, "children"),
        Input(ids.PRESENT, "n_clicks"),
        State(ids.SESSION, "data"),
        prevent_initial_call=True,
    )
    def present(_n, sid):
        if registry.get(sid) is None:
            return "Your session has ended. Reload the page.", "Present"
        if registry.presenting(sid):
            registry.stop_presenting(sid)
            return "Stopped presenting: followers are told.", "Present"
        code = registry.present(sid)
        link = f"{request.host_url.rstrip('/')}/follow/{code}"
        return [html.Span(["Code ", html.Strong(pretty_code(code), className="code"), " · "]),
                html.A(link, href=link, target="_blank", className="follow-link",
                       title="Followers open this link (or type the code after /follow/)")], "Stop presenting"

    @app.callback(
        Output(ids.SAMPLES_GRAPH, "figure", allow_duplicate=True),
        Output(ids.ACCURACY_GRAPH, "figure", allow_duplicate=True),
        Output(ids.ACCURACY_GRAPH, "extendData", allow_duplicate=True),
        Output(ids.LOSS_GRAPH, "figure", allow_duplicate=True),
        Output(ids.LOSS_GRAPH, "extendData", allow_duplicate=True),
        Output(ids.QUALITY_GRAPH, "figure", allow_duplicate=True),
        Output(ids.QUALITY_GRAPH, "extendData", allow_duplicate=True),
        Output(ids.STEP_COUNTER, "children", allow_duplicate=True),
        Output(ids.STATUS, "children", allow_duplicate=True),
        Output(FOLLOW_TICK, "disabled"),
        Output(FOLLOW_VIEW, "data"),
        Input(FOLLOW_TICK, "n_intervals"),
        State(FOLLOWING, "data"),
        State(FOLLOW_VIEW, "data"),
        prevent_initial_call=True,
        running=[(Output(FOLLOW_TICK, "max_intervals"), 0, -1)],  # held while in flight
    )
    def follow(_n, code, view):
        session, why = registry.presented(code)
        if session is None:
            return (no_update,) * 8 + ([html.Span("Not following", className="state state-idle"),
                                        html.Span(why, className="message")], True, no_update)
        version = session.snapshot(since=1 << 62).version
        key = (id(session), version, _view_key(view))
        drawn = cache.get(key, lambda: live.draw(session, view, "", True, FOLLOWER_VIEWS))
        # a follower keeps ticking while the run is paused: the presenter may start again
        return (*drawn.outputs[:-2], False, drawn.outputs[-1])
