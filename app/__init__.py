"""The Dash front end. `app.server` (or `app:server`) is the WSGI object."""
from __future__ import annotations

import os
import threading
import time

import dash
from flask import g, jsonify, request

from app import guard
from app import layout as page
from app.parts import compare, controls, export, live, present, share, stepper, timeline
from app.registry import SessionRegistry
from gan_core import prepare_data, profile

_ASSETS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "assets")


def _request_nice() -> int:
    try:
        return min(19, max(0, int(os.environ.get("GAN_REQUEST_NICE", "5"))))
    except ValueError:
        return 5


# How far a request thread yields the CPU to training (Linux nice, per thread; 0: not at all).
# A lone run's compiled step keeps both cores busy, its two threads waiting for each other, so
# a tick that cut into it cost the run two to three times the tick's own time (one tab at max
# speed: 0.92 of headless); yielding, it runs in the gaps between steps (0.95-0.98), and a page
# still gets its share of a busy machine at once (python -m bench, README).
REQUEST_NICE = _request_nice()
_niced = threading.local()


def yield_to_training() -> None:
    """Called by the thread about to serve a request (gunicorn's pre_request, the local
    server's handler): lower its priority once, for every request it serves after."""
    if REQUEST_NICE and not getattr(_niced, "done", False):
        _niced.done = True
        try:
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), REQUEST_NICE)
        except (AttributeError, OSError):  # not Linux, or not allowed: requests compete as they are
            pass


def new_session():
    """A tab's run: default settings with a seed of its own (a class sees thirty different
    runs), the default watchable speed, and no networks until Start (lazy)."""
    from gan_core import RunConfig, TrainingSession

    return TrainingSession(RunConfig(seed=controls.new_seed()),
                           speed=controls.SPEEDS[controls.DEFAULT_SPEED_INDEX], lazy=True)


def create_app(registry: SessionRegistry | None = None) -> dash.Dash:
    if registry is None:  # an empty registry is falsy (it has a length)
        registry = SessionRegistry(factory=new_session)
    dash_app = dash.Dash(__name__, assets_folder=_ASSETS, title="GAN training dashboard",
                         update_title=None, suppress_callback_exceptions=False, use_pages=True, pages_folder="")
    dash.register_page("dashboard", path="/", layout=page.dashboard, title="GAN training dashboard")
    dash.register_page("follow", path_template="/follow/<code>", layout=present.follower_layout,
                       title="Following a run")
    dash.register_page("not_found_404", layout=page.not_found, title="Page not found")
    dash_app.layout = page.shell
    share.register(dash_app, registry)
    controls.register(dash_app, registry)
    live.register(dash_app, registry)
    timeline.register(dash_app, registry)
    stepper.register(dash_app, registry)
    present.register(dash_app, registry)
    export.register(dash_app, registry)
    compare.register(dash_app, registry)
    guard.install(dash_app.server, dash_app.callback_map)
    dash_app.registry = registry

    @dash_app.server.get("/healthz")
    def healthz():
        # ?profile=1 adds where the process has spent its time (python -m bench --profile)
        extra = {"profile": profile.totals()} if request.args.get("profile") else {}
        return jsonify({"status": "ok", **registry.stats(), **extra})

    # Server-Timing: how long the server spent on each request, for browsers' dev tools
    # and the load benchmark (python -m bench), without reading any logs.
    @dash_app.server.before_request
    def _clock_in():
        g.request_started = time.perf_counter()
        g.request_cpu = time.thread_time()

    @dash_app.server.after_request
    def _clock_out(response):
        started = g.get("request_started")
        if started is not None:
            wall = time.perf_counter() - started
            response.headers["Server-Timing"] = f"app;dur={wall * 1000:.2f}"
            profile.add(_request_name(), wall, time.thread_time() - g.request_cpu)
        return response

    return dash_app


def _request_name() -> str:
    """A request as the profile counts it: a callback by the input that fired it
    ("request: tick.n_intervals"), anything else by its path."""
    if request.path.endswith("_dash-update-component"):
        body = request.get_json(silent=True) or {}
        fired = body.get("changedPropIds") or ["page load"]
        return f"request: {fired[0]}"
    return f"request: {request.path}"


def warm_up(dash_app: dash.Dash) -> None:
    """Serve the page's first requests once before real traffic (plotly/dash#3971), start
    compiling the default network shape that the first tabs will train, and prepare the image
    sets and their classifiers in the background."""
    client = dash_app.server.test_client()
    for path in ("/", "/_dash-layout", "/_dash-dependencies", "/healthz"):
        client.get(path)
    dash_app.registry.prefill(crowd=True)
    threading.Thread(target=_prepare_data, name="gan-data", daemon=True).start()


def _prepare_data() -> None:
    try:
        prepare_data()
    except Exception:  # a missing package or font shows when a run of that target starts
        pass


app = create_app()
server = app.server
