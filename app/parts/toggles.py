"""The switches under the samples graph for the layers that say why the fakes move: D's
verdict (with its key), G's push and G's manifold; the tick, the timeline and the step
buttons all read them through `view_options`."""
from __future__ import annotations

from dash import dcc, html

from app import ids
from app.views import explain as ex

TOGGLES = ((ids.SHOW_SURFACE, ex.SURFACE), (ids.SHOW_ARROWS, ex.ARROWS), (ids.SHOW_MANIFOLD, ex.MANIFOLD))
TOGGLE_DEFAULTS = {ids.SHOW_SURFACE: True, ids.SHOW_ARROWS: True, ids.SHOW_MANIFOLD: False}


def layout(views: frozenset | None = None) -> html.Div:
    """The three switches, on as `views` says (their names) or as their defaults."""
    def on(toggle: str) -> bool:
        return TOGGLE_DEFAULTS[toggle] if views is None else dict(TOGGLES)[toggle] in views

    return html.Div([
        html.Span("Show:", className="toggles-label"),
        _toggle(ids.SHOW_SURFACE, ["D thinks: ", html.Span("fake", className="key-fake"),
                                   html.Span(className="key-bar"), html.Span("real", className="key-real")], on(ids.SHOW_SURFACE),
                "Shade the plot by what D thinks of each place: red where it says real, blue where it says fake, "
                "white where it cannot tell."),
        _toggle(ids.SHOW_ARROWS, "G's push", on(ids.SHOW_ARROWS),
                "An arrow on each of the first 100 fakes: the way G's loss pushes it (longer: pushed harder). "
                "G's next update moves the fakes along them."),
        _toggle(ids.SHOW_MANIFOLD, "G's manifold", on(ids.SHOW_MANIFOLD),
                "The grid of latent noise as G bends it into the plane: where G can put samples at all. "
                "With more than 2 latent numbers, a slice through the first two."),
    ], id=ids.EXPLAIN_OPTIONS, className="toggles")


def _toggle(toggle_id: str, label, on: bool, hint: str) -> dcc.Checklist:
    words = [" " + label] if isinstance(label, str) else [" ", *label]
    return dcc.Checklist(id=toggle_id, options=[{"label": html.Span(words, title=hint), "value": "on"}],
                         value=["on"] if on else [], className="checklist toggle", inline=True)


def view_options(smooth, *toggles) -> frozenset:
    """The view options from the curve checklist and the three toggles (forged values ignored)."""
    options = {o for o in smooth if isinstance(o, str)} if isinstance(smooth, list) else set()
    for (_, name), value in zip(TOGGLES, toggles):
        if isinstance(value, list) and "on" in value:
            options.add(name)
    return frozenset(options)
