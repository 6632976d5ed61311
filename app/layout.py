"""The page: a header, the run bar (buttons, counter, status), the settings panel, the
samples graph and the charts. CSS grid areas place them: side by side on a wide screen,
filling the viewport's height; on a phone the run bar and the graphs come first and the
settings follow."""
from dash import dcc, html

from app import ids
from app.parts import controls, live, stepper


def layout() -> html.Div:
    samples, charts = live.graphs()
    return html.Div([
        dcc.Location(id=ids.URL),
        html.Header([
            html.Div([
                html.H1("GAN training dashboard"),
                html.P("A generator (G) learns to make fake points that a discriminator (D) cannot tell from "
                       "the real ones: watch the blue crosses crawl onto the red circles.", className="lede"),
            ], className="titles"),
            dcc.Checklist(id=ids.LARGE_TYPE, options=[{"label": " Large type", "value": "large"}], value=[],
                          className="checklist large-toggle",
                          inputStyle={"width": "1.2em", "height": "1.2em"}),
        ]),
        html.Main([
            html.Section([controls.run_buttons(), stepper.layout(), *live.counter_and_status(),
                          stepper.phases_layout()], className="runbar",
                         **{"aria-label": "Run"}),
            html.Aside(controls.layout(), className="settings", **{"aria-label": "Settings"}),
            samples,
            charts,
        ], className="page"),
        *live.stores(),
    ], id=ids.APP_ROOT, className="app")
