"""The page: a header, the controls panel beside the live views."""
from dash import dcc, html

from app import ids
from app.parts import controls, live


def layout() -> html.Div:
    return html.Div([
        dcc.Location(id=ids.URL),
        html.Header([
            html.H1("GAN training dashboard"),
            html.P("Train a small generative adversarial network and watch it learn: the blue fake "
                   "points crawl onto the red real ones while the discriminator's accuracy drifts "
                   "toward 50 %.", className="lede"),
        ]),
        html.Main([
            html.Aside(controls.layout(), className="sidebar"),
            html.Section(live.layout(), className="content"),
        ], className="page"),
    ], className="app")
