"""Callback input is untrusted: forged requests get a message, never a 500."""
import json

import pytest

from app import create_app, new_session
from app.registry import SessionRegistry


@pytest.fixture
def client_and_registry():
    reg = SessionRegistry(max_sessions=3, factory=new_session, spares=0)
    application = create_app(reg)
    yield application.server.test_client(), reg
    reg.close_all()


def _command(client, sid, **values):
    inputs = {"start-button": 0, "pause-button": 0, "reset-button": 0, "target-function": "x2", "speed": 4,
              "latent-size": 5, "hidden-nodes": 16, "learning-rate": -3}
    inputs.update(values.pop("inputs", {}))
    trigger = values.pop("trigger")
    deps = client.get("/_dash-dependencies").get_json()
    output = next(d["output"] for d in deps if d["output"].startswith("..notice.data"))
    body = {
        "output": output,
        "outputs": [{"id": "notice", "property": "data"}, {"id": "status", "property": "children"},
                    {"id": "step-counter", "property": "children"}, {"id": "tick", "property": "disabled"}],
        "inputs": [{"id": k, "property": "n_clicks" if k.endswith("button") else "value", "value": v}
                   for k, v in inputs.items()],
        "state": [{"id": "session-id", "property": "data", "value": sid}],
        "changedPropIds": [f"{trigger}.{'n_clicks' if trigger.endswith('button') else 'value'}"],
    }
    return client.post("/_dash-update-component", json=body)


def test_healthz(client_and_registry):
    client, reg = client_and_registry
    data = client.get("/healthz").get_json()
    assert data["status"] == "ok" and "sessions" in data and "uptime_seconds" in data


@pytest.mark.parametrize("trigger, value, words", [
    ("latent-size", 1000, "1 to 64"),
    ("latent-size", "lots", "number"),
    ("latent-size", None, "number"),
    ("hidden-nodes", [1, 2], "number"),
    ("learning-rate", 3, "1e-05 to 1"),
    ("target-function", "sinusoids", "listed distributions"),
    ("target-function", {"$gt": 1}, "listed distributions"),
    ("speed", 99, "speed"),
])
def test_forged_values_are_refused_with_a_message(client_and_registry, trigger, value, words):
    client, reg = client_and_registry
    sid = reg.create()
    before = reg.get(sid).config
    resp = _command(client, sid, trigger=trigger, inputs={trigger: value})
    assert resp.status_code == 200
    payload = json.dumps(resp.get_json())
    assert "Not applied" in payload and words in payload
    assert reg.get(sid).config == before  # nothing changed, nothing lost


def test_unknown_session_gets_a_reload_message(client_and_registry):
    client, _ = client_and_registry
    resp = _command(client, "A" * 22, trigger="start-button", inputs={"start-button": 1})
    assert resp.status_code == 200 and "Reload the page" in json.dumps(resp.get_json())


def test_a_valid_command_drives_only_that_session(client_and_registry):
    client, reg = client_and_registry
    a, b = reg.create(), reg.create()
    assert _command(client, a, trigger="latent-size", inputs={"latent-size": 9}).status_code == 200
    assert reg.get(a).config.latent_size == 9 and reg.get(b).config.latent_size == 5


def test_pause_answers_with_the_final_iteration(client_and_registry):
    client, reg = client_and_registry
    sid = reg.create()
    session = reg.get(sid)
    session.set_speed(None)
    session.start()
    assert session.wait_until(lambda s: s.iteration > 200)
    resp = _command(client, sid, trigger="pause-button", inputs={"pause-button": 1}).get_json()
    shown = resp["response"]["step-counter"]["children"]
    assert "Paused" in json.dumps(resp["response"]["status"])
    assert shown == str(session.snapshot().iteration) and session.state == "paused"
