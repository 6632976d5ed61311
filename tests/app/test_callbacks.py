"""Callback input is untrusted: forged values get a message, never a 500; malformed bodies
get a 400 without a traceback and without touching any session."""
import json
import threading
import time

import pytest

from app import create_app, new_session
from app.parts import advanced
from app.registry import SessionRegistry

DEFAULTS = {"start-button": 0, "pause-button": 0, "reset-button": 0, "target-function": "x2", "speed": 4,
            "seed": 7, "latent-size": 4, "hidden-nodes": 5, "learning-rate": 6,
            "latent-size-box": "5", "hidden-nodes-box": "16", "learning-rate-box": "0.001"}


@pytest.fixture
def client_and_registry():
    reg = SessionRegistry(max_sessions=3, factory=new_session, precompile=False)
    application = create_app(reg)
    yield application.server.test_client(), reg
    reg.close_all()


def page(client, search: str = ""):
    """The dashboard as Dash pages serves it for this address (the router's reply)."""
    deps = client.get("/_dash-dependencies").get_json()
    router = next(d for d in deps if d["output"].startswith(".._pages_content.children"))
    inputs = [{**dep, "value": "/" if dep["property"] == "pathname" else search} for dep in router["inputs"]]
    reply = client.post("/_dash-update-component", json={
        "output": router["output"], "outputs": [{"id": "_pages_content", "property": "children"},
                                                {"id": "_pages_store", "property": "data"}],
        "inputs": inputs, "state": [], "changedPropIds": ["_pages_location.pathname"]})
    assert reply.status_code == 200, reply.text[:300]
    return reply.get_json()["response"]["_pages_content"]["children"]


def _spec(client):
    deps = client.get("/_dash-dependencies").get_json()
    return next(d for d in deps if d["output"].startswith("..notice.data"))


ADVANCED = {f.name: advanced.format_setting(f, f.default) for f in advanced.ordered_fields()}


def _each(ident: str, prop: str, value=None, with_value=False):
    """One dependency as the browser sends it: a pattern-matching id (the advanced panel's)
    is a list of every concrete id it matches, with its value."""
    if ident.startswith("{") and '["ALL"]' in ident:
        items = [{"id": {"type": "advanced", "field": name}, "property": prop} for name in ADVANCED]
        if with_value:
            for item in items:
                item["value"] = (value or {}).get(item["id"]["field"], ADVANCED[item["id"]["field"]])
        return items
    item = {"id": ident, "property": prop}
    if with_value:
        item["value"] = value
    return item


def _outputs(output: str) -> list:
    outs = []
    for part in output.strip(".").split("..."):
        ident, _, prop = part.rpartition(".")
        outs.append(_each(ident, prop.split("@")[0]))
    return outs


def command_body(client, sid, trigger=None, values=None, changed=None):
    spec = _spec(client)
    values = {**DEFAULTS, **(values or {})}
    inputs = [_each(d["id"], d["property"], values.get(d["id"], values.get("advanced")), True) for d in spec["inputs"]]
    state = [{"id": d["id"], "property": d["property"],
              "value": sid if d["id"] == "session-id" else []} for d in spec["state"]]
    if changed is None:
        changed = [f"{trigger}.{next(d['property'] for d in spec['inputs'] if d['id'] == trigger)}"]
    return {"output": spec["output"], "outputs": _outputs(spec["output"]), "inputs": inputs, "state": state,
            "changedPropIds": changed}


def _command(client, sid, trigger, **values):
    return client.post("/_dash-update-component", json=command_body(client, sid, trigger, values))


def test_healthz(client_and_registry):
    client, reg = client_and_registry
    data = client.get("/healthz").get_json()
    assert data["status"] == "ok" and "sessions" in data and "uptime_seconds" in data


@pytest.mark.parametrize("trigger, value, words", [
    ("latent-size", 1000, "position"),
    ("latent-size", "lots", "position"),
    ("latent-size", None, "position"),
    ("hidden-nodes", [1, 2], "position"),
    ("learning-rate", 400, "position"),  # once 10 ** 400: an OverflowError and a 500
    ("learning-rate", 1e308, "position"),
    ("learning-rate-box", "400", "1e-05 to 1"),
    ("learning-rate-box", "1e308", "1e-05 to 1"),
    ("latent-size-box", "9" * 401, "number"),  # math.isfinite on a 401-digit integer
    ("latent-size-box", "", "number"),
    ("latent-size-box", {"$gt": 1}, "number"),
    ("seed", -5, "seed"),
    ("seed", 2**40, "seed"),
    ("target-function", "letters-of-doom", "listed distributions"),
    ("target-function", {"$gt": 1}, "listed distributions"),
    ("speed", 99, "speed"),
])
def test_forged_values_are_refused_with_a_message(client_and_registry, trigger, value, words):
    client, reg = client_and_registry
    sid = reg.create()
    before = reg.get(sid).config
    resp = _command(client, sid, trigger, **{trigger: value})
    assert resp.status_code == 200
    payload = json.dumps(resp.get_json())
    assert "Not applied" in payload and words in payload
    assert reg.get(sid).config == before  # nothing changed, nothing lost


def test_a_huge_invalid_value_is_not_echoed_back(client_and_registry):
    client, reg = client_and_registry
    sid = reg.create()
    resp = _command(client, sid, "latent-size-box", **{"latent-size-box": "7" * (1 << 20)})
    assert resp.status_code == 200 and "Not applied" in resp.get_data(as_text=True)
    assert len(resp.get_data()) < 20_000


def test_typed_values_are_real_values_and_move_the_slider(client_and_registry):
    client, reg = client_and_registry
    sid = reg.create()
    for text, rate, position in (("0.001", 1e-3, 6), ("1e-4", 1e-4, 3), (" 2e-3 ", 2e-3, 7)):
        reply = _command(client, sid, "learning-rate-box", **{"learning-rate-box": text}).get_json()["response"]
        assert reg.get(sid).config.g_learning_rate == rate == reg.get(sid).config.d_learning_rate
        assert reply["learning-rate"]["value"] == position
    reply = _command(client, sid, "learning-rate", **{"learning-rate": 15}).get_json()["response"]
    assert reg.get(sid).config.g_learning_rate == 1.0 and reply["learning-rate-box"]["value"] == "1"


def test_typed_value_and_start_in_one_request_both_apply(client_and_registry):
    """The browser sends a box's change and the Start click together; Start must not be lost."""
    client, reg = client_and_registry
    sid = reg.create()
    body = command_body(client, sid, values={"latent-size-box": "9", "start-button": 1},
                        changed=["start-button.n_clicks", "latent-size-box.value"])
    assert client.post("/_dash-update-component", json=body).status_code == 200
    session = reg.get(sid)
    assert session.config.latent_size == 9 and session.state == "running"


@pytest.mark.parametrize("changed", [[], None, ["nope.value"], [42], "start-button.n_clicks"])
def test_missing_or_odd_changed_ids_never_give_a_500(client_and_registry, changed):
    client, reg = client_and_registry
    sid = reg.create()
    body = command_body(client, sid, "start-button")
    if changed is None:
        del body["changedPropIds"]
    else:
        body["changedPropIds"] = changed
    resp = client.post("/_dash-update-component", json=body)
    assert resp.status_code in (200, 204, 400) and "Traceback" not in resp.get_data(as_text=True)
    assert reg.get(sid).state == "idle"


def _malformed(client, sid):
    good = command_body(client, sid, "start-button")
    deep = []
    for _ in range(1000):
        deep = [deep]
    yield "a list", [good]
    yield "null", None
    yield "unknown output", {**good, "output": "status.children"}
    yield "tampered output", {**good, "output": good["output"] + "x"}
    yield "short outputs", {**good, "outputs": good["outputs"][:-1]}
    yield "extra outputs", {**good, "outputs": good["outputs"] + good["outputs"][:1]}
    yield "missing inputs", {**good, "inputs": good["inputs"][:-1]}
    yield "extra inputs", {**good, "inputs": good["inputs"] + good["inputs"][:1]}
    yield "other ids", {**good, "inputs": [{**i, "id": "x"} if isinstance(i, dict) else i for i in good["inputs"]]}
    pattern = next(k for k, i in enumerate(good["inputs"]) if isinstance(i, list))
    forged = [dict(i) for i in good["inputs"][pattern]]
    forged[0]["id"] = {"type": "advanced", "field": "x", "extra": 1}
    yield "an id that does not fit the pattern", {**good, "inputs": good["inputs"][:pattern] + [forged]
                                                  + good["inputs"][pattern + 1:]}
    yield "a pattern sent as one id", {**good, "inputs": good["inputs"][:pattern] + [forged[0]]
                                       + good["inputs"][pattern + 1:]}
    yield "a changed id outside the pattern", {**good, "changedPropIds": ['{"type":"other","field":"loss"}.value']}
    yield "no state", {k: v for k, v in good.items() if k != "state"}
    yield "deep", {**good, "inputs": [{**good["inputs"][0], "value": deep}] + good["inputs"][1:]}
    yield "inputs not a list", {**good, "inputs": {"a": 1}}


def test_malformed_bodies_are_client_errors_that_touch_no_session(client_and_registry):
    client, reg = client_and_registry
    sid = reg.create()
    for name, body in _malformed(client, sid):
        resp = client.post("/_dash-update-component", data=json.dumps(body), content_type="application/json")
        text = resp.get_data(as_text=True)
        assert resp.status_code == 400, (name, resp.status_code, text[:200])
        assert "Traceback" not in text and len(text) < 200
    resp = client.post("/_dash-update-component", data="{not json", content_type="application/json")
    assert resp.status_code == 400
    assert reg.get(sid).state == "idle" and not reg.get(sid).started


def test_unknown_session_gets_a_reload_message(client_and_registry):
    client, _ = client_and_registry
    resp = _command(client, "A" * 22, "start-button", **{"start-button": 1})
    assert resp.status_code == 200 and "Reload the page" in json.dumps(resp.get_json())


def test_a_valid_command_drives_only_that_session(client_and_registry):
    client, reg = client_and_registry
    a, b = reg.create(), reg.create()
    assert _command(client, a, "latent-size", **{"latent-size": 8}).status_code == 200
    assert reg.get(a).config.latent_size == 10 and reg.get(b).config.latent_size == 5


def test_reset_draws_a_new_seed_unless_pinned(client_and_registry):
    client, reg = client_and_registry
    sid = reg.create()
    session = reg.get(sid)
    seeds = {session.config.seed}
    for _ in range(3):
        reply = _command(client, sid, "reset-button", **{"reset-button": 1}).get_json()["response"]
        assert reply["seed"]["value"] == session.config.seed
        seeds.add(session.config.seed)
    assert len(seeds) == 4  # every Reset: new random networks
    body = command_body(client, sid, "reset-button", values={"reset-button": 1})
    body["state"] = [{**s, "value": ["pin"]} if s["id"] == "seed-pin" else s for s in body["state"]]
    pinned = session.config.seed
    client.post("/_dash-update-component", json=body)
    assert session.config.seed == pinned


def test_new_tabs_get_different_seeds(client_and_registry):
    _, reg = client_and_registry
    seeds = {reg.get(reg.create()).config.seed for _ in range(5)}
    assert len(seeds) == 5


def test_pause_answers_with_the_final_iteration(client_and_registry):
    client, reg = client_and_registry
    sid = reg.create()
    session = reg.get(sid)
    _command(client, sid, "speed", speed=6)  # max
    _command(client, sid, "start-button", **{"start-button": 1})
    assert session.wait_until(lambda s: s.iteration > 200)
    resp = _command(client, sid, "pause-button", **{"pause-button": 1}).get_json()
    shown = resp["response"]["step-counter"]["children"]
    assert "Paused" in json.dumps(resp["response"]["status"])
    assert shown == str(session.snapshot().iteration) and session.state == "paused"


def test_pause_then_start_over_http_both_answer_within_a_second(client_and_registry):
    client, reg = client_and_registry
    sid = reg.create()
    session = reg.get(sid)
    _command(client, sid, "start-button", **{"start-button": 1})
    assert session.wait_until(lambda s: s.iteration > 0)
    took = {}

    def press(name, delay):
        time.sleep(delay)
        t0 = time.monotonic()
        _command(client, sid, name, **{name: 2})
        took[name] = time.monotonic() - t0

    threads = [threading.Thread(target=press, args=("pause-button", 0)),
               threading.Thread(target=press, args=("start-button", 0.02))]
    [t.start() for t in threads]
    [t.join(10) for t in threads]
    assert max(took.values()) < 1.5 and session.state == "running"


def test_choosing_a_target_applies_its_recommended_settings_and_shows_them(client_and_registry):
    client, reg = client_and_registry
    sid = reg.create()
    session = reg.get(sid)
    seed = session.config.seed
    reply = _command(client, sid, "target-function", **{"target-function": "ring8"}).get_json()["response"]
    cfg = session.config
    assert cfg.target == "ring8" and cfg.latent_dist == "gaussian" and cfg.g_hidden_nodes == 32
    assert cfg.seed == seed  # the run's seed stays
    assert reply["hidden-nodes-box"]["value"] == "32" and reply["hidden-nodes"]["value"] == 7
    assert "recommended settings" in json.dumps(reply["status"])
    _command(client, sid, "target-function", **{"target-function": "x2"})
    assert session.config.g_hidden_nodes == 16 and session.config.latent_dist == "uniform"  # back to defaults


def test_the_client_address_comes_from_the_router_only_when_trusted(client_and_registry, monkeypatch):
    client, reg = client_and_registry
    sid = reg.create()
    headers = {"X-Forwarded-For": "203.0.113.9, 10.0.0.1"}
    body = command_body(client, sid, "start-button", values={"start-button": 1})
    client.post("/_dash-update-component", json=body, headers=headers)
    assert reg._client[sid] == "127.0.0.1"  # an untrusted header is ignored
    other = reg.create()
    monkeypatch.setenv("GAN_TRUST_PROXY", "1")
    client.post("/_dash-update-component", json=command_body(client, other, "start-button",
                                                             values={"start-button": 1}), headers=headers)
    assert reg._client[other] == "203.0.113.9"


def test_a_set_not_on_the_server_is_listed_disabled_and_refused(client_and_registry, monkeypatch, tmp_path):
    monkeypatch.setenv("GAN_MNIST_PATH", str(tmp_path / "absent.npz"))
    client, reg = client_and_registry
    layout = json.dumps(page(client))
    assert "MNIST digits (not on this server)" in layout and '"disabled": true' in layout
    sid = reg.create()
    before = reg.get(sid).config
    payload = json.dumps(_command(client, sid, "target-function", **{"target-function": "mnist"}).get_json())
    assert "Not applied" in payload and "mnist.npz" in payload
    assert reg.get(sid).config == before


def test_the_heartbeat_redraws_a_status_that_lost_its_notice(client_and_registry):
    """A tick in flight when a command answered "Not applied" can land after it and put back
    the status without the notice; the heartbeat sees the page's drawn notice is not the
    latest and starts a tick, which draws it."""
    client, reg = client_and_registry
    sid = reg.create()
    deps = client.get("/_dash-dependencies").get_json()
    spec = next(d for d in deps if any(i["id"] == "heartbeat" for i in d["inputs"]))
    version = reg.get(sid).snapshot(since=1 << 62).version
    values = {"session-id": sid, "tick": True, "notice": "Not applied: learning rate must be a number"}

    def beat(drawn_notice):
        state = [{"id": d["id"], "property": d["property"],
                  "value": {"version": version, "notice": drawn_notice} if d["id"] == "view-state"
                  else values[d["id"]]} for d in spec["state"]]
        return client.post("/_dash-update-component", json={
            "output": spec["output"], "outputs": {"id": "tick", "property": "disabled"},
            "inputs": [{"id": "heartbeat", "property": "n_intervals", "value": 3}], "state": state,
            "changedPropIds": ["heartbeat.n_intervals"]})

    assert beat("").get_json()["response"]["tick"]["disabled"] is False
    reply = beat(values["notice"])  # drawn as it stands: nothing to do
    assert reply.status_code == 204 or "disabled" not in reply.get_data(as_text=True), reply.get_data(as_text=True)
