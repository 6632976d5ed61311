"""A tick's reply is plain data: orjson encodes it in one call, never Plotly's element-by-element
walk (app/wire.py), and the browser receives exactly what it received before."""
import json

import numpy as np
import orjson
import pytest
from dash import Patch, html, no_update
from dash._utils import to_json

from app.parts.live import draw
from app.status import render_status
from app.wire import plain
from gan_core import TrainingSession
from gan_core.recommended import recommended_config
from tests.app.test_views import _snap

OPTIONS = frozenset({"surface", "arrows"})


def _reply(outputs) -> dict:
    return {str(k): v for k, v in enumerate(outputs) if v is not no_update}


def test_plain_sends_what_dash_would_have_sent():
    patch = Patch()
    patch["data"][1]["x"] = [0.5, float("nan"), None]
    patch["data"][1]["marker"]["size"] = np.arange(3, dtype=np.float32)
    status = render_status(_snap())
    component = html.Div([html.Span("a", title="b"), "c"], className="d")
    for value in (patch, status, component, "12,345", [1.5, 2.0], {"run": 3}):
        assert to_json(plain(value)) == to_json(value)
    assert isinstance(plain(status), list) and all(isinstance(p, dict) for p in plain(status))


@pytest.mark.parametrize("target", ["x2", "sinusoids", "digits"])
def test_a_tick_is_one_orjson_call_for_every_kind(target):
    session = TrainingSession(recommended_config(target, seed=0))
    try:
        session.step(2)
        first = draw(session, {}, "", False, OPTIONS)  # a new run: whole figures
        session.step(2)
        later = draw(session, first.outputs[-1], "", False, OPTIONS)  # patches since
        assert not first.unchanged and not later.unchanged
        for outputs in (first.outputs, later.outputs):
            orjson.dumps(_reply(outputs), option=orjson.OPT_SERIALIZE_NUMPY | orjson.OPT_NON_STR_KEYS)
        assert later.outputs[0]["__dash_patch_update"]  # the samples move by a patch
    finally:
        session.close()
