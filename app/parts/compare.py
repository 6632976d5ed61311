"""Compare: a second run (B) beside the tab's own (A), the same settings and seed with one or
more settings changed ("learning_rate=0.01", the default: ten times A's), started, paused and
reset together, each with its own samples, accuracy chart and metrics: the lesson "this
setting collapses, that one doesn't" in one view.

B follows A: any setting changed on A is changed on B too, B's own changes kept on top. B is
a session of its own in the registry (app.registry.compare), so it trains in its own thread
and takes its own training place."""
from __future__ import annotations

import re

from dash import Input, Output, State, callback_context, dcc, html, no_update

from app import ids
from app.figures import accuracy_figure
from app.parts import live
from app.parts.toggles import TOGGLES, view_options
from gan_core import ConfigError, RunConfig
from gan_core.config import ALIASES, clip_repr, describe_fields
from gan_core.links import format_setting

CHANGES = "compare-changes"  # the text box: setting=value, ...
CHANGES_NOTE = "compare-note"
SAMPLES = "compare-samples-graph"
ACCURACY = "compare-accuracy-graph"
COUNTER = "compare-counter"
STATUS = "compare-status"
TICK = "compare-tick"
VIEW = "compare-view"
AREA = "compare-area"
_PAIR = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_-]*)\s*=\s*(\S+)\s*$")


def button() -> html.Button:
    return html.Button("Compare", id=ids.COMPARE, n_clicks=0, className="btn-small",
                       title="Train a second run beside this one, the same but for the settings you change (ten "
                             "times the learning rate to begin with), started and paused together.")


def layout() -> html.Section:
    return html.Section([
        html.Div([
            html.Strong("Run B:", className="compare-title"),
            dcc.Input(id=CHANGES, type="text", value="", debounce=True, className="compare-changes",
                      placeholder="learning_rate=0.01, loss=lsgan", autoComplete="off"),
            html.Span([html.Span("Iteration", className="counter-label"), " ",
                       html.Span("0", id=COUNTER, className="counter compare-counter")], className="compare-count"),
        ], className="compare-head", title="The settings run B changes, as setting=value separated by commas "
                                           "(names as in the advanced settings or a link)."),
        html.P(id=CHANGES_NOTE, className="hint compare-note"),
        html.Div(id=STATUS, className="status", role="status"),
        live.graph(SAMPLES, {}, "Run B's real samples (red) and fakes (blue)"),
        live.graph(ACCURACY, accuracy_figure(), "Run B's discriminator accuracy", chart=True),
        dcc.Store(id=VIEW, data={}),
        dcc.Interval(id=TICK, interval=live.TICK_MS, disabled=True),
    ], id=AREA, className="compare-area", style={"display": "none"}, **{"aria-label": "Run B"})



def parse_changes(text) -> dict:
    """"learning_rate=0.01, loss=lsgan" -> {"learning_rate": "0.01", "loss": "lsgan"}; a
    ConfigError naming what cannot be read. The values are checked by the config itself."""
    if not isinstance(text, str) or len(text) > 500:
        raise ConfigError("write the changes as setting=value, separated by commas")
    changes = {}
    for part in filter(None, (p.strip() for p in re.split(r"[,;\n]", text))):
        found = _PAIR.match(part)
        if not found:
            raise ConfigError(f"{clip_repr(part)} is not setting=value (e.g. learning_rate=0.01)")
        changes[found.group(1).replace("-", "_")] = found.group(2)
    if not changes:
        raise ConfigError("name at least one setting for run B to change, e.g. learning_rate=0.01")
    return changes


def default_changes(config: RunConfig) -> dict:
    """Ten times A's learning rate (capped at the field's top), the classic way to break a GAN."""
    return {"learning_rate": format_setting(min(1.0, config.g_learning_rate * 10))}


def changes_text(changes: dict) -> str:
    return ", ".join(f"{k}={v}" for k, v in changes.items())


def b_config(config: RunConfig, changes: dict) -> RunConfig:
    return config.replace(**changes)


def describe(a: RunConfig, b: RunConfig) -> str:
    changed = b.changed_fields(a)
    if not changed:
        return "Run B is the same as A: change a setting to compare."
    words, left = [], set(changed)
    for alias, pair in ALIASES.items():  # a G and D pair changed alike is said once
        if set(pair) <= left and len({getattr(b, n) for n in pair}) == 1 and len({getattr(a, n) for n in pair}) == 1:
            words.append(f"{describe_fields(pair)} {format_setting(getattr(b, pair[0]))} "
                         f"(A: {format_setting(getattr(a, pair[0]))})")
            left -= set(pair)
    words += [f"{describe_fields([n])} {format_setting(getattr(b, n))} (A: {format_setting(getattr(a, n))})"
              for n in sorted(left)]
    return "B changes " + ", ".join(words) + "."


def follow(registry, sid: str, session, triggers, client: str) -> list[str]:
    """After A's commands: B takes A's settings with its own changes, and A's Start, Pause and
    Reset. Returns notices (B refused a place, B's changes no longer apply)."""
    held = registry.partner(sid)
    if held is None:
        return []
    b_sid, b, changes = held
    notices = []
    try:
        wanted = b_config(session.config, changes)
    except ConfigError as exc:
        wanted = session.config
        notices.append(f"Run B runs A's settings: its change no longer applies ({exc}).")
    if ids.RESET in triggers:
        b.reset(wanted)
    elif wanted != b.config:
        diff = {f: getattr(wanted, f) for f in wanted.changed_fields(b.config)}
        b.configure(message="The same change as run A", **diff)
    if session.state == "running" and b.state not in ("running", "diverged", "error"):
        try:
            registry.admit(b_sid, client)
            b.start()
        except Exception as exc:  # RegistryFull, or B stopped: said, A trains on
            notices.append(f"Run B not started: {exc}")
    elif session.state != "running" and b.state == "running":
        b.pause()
    return notices


def register(app, registry) -> None:
    @app.callback(
        Output(AREA, "style"),
        Output(ids.COMPARE, "children"),
        Output(CHANGES, "value"),
        Output(CHANGES_NOTE, "children"),
        Output(TICK, "disabled"),
        Output(VIEW, "data"),
        Output("page-main", "className"),
        Input(ids.COMPARE, "n_clicks"),
        Input(CHANGES, "value"),
        State(ids.SESSION, "data"),
        prevent_initial_call=True,
    )
    def toggle(_n, text, sid):
        """Compare on (with ten times the learning rate), off, or B's changes edited."""
        from app.parts.controls import client_address  # controls calls this part: import late

        session = registry.get(sid)
        if session is None:
            return (no_update,) * 3 + ("Your session has ended. Reload the page.",) + (no_update,) * 3
        comparing = registry.partner(sid) is not None
        if callback_context.triggered_id == ids.COMPARE:
            if comparing:
                registry.end_compare(sid)
                return {"display": "none"}, "Compare", no_update, "", True, {}, "page"
            changes = default_changes(session.config)
        elif not comparing:
            return (no_update,) * 7
        else:
            try:
                changes = parse_changes(text)
                b_config(session.config, changes)
            except ConfigError as exc:
                return no_update, no_update, no_update, f"Not applied: {exc}", no_update, no_update, no_update
        config = b_config(session.config, changes)
        b = registry.compare(sid, changes, config)
        if session.state == "running" and b.state != "running":
            try:
                registry.admit(registry.partner(sid)[0], client_address())
                b.start()
            except Exception as exc:  # noqa: BLE001 - said on the page
                return ({"display": "flex"}, "Stop comparing", changes_text(changes), f"Run B not started: {exc}",
                        False, {}, "page comparing")
        return ({"display": "flex"}, "Stop comparing", changes_text(changes), describe(session.config, config),
                False, {}, "page comparing")

    @app.callback(
        Output(SAMPLES, "figure"),
        Output(ACCURACY, "figure"),
        Output(ACCURACY, "extendData"),
        Output(COUNTER, "children"),
        Output(STATUS, "children"),
        Output(VIEW, "data", allow_duplicate=True),
        Input(TICK, "n_intervals"),
        State(ids.SESSION, "data"),
        State(VIEW, "data"),
        State(ids.LARGE_TYPE, "value"),
        State(ids.VIEW_OPTIONS, "value"),
        *[State(toggle, "value") for toggle, _ in TOGGLES],
        prevent_initial_call=True,
        running=[(Output(TICK, "max_intervals"), 0, -1)],  # held while in flight
    )
    def tick(_n, sid, view, large, options, *toggles):
        held = registry.partner(sid)
        if held is None:
            return (no_update,) * 6
        big = isinstance(large, list) and "large" in large
        d = live.draw(held[1], view, "", big, view_options(options, *toggles))
        samples, acc_figure, acc_extend, *_, counter, status, _stop, new_view = d.outputs
        return samples, acc_figure, acc_extend, counter, status, new_view
