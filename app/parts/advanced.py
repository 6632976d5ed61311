"""Every engine setting, on the page: an "Advanced settings" panel generated from the one field
table (gan_core.config.FIELDS), so a new field appears here with its range, default and help
without a line of page code. Choices are drop-downs; numbers are boxes that take what the
engine accepts (0.0002, 2e-4) and show what the run uses. The controls that have their own
place (target, latent size, seed) are not repeated.

The controls panel's one command callback applies them (app/parts/controls.py): a change
behaves as the sliders do, live for learning rates and a reset otherwise (a running run goes
on), and the status says which. Below the settings, a diagram of G and D as the settings
build them, with their parameter counts.
"""
from __future__ import annotations

from dash import ALL, Input, Output, dcc, html

from app import ids
from gan_core.config import FIELDS, LIVE_FIELDS, Field

_ELSEWHERE = ("target", "latent_size", "seed")  # they have their own controls
GROUPS = (
    ("Generator (G)", lambda f: f.name.startswith("g_") and f.name not in LIVE_FIELDS),
    ("Discriminator (D)", lambda f: f.name.startswith("d_") and f.name not in LIVE_FIELDS),
    ("Training", lambda f: f.name in LIVE_FIELDS or not f.name.startswith(("g_", "d_"))),
)
ADVANCED_FIELDS: tuple[Field, ...] = tuple(f for f in FIELDS if f.name not in _ELSEWHERE)


def control_id(name: str) -> dict:
    return {"type": ids.ADVANCED, "field": name}


def format_setting(field: Field, value) -> str:
    """A setting as a person writes it: 5, 0.001, 2e-05, adam."""
    if field.kind is str:
        return value
    if value == int(value) and abs(value) >= 1:
        return str(int(value))
    return f"{value:g}"


def shown(config) -> list[str]:
    """What each advanced control shows for this run, in layout order."""
    return [format_setting(f, getattr(config, f.name)) for f in ordered_fields()]


def ordered_fields() -> list[Field]:
    return [f for _, belongs in GROUPS for f in ADVANCED_FIELDS if belongs(f)]


def _hint(field: Field) -> str:
    effect = "Applies at once." if field.name in LIVE_FIELDS else "New networks; a running run goes on."
    return f"{field.help} {field.describe_range().capitalize()}. Default {format_setting(field, field.default)}. {effect}"


def _control(field: Field, value) -> html.Div:
    hint = _hint(field)
    label = field.label[0].upper() + field.label[1:]
    if field.choices is not None:
        box = dcc.Dropdown(id=control_id(field.name), options=[{"label": c, "value": c} for c in field.choices],
                           value=format_setting(field, value), clearable=False, searchable=False,
                           className="dropdown advanced-choice")
    else:
        box = dcc.Input(id=control_id(field.name), type="text", value=format_setting(field, value),
                        debounce=True, inputMode="decimal", autoComplete="off", className="value-box")
    return html.Div([html.Label(label, className="advanced-label", title=hint), box],
                    className="advanced-row", title=hint)


def layout(config=None) -> html.Details:
    """Every advanced field, showing `config`'s values (the defaults without one)."""
    def value(f: Field):
        return f.default if config is None else getattr(config, f.name)

    groups = []
    for title, belongs in GROUPS:
        groups.append(html.Fieldset([html.Legend(title), *[_control(f, value(f)) for f in ADVANCED_FIELDS if belongs(f)]],
                                    className="advanced-group"))
    return html.Details([
        html.Summary("Advanced settings", title="Every setting of the engine: layers, activations, optimizers, "
                                                "loss, batch size and more."),
        html.P("Hover a setting for what it does. Learning rates apply at once; anything else gives new networks "
               "(a running run goes on).", className="hint"),
        *groups,
    ], className="advanced", id="advanced-panel")


def networks_layout() -> html.Details:
    return html.Details([
        html.Summary("The networks", title="G and D as the current settings build them, layer by layer."),
        html.Div(id=ids.NETWORKS, className="networks"),
    ], className="advanced", open=True)


def networks_view(overview) -> list:
    """A small diagram per network: its layers left to right (output size over kind), and its
    parameter count."""
    out = []
    for name, layers, total in overview:
        who = "G (generator): noise → sample" if name == "G" else "D (discriminator): sample → score"
        boxes = []
        for k, (kind, size, params) in enumerate(layers):
            if k:
                boxes.append(html.Span("→", className="net-arrow"))
            title = f"{kind}: output {size}" + (f", {params:,} parameters" if params else "")
            boxes.append(html.Span([html.B(size), html.Br(), html.Small(kind)], className="net-layer", title=title))
        out.append(html.Div([
            html.Div([html.B(who), html.Span(f"{total:,} parameters", className="net-total")], className="net-head"),
            html.Div(boxes, className="net-layers"),
        ], className=f"net net-{name.lower()}"))
    return out


def inputs() -> list:
    return [Input(control_id(ALL), "value")]


def outputs() -> list:
    return [Output(control_id(ALL), "value", allow_duplicate=True)]
