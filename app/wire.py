"""Callback outputs in the form Dash sends them, for the callbacks that run several times a
second.

Dash encodes a reply with Plotly's `to_json_plotly`, which first hands the whole reply to
orjson and, if orjson meets anything it does not know (a component, a `Patch`), walks the
reply again in Python, element by element: every number of the fakes, the surface and the
arrows. On a tick that walk was most of the request's CPU (py-spy, one tab at max speed),
and on two cores every millisecond a request spends is a millisecond a lone run's
two-thread training step waits. A tick's few components and its patch, turned into the
JSON objects they stand for here, leave the reply all plain data: one orjson call.
"""
from __future__ import annotations

import json

from dash import Patch
from dash.development.base_component import Component
from plotly.io.json import to_json_plotly


def plain(value):
    """`value` as the JSON data Dash would send for it: a patch as its operations, components
    as their `{"type", "namespace", "props"}` objects; anything else as it is."""
    if isinstance(value, Patch):
        return value.to_plotly_json()
    if isinstance(value, Component) or (isinstance(value, (list, tuple)) and any(
            isinstance(v, Component) for v in value)):
        return json.loads(to_json_plotly(value))
    return value


def plain_all(values) -> tuple:
    return tuple(plain(v) for v in values)
