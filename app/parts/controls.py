"""The controls panel: sliders generated from the engine's field table, each with a box that
shows and accepts its real value, the target dropdown, speed, the seed, and Start / Pause /
Reset. One callback turns any of them into commands on the tab's session.

Each slider moves over a list of values a person would pick (so a clicked mark is exactly
the value written on it, and a learning rate reads 0.001, never its log exponent "-3");
its box takes any value the engine accepts (0.001, 1e-3, 20).

Several inputs can change in one request (a number typed, then Start clicked: the box's
change and the click travel together), so the callback applies every change it is sent,
settings first and the buttons last: the user's last intent wins.
"""
from __future__ import annotations

import math
import os
import secrets
from dataclasses import dataclass

from dash import ClientsideFunction, Input, Output, State, callback_context, dcc, html, no_update
from dash.exceptions import PreventUpdate
from flask import request

from app import ids
from app.parts import advanced, compare, export, gallery
from app.parts.live import charts_switch as live_charts_switch
from app.registry import RegistryFull
from app.status import render_status
from gan_core import TARGETS, ConfigError, RunConfig, SessionError, get_target
from gan_core.data import custom
from gan_core.config import ALIASES, FIELD_BY_NAME, Field, clip_repr
from gan_core.links import config_to_query
from gan_core.recommended import RECOMMENDED, YOUR_DATA, changes_for

# Speeds a person can pick, in iterations per second; None: as fast as the machine goes.
SPEEDS: tuple[float | None, ...] = (2, 10, 50, 200, 1000, 5000, None)
DEFAULT_SPEED_INDEX = 4
SEED_FIELD = FIELD_BY_NAME["seed"]


@dataclass(frozen=True)
class SliderSpec:
    id: str
    setting: str  # a config field or alias; its Field gives range, default and help
    label: str
    values: tuple[float, ...]  # the positions of the slider, in the setting's own units
    labelled: tuple[float, ...]  # the positions written under the slider
    live: bool = False  # applies to a running run without a reset

    @property
    def field(self) -> Field:
        return FIELD_BY_NAME[ALIASES.get(self.setting, (self.setting,))[0]]

    @property
    def box_id(self) -> str:
        return self.id + "-box"

    def position(self, value: float) -> int:
        """The slider position nearest to a value (on a log scale for log fields)."""
        key = (lambda v: math.log10(v)) if self.field.log else (lambda v: v)
        return min(range(len(self.values)), key=lambda i: abs(key(self.values[i]) - key(value)))

    def shown(self, config) -> tuple[int, str]:
        """The slider position and the box's text for the value a run uses."""
        value = getattr(config, self.field.name)
        return self.position(value), format_value(value)

    def setting_at(self, position) -> float:
        if isinstance(position, bool) or not isinstance(position, int) or not 0 <= position < len(self.values):
            raise ConfigError(f"{self.label.lower()} slider position must be a whole number from 0 to "
                              f"{len(self.values) - 1}; got {clip_repr(position)}", self.setting)
        return self.values[position]


def format_value(value: float) -> str:
    """A setting as a person writes it: 5, 0.001, 2e-05."""
    if value == int(value) and abs(value) >= 1:
        return str(int(value))
    return f"{value:g}"


SLIDERS = (
    SliderSpec(ids.LATENT_SIZE, "latent_size", "Latent size",
               (1, 2, 3, 4, 5, 6, 7, 8, 10, 12, 16, 20, 24, 32, 48, 64, 100, 128), (1, 4, 16, 64, 128)),
    SliderSpec(ids.HIDDEN_NODES, "hidden_nodes", "Hidden nodes (G and D)",
               (1, 2, 4, 8, 12, 16, 24, 32, 48, 64, 96, 128, 192, 256, 384, 512), (1, 8, 32, 128, 512)),
    SliderSpec(ids.LEARNING_RATE, "learning_rate", "Learning rate (G and D)",
               (1e-5, 2e-5, 5e-5, 1e-4, 2e-4, 5e-4, 1e-3, 2e-3, 5e-3, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0),
               (1e-5, 1e-3, 0.1, 1.0), live=True),
)


_RATE = next(spec for spec in SLIDERS if spec.setting == "learning_rate")

HELP = {
    "latent_size": "Size of the noise vector G turns into a sample.",
    "hidden_nodes": "Width of every hidden layer, in G and D alike.",
    "learning_rate": "Step size of the optimizers of G and D alike.",
}


def help_text(spec: SliderSpec, config=None) -> str:
    """The hint under a slider; for the learning rate, also G's and D's own when they differ
    (a preset may set them apart: the slider shows G's and moving it sets both)."""
    effect = " Applies at once." if spec.live else " New networks; a running run goes on."
    text = f"{HELP[spec.setting]} {spec.field.describe_range()}.{effect}"
    if spec.setting == "learning_rate" and config is not None and config.g_learning_rate != config.d_learning_rate:
        text += (f" Now G {format_value(config.g_learning_rate)}, D {format_value(config.d_learning_rate)} "
                 "(set apart in Advanced settings); moving this sets both.")
    return text


def hint_id(spec: SliderSpec) -> str:
    return spec.id + "-help"


def _slider(spec: SliderSpec, config) -> html.Div:
    default = getattr(config, spec.field.name)
    marks = {i: format_value(v) for i, v in enumerate(spec.values) if v in spec.labelled}
    hint = help_text(spec, config)
    help_id = hint_id(spec)
    return html.Div([
        html.Div([
            html.Label(spec.label, htmlFor=spec.box_id, className="control-label"),
            dcc.Input(id=spec.box_id, type="text", value=format_value(default), debounce=True,
                      inputMode="decimal", className="value-box", autoComplete="off"),
        ], className="control-head"),
        html.Div(dcc.Slider(id=spec.id, min=0, max=len(spec.values) - 1, step=1, value=spec.position(default),
                            marks=marks, updatemode="mouseup", allow_direct_input=False),
                 className="slider", **{"data-label": spec.label, "data-box": spec.box_id,
                                        "aria-describedby": help_id}),
        html.P(hint, id=help_id, className="hint"),
    ], className="control")


def seed_layout(seed: int | None = None) -> html.Div:
    return html.Div([
        html.Div([
            html.Label("Seed", htmlFor=ids.SEED, className="control-label"),
            dcc.Input(id=ids.SEED, type="number", min=0, max=SEED_FIELD.high, step=1, debounce=True, value=seed,
                      className="value-box seed-box"),
        ], className="control-head"),
        dcc.Checklist(id=ids.SEED_PIN, options=[{"label": " Keep this seed on Reset", "value": "pin"}],
                      value=[], className="checklist"),
        html.P("The same seed and settings give exactly the same run. Reset draws a new seed "
               "(new random networks) unless it is kept.", id="seed-help", className="hint"),
    ], className="control")


def layout(settings) -> html.Div:
    """The panel showing a page's settings (app.parts.share.PageSettings: from its link)."""
    config = settings.config
    speed_marks = {i: ("max" if s is None else f"{s / 1000:g}k" if s >= 1000 else f"{s:g}") for i, s in enumerate(SPEEDS)}
    return html.Div([
        gallery.layout(),
        html.Div([
            html.Label("Target distribution", htmlFor=ids.TARGET, id="target-label", className="control-label"),
            dcc.Dropdown(id=ids.TARGET, value=config.target, clearable=False, searchable=False,
                         options=target_options(config), className="dropdown"),
            html.P("What G learns to imitate. New networks; a running run goes on.", id="target-help",
                   className="hint"),
            dcc.Upload(id=ids.UPLOAD, className="upload", multiple=False, accept=".csv,.txt,text/csv,text/plain",
                       children=html.Span(["Your own data: drop a CSV of numbers or of x, y points here or ",
                                           html.U("choose a file")],
                                          title=f"A CSV file of 1-D values (one column) or 2-D points (x, y), one "
                                                f"per row (a header line is optional): at most "
                                                f"{custom.MAX_BYTES // 1_000_000} MB and {custom.MAX_ROWS:,} rows. "
                                                "It becomes the real data of this run only.")),
            html.Div([
                html.Button("Draw your data", id=ids.DRAW, n_clicks=0, className="btn-small",
                            title="Draw strokes on the samples plot with the mouse, as in GAN Lab; then press Use "
                                  "drawing: points along your strokes become the real data."),
                html.Button("Use drawing", id=ids.USE_DRAWING, n_clicks=0, className="btn-small",
                            title="Make the strokes drawn on the plot the real data of this run."),
            ], className="draw-buttons"),
            html.P(id=ids.UPLOAD_NOTE, className="hint", role="status"),
            dcc.Store(id=ids.UPLOAD_CHECKED),
        ], className="control"),
        *[_slider(spec, config) for spec in SLIDERS],
        html.Div([
            html.Div([html.Label("Speed (iterations per second)", htmlFor=ids.SPEED, className="control-label")],
                     className="control-head"),
            html.Div(dcc.Slider(id=ids.SPEED, min=0, max=len(SPEEDS) - 1, step=1, value=settings.speed,
                                marks=speed_marks, allow_direct_input=False),
                     className="slider", **{"data-label": "Speed (iterations per second)",
                                       "aria-describedby": "speed-help"}),
            html.P("Slow enough to watch each step, or as fast as the server can (max).", id="speed-help",
                   className="hint"),
        ], className="control"),
        seed_layout(config.seed if settings.seeded else None),
        export.layout(),
        live_charts_switch(settings.charts),
        advanced.networks_layout(),
        advanced.layout(config),
    ], className="controls-panel")


def target_options(config) -> list[dict]:
    """Every listed target, and the run's own data when it trains on some."""
    options = [_target_option(t) for t in TARGETS.values()]
    if config.target not in TARGETS:
        t = get_target(config.target)
        options.append({"label": html.Span(t.label, title=t.description), "value": t.id, "title": t.description})
    return options


def _target_option(t) -> dict:
    """A dropdown entry; a set whose files are not on this server is listed, disabled, with how
    to add it."""
    missing = t.missing()
    if missing:
        return {"label": html.Span(f"{t.label} (not on this server)", title=missing), "value": t.id,
                "title": missing, "disabled": True}
    return {"label": html.Span(t.label, title=t.description), "value": t.id, "title": t.description}


def run_buttons() -> html.Div:
    return html.Div([
        html.Button("Start", id=ids.START, n_clicks=0, className="btn btn-start",
                    title="Start or resume training."),
        html.Button("Pause", id=ids.PAUSE, n_clicks=0, className="btn btn-pause",
                    title="Pause training; Start resumes where it stopped."),
        html.Button("Reset", id=ids.RESET, n_clicks=0, className="btn btn-reset",
                    title="New random networks (a new seed unless it is kept), iteration 0, same settings."),
    ], className="buttons")


def recommendation_words(target: str) -> str:
    own = RECOMMENDED.get(target, YOUR_DATA)[0]
    label = get_target(target).label
    if not own:
        return f"{label}, with the default settings"
    words = ", ".join(f"{k.replace('_', ' ')} {format_value(v) if isinstance(v, (int, float)) else v}"
                      for k, v in own.items())
    return f"{label}, with its recommended settings ({words}; change them freely)"


def run_query(config: RunConfig, speed: float | None) -> dict[str, str]:
    """The run's part of the link: its settings and seed, and the speed when not the default."""
    out = config_to_query(config)
    if speed != SPEEDS[DEFAULT_SPEED_INDEX]:
        out["speed"] = "max" if speed is None else f"{speed:g}"
    return out


def new_seed() -> int:
    return secrets.randbelow(int(SEED_FIELD.high) + 1)


def client_address() -> str:
    """Who is asking, for the per-client limit on training places. Behind a PaaS router every
    request comes from the router, so GAN_TRUST_PROXY=1 reads the first X-Forwarded-For hop
    (only safe where the router sets that header itself)."""
    try:
        if os.environ.get("GAN_TRUST_PROXY") == "1" and request.access_route:
            return request.access_route[0]
        return request.remote_addr or ""
    except RuntimeError:  # outside a request (tests calling the function directly)
        return ""


_BUTTONS = (ids.START, ids.PAUSE, ids.RESET)
DRAWN_SPREAD = 0.015  # the noise around drawn strokes, as a share of the plot's width


_ADVANCED = "advanced:"  # an advanced setting's trigger: this prefix and the field's name


def _ordered_triggers() -> list[str]:
    """The ids whose value changed in this request, settings before buttons (an advanced
    setting as "advanced:<field>"). Forged or missing `changedPropIds` give an empty list,
    never an exception."""
    try:
        triggered = list(callback_context.triggered_prop_ids.values())
    except Exception:  # noqa: BLE001 - whatever a forged request makes Dash raise
        return []
    names = []
    for t in triggered:
        if isinstance(t, str):
            names.append(t)
        elif isinstance(t, dict) and t.get("type") == ids.ADVANCED and isinstance(t.get("field"), str):
            names.append(_ADVANCED + t["field"])
    return sorted(dict.fromkeys(names), key=lambda t: (t in _BUTTONS, _BUTTONS.index(t) if t in _BUTTONS else 0))


def register(app, registry) -> None:
    slider_inputs = [Input(spec.id, "value") for spec in SLIDERS]
    box_inputs = [Input(spec.box_id, "value") for spec in SLIDERS]
    slider_outputs = [Output(spec.id, "value", allow_duplicate=True) for spec in SLIDERS]
    box_outputs = [Output(spec.box_id, "value", allow_duplicate=True) for spec in SLIDERS]
    n = len(SLIDERS)

    app.clientside_callback(
        ClientsideFunction(namespace="gan", function_name="drawMode"),
        Output(ids.UPLOAD_NOTE, "children", allow_duplicate=True),
        Input(ids.DRAW, "n_clicks"),
        prevent_initial_call=True,
    )
    app.clientside_callback(
        ClientsideFunction(namespace="gan", function_name="useDrawing"),
        Output(ids.UPLOAD_CHECKED, "data", allow_duplicate=True),
        Output(ids.UPLOAD_NOTE, "children", allow_duplicate=True),
        Input(ids.USE_DRAWING, "n_clicks"),
        prevent_initial_call=True,
    )
    app.clientside_callback(
        f"function (contents, filename) {{ return window.dash_clientside.gan.checkUpload(contents, filename, "
        f"{custom.MAX_BYTES}); }}",
        Output(ids.UPLOAD_CHECKED, "data"),
        Output(ids.UPLOAD_NOTE, "children", allow_duplicate=True),
        Input(ids.UPLOAD, "contents"),
        State(ids.UPLOAD, "filename"),
        prevent_initial_call=True,
    )

    @app.callback(
        Output(ids.NOTICE, "data"),
        Output(ids.STATUS, "children", allow_duplicate=True),
        Output(ids.STEP_COUNTER, "children", allow_duplicate=True),
        Output(ids.TICK, "disabled", allow_duplicate=True),
        Output(ids.SEED, "value", allow_duplicate=True),
        Output(ids.RUN_QUERY, "data", allow_duplicate=True),
        Output(ids.TARGET, "options"),
        Output(ids.TARGET, "value"),
        Output(ids.UPLOAD_NOTE, "children"),
        *slider_outputs, *box_outputs,
        *advanced.outputs(),
        Output(hint_id(_RATE), "children"),
        Input(ids.START, "n_clicks"), Input(ids.PAUSE, "n_clicks"), Input(ids.RESET, "n_clicks"),
        Input(ids.TARGET, "value"), Input(ids.SPEED, "value"), Input(ids.SEED, "value"),
        Input(ids.UPLOAD_CHECKED, "data"),
        *slider_inputs, *box_inputs,
        *advanced.inputs(),
        State(ids.SEED_PIN, "value"),
        State(ids.SESSION, "data"),
        prevent_initial_call=True,
    )
    def command(_start, _pause, _reset, target, speed, seed, upload, *rest):
        slider_values, box_values = rest[:n], rest[n:2 * n]
        advanced_values, pin, sid = rest[2 * n:]
        fields = advanced.ordered_fields()
        keep = (no_update,) * (5 + 2 * n) + ([no_update] * len(fields), no_update)
        session = registry.get(sid)
        if session is None:
            return (no_update, "Your session has ended (idle too long or the server restarted). Reload the page.",
                    no_update, True, *keep)
        sliders_out, boxes_out = [no_update] * n, [no_update] * n
        seed_out = options_out = target_out = upload_note = no_update
        notices = []
        triggers = _ordered_triggers()
        if (triggers == [ids.SEED] and seed == session.config.seed) or (
                triggers == [ids.TARGET] and target == session.config.target):
            raise PreventUpdate  # the page showing the run's own seed or target, not a command
        for trigger in triggers:
            try:
                if trigger == ids.START:
                    registry.admit(sid, client_address())
                    session.start()
                elif trigger == ids.PAUSE:
                    session.pause()
                elif trigger == ids.RESET:
                    pinned = isinstance(pin, list) and "pin" in pin
                    config = session.config if pinned else session.config.replace(seed=new_seed())
                    session.reset(config)
                    seed_out = config.seed
                elif trigger == ids.SPEED:
                    if isinstance(speed, bool) or not isinstance(speed, int) or not 0 <= speed < len(SPEEDS):
                        raise ConfigError(f"speed must be a position from 0 to {len(SPEEDS) - 1}; "
                                          f"got {clip_repr(speed)}", "speed")
                    session.set_speed(SPEEDS[speed])
                elif trigger == ids.UPLOAD_CHECKED:
                    upload_note = ""
                    data = _your_data(upload, session)
                    words = "values" if data.dim == 1 else "points"
                    session.configure(message=f"Training on {data.label}: {len(data.data):,} {words}",
                                      **changes_for(data.id))
                    options_out, target_out = target_options(session.config), data.id
                    upload_note = f"{data.label}: {len(data.data):,} {words}, the real data of this run."
                    for i, spec in enumerate(SLIDERS):
                        sliders_out[i], boxes_out[i] = spec.shown(session.config)
                elif trigger == ids.TARGET:
                    if target == session.config.target:
                        continue  # the page showing the run's target (after your data came in)
                    if not isinstance(target, str) or target not in TARGETS:
                        raise ConfigError(f"target must be one of the listed distributions; got {clip_repr(target)}",
                                          "target")
                    if TARGETS[target].missing():
                        raise ConfigError(TARGETS[target].missing(), "target")
                    # Each target starts from its recommended settings; the sliders show them.
                    session.configure(message=recommendation_words(target), **changes_for(target))
                    for i, spec in enumerate(SLIDERS):
                        sliders_out[i], boxes_out[i] = spec.shown(session.config)
                elif trigger == ids.SEED:
                    try:
                        session.configure(seed=seed)
                    finally:
                        seed_out = session.config.seed  # an empty or refused box shows the seed again
                elif trigger.startswith(_ADVANCED):
                    _apply_advanced(session, trigger[len(_ADVANCED):], fields, advanced_values)
                    for i, spec in enumerate(SLIDERS):  # a slider may stand for what changed
                        sliders_out[i], boxes_out[i] = spec.shown(session.config)
                else:
                    _apply_slider(session, trigger, slider_values, box_values, sliders_out, boxes_out)
            except RegistryFull as exc:
                notices.append(str(exc))
            except custom.DataError as exc:
                upload_note = f"Not used: {exc}. Your run is unchanged."
            except (ConfigError, SessionError) as exc:
                notices.append(f"Not applied: {exc}")
        notices += compare.follow(registry, sid, session, triggers, client_address())
        notice = " ".join(notices)
        snap = session.snapshot(since=1 << 62)
        # The counter comes with the status, so "Paused" never shows beside an older count.
        # Re-enable ticking after any command: the tick redraws and stops itself when idle.
        # The advanced panel always shows what the run uses (a refused value is put back).
        return (notice, render_status(snap, notice), str(snap.iteration), False, seed_out,
                run_query(session.config, session.speed), options_out, target_out, upload_note, *sliders_out, *boxes_out,
                advanced.shown(session.config), help_text(_RATE, session.config))


def _your_data(upload, session):
    """The points of a checked upload (the browser has already refused files over the size
    limit) or of strokes drawn on the plot, kept as a target of their own; DataError says what
    is wrong."""
    if isinstance(upload, dict) and "strokes" in upload:
        x0, x1 = get_target(session.config.target).x_range
        points = custom.from_strokes(upload["strokes"], spread=DRAWN_SPREAD * (x1 - x0), seed=session.config.seed)
        return custom.register(points, label="your drawing")
    if not isinstance(upload, dict) or not isinstance(upload.get("contents"), str):
        raise custom.DataError("that upload could not be read")
    contents, name = upload["contents"], str(upload.get("filename") or "your file")[:60]
    try:
        raw = export.uploaded_bytes(contents)
    except ValueError:
        raise custom.DataError(f"{name} could not be read") from None
    return custom.register(custom.parse_csv(raw), label=f"your data ({name})")


def _apply_advanced(session, name: str, fields, values) -> None:
    """One advanced setting changed: configure it, with a clear message for anything odd."""
    names = [f.name for f in fields]
    if name not in names or not isinstance(values, list) or len(values) != len(fields):
        raise ConfigError(f"unknown setting {clip_repr(name)}", name)
    value = values[names.index(name)]
    field = fields[names.index(name)]
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ConfigError(f"{field.label} must be {'one of ' if field.choices else 'a number from '}"
                          f"{field.describe_range().removeprefix('one of ')}; the box was empty", name)
    session.configure(**{name: value})


def _apply_slider(session, trigger, slider_values, box_values, sliders_out, boxes_out) -> None:
    """A slider moved or its box was typed in: configure, then show the setting in both."""
    for i, spec in enumerate(SLIDERS):
        if trigger not in (spec.id, spec.box_id):
            continue
        try:
            if trigger == spec.id:
                session.configure(**{spec.setting: spec.setting_at(slider_values[i])})
            else:
                text = box_values[i]
                if not isinstance(text, (str, int, float)) or isinstance(text, bool) or str(text).strip() == "":
                    raise ConfigError(f"{spec.label.lower()} must be a number from "
                                      f"{spec.field.describe_range()}; got {clip_repr(text)}", spec.setting)
                session.configure(**{spec.setting: text})
        finally:  # refused or not, both show what the run now uses
            sliders_out[i], boxes_out[i] = spec.shown(session.config)
        return
