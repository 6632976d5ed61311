"""The controls panel: sliders generated from the engine's field table, the target
dropdown, speed, and Start / Pause / Reset. One callback turns any of them into one
command on the tab's session."""
from __future__ import annotations

import math
from dataclasses import dataclass

from dash import Input, Output, State, callback_context, dcc, html, no_update

from app import ids
from app.status import render_status
from gan_core import FIELDS, TARGETS, ConfigError, SessionError
from gan_core.config import ALIASES, FIELD_BY_NAME, Field

# Speeds a person can pick, in iterations per second; None: as fast as the machine goes.
SPEEDS: tuple[float | None, ...] = (2, 10, 50, 200, 1000, 5000, None)
DEFAULT_SPEED_INDEX = 4


@dataclass(frozen=True)
class SliderSpec:
    id: str
    setting: str  # a config field or alias; its Field gives range, default and help
    label: str
    marks: tuple[float, ...]

    @property
    def field(self) -> Field:
        return FIELD_BY_NAME[ALIASES.get(self.setting, (self.setting,))[0]]


SLIDERS = (
    SliderSpec(ids.LATENT_SIZE, "latent_size", "Latent size", (1, 8, 16, 32, 64)),
    SliderSpec(ids.HIDDEN_NODES, "hidden_nodes", "Hidden nodes (G and D)", (1, 64, 128, 256, 512)),
    SliderSpec(ids.LEARNING_RATE, "learning_rate", "Learning rate (G and D)", (-5, -4, -3, -2, -1, 0)),
)


def _slider(spec: SliderSpec) -> html.Div:
    f = spec.field
    if f.log:  # the slider moves in log10 units; the label shows the rate itself
        low, high, value, step = math.log10(f.low), math.log10(f.high), math.log10(f.default), 0.1
        marks = {m: f"1e{int(m)}" if m else "1" for m in spec.marks}
    else:
        low, high, value, step = f.low, f.high, f.default, 1
        marks = {m: str(m) for m in spec.marks}
    help_text = f"{f.help} Range {f.describe_range()}." + (" Log scale." if f.log else "")
    if spec.setting not in ("learning_rate",):
        help_text += " Changing it rebuilds the networks and restarts the run."
    else:
        help_text += " Applies at once, without a reset."
    return html.Div([
        html.Label(spec.label, htmlFor=spec.id, title=help_text, className="control-label"),
        dcc.Slider(id=spec.id, min=low, max=high, step=step, value=value, marks=marks,
                   updatemode="mouseup", tooltip={"placement": "bottom"}),
    ], className="control", title=help_text)


def slider_value_to_setting(spec: SliderSpec, value) -> float:
    """What the slider sends, turned into the setting; refuses wrong types and NaN."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ConfigError(f"{spec.label.lower()} must be a number; got {value!r}", spec.setting)
    return 10.0 ** value if spec.field.log else value


def layout() -> html.Div:
    targets = [t for t in TARGETS.values() if t.kind != "sequence"]
    target_field = FIELD_BY_NAME["target"]
    speed_marks = {i: ("max" if s is None else f"{s:g}/s") for i, s in enumerate(SPEEDS)}
    return html.Div([
        html.Div([
            html.Button("Start", id=ids.START, n_clicks=0, className="btn btn-start",
                        title="Start or resume training."),
            html.Button("Pause", id=ids.PAUSE, n_clicks=0, className="btn btn-pause",
                        title="Pause training; Start resumes where it stopped."),
            html.Button("Reset", id=ids.RESET, n_clicks=0, className="btn btn-reset",
                        title="New random networks, iteration 0, same settings."),
        ], className="buttons"),
        html.Div([
            html.Label("Target distribution", htmlFor=ids.TARGET, className="control-label",
                       title=target_field.help + " Changing it restarts the run."),
            dcc.Dropdown(id=ids.TARGET, value=target_field.default, clearable=False, searchable=False,
                         options=[{"label": html.Span(t.label, title=t.description), "value": t.id,
                                   "title": t.description} for t in targets]),
        ], className="control", title=target_field.help),
        *[_slider(spec) for spec in SLIDERS],
        html.Div([
            html.Label("Speed", htmlFor=ids.SPEED, className="control-label",
                       title="Iterations per second: slow enough to watch each step, or as fast as the server can."),
            dcc.Slider(id=ids.SPEED, min=0, max=len(SPEEDS) - 1, step=1, value=DEFAULT_SPEED_INDEX,
                       marks=speed_marks, allow_direct_input=False),
        ], className="control", title="Iterations per second."),
    ], className="controls-panel")


def register(app, registry) -> None:
    slider_inputs = [Input(spec.id, "value") for spec in SLIDERS]

    @app.callback(
        Output(ids.NOTICE, "data"),
        Output(ids.STATUS, "children", allow_duplicate=True),
        Output(ids.STEP_COUNTER, "children", allow_duplicate=True),
        Output(ids.TICK, "disabled", allow_duplicate=True),
        Input(ids.START, "n_clicks"), Input(ids.PAUSE, "n_clicks"), Input(ids.RESET, "n_clicks"),
        Input(ids.TARGET, "value"), Input(ids.SPEED, "value"), *slider_inputs,
        State(ids.SESSION, "data"),
        prevent_initial_call=True,
    )
    def command(_start, _pause, _reset, target, speed, *rest):
        *slider_values, sid = rest
        session = registry.get(sid)
        if session is None:
            return (no_update, "Your session has ended (idle too long or the server restarted). Reload the page.",
                    no_update, True)
        trigger = callback_context.triggered_id
        notice = ""
        try:
            if trigger == ids.START:
                session.start()
            elif trigger == ids.PAUSE:
                session.pause()
            elif trigger == ids.RESET:
                session.reset()
            elif trigger == ids.SPEED:
                if isinstance(speed, bool) or not isinstance(speed, int) or not 0 <= speed < len(SPEEDS):
                    raise ConfigError(f"speed must be a position from 0 to {len(SPEEDS) - 1}; got {speed!r}", "speed")
                session.set_speed(SPEEDS[speed])
            elif trigger == ids.TARGET:
                if not isinstance(target, str) or target not in TARGETS or TARGETS[target].kind == "sequence":
                    raise ConfigError(f"target must be one of the listed distributions; got {target!r}", "target")
                session.configure(target=target)
            else:
                spec = next(s for s in SLIDERS if s.id == trigger)
                value = slider_values[SLIDERS.index(spec)]
                session.configure(**{spec.setting: slider_value_to_setting(spec, value)})
        except (ConfigError, SessionError) as exc:
            notice = f"Not applied: {exc}"
        snap = session.snapshot(since=1 << 62)
        # The counter comes with the status, so "Paused" never shows beside an older count.
        # Re-enable ticking after any command: the tick redraws and stops itself when idle.
        return notice, render_status(snap, notice), str(snap.iteration), False
