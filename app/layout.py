"""The pages. The shell (`shell`) holds Dash's page container and the tab's session id, which
outlives moving from one link to another; Dash pages builds each page from its address.

The dashboard (`/`, `dashboard`): a header, the run bar (buttons, counter, status), the
settings panel, the samples graph and the charts, all showing the settings of the page's
query string (app.parts.share). CSS grid areas place them: side by side on a wide screen,
filling the viewport's height; on a phone the run bar and the graphs come first and the
settings follow. A follower's page (`/follow/<code>`) is app.parts.present's."""
from dash import dcc, html, page_container

from app import ids
from app.parts import compare, controls, live, present, share, stepper


def shell() -> html.Div:
    return html.Div([page_container, dcc.Store(id=ids.SESSION, storage_type="memory")])


def dashboard(**query) -> html.Div:
    settings = share.read(query)
    samples, charts = live.graphs(settings)
    classes = "app" + (" large" if settings.large else "") + ("" if settings.controls else " controls-hidden")
    return html.Div([
        dcc.Location(id=ids.URL),
        html.Header([
            html.Div([
                html.H1("GAN training dashboard"),
                html.P("A generator (G) learns to make fakes that a discriminator (D) cannot tell from the real "
                       "samples: points, curves or images. Watch the fakes become like the real ones.",
                       className="lede"),
            ], className="titles"),
            html.Div([
                share.button(),
                present.button(),
                dcc.Checklist(id=ids.LARGE_TYPE, options=[{"label": " Large type", "value": "large"}],
                              value=["large"] if settings.large else [],
                              className="checklist large-toggle",
                              inputStyle={"width": "1.2em", "height": "1.2em"}),
            ], className="header-actions"),
            html.Div([share.info(), present.info()], className="header-info"),
        ]),
        html.Main([
            html.Section([controls.run_buttons(), stepper.layout(), compare.button(), *live.counter_and_status(),
                          stepper.phases_layout()], className="runbar",
                         **{"aria-label": "Run"}),
            html.Aside(controls.layout(settings), className="settings", **{"aria-label": "Settings"}),
            samples,
            charts,
            compare.layout(),
        ], className="page", id="page-main"),
        *live.stores(),
        dcc.Store(id=ids.CONTROLS_SHOWN, data=settings.controls),
    ], id=ids.APP_ROOT, className=classes)


def not_found(**_query) -> html.Div:
    return html.Div([
        html.H1("Page not found"),
        html.P(["There is nothing at this address. ", dcc.Link("Open the dashboard", href="/"), "."]),
    ], className="app not-found")
