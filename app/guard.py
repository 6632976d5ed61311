"""Callback requests checked at the door: a body that is not what this page's own callbacks
send (an unknown or tampered `output`, the wrong number of outputs, missing or extra inputs,
a list or `null` for a body, JSON nested deeper than any real request) is a client error.
It gets a 400 with one short line, before Dash parses it and before any session is touched,
instead of a 500 from deep inside Dash. Values themselves are the callbacks' business: they
validate them and answer with a message."""
from __future__ import annotations

import json

from flask import Flask, jsonify, request

UPDATE_PATH = "/_dash-update-component"
MAX_BODY_BYTES = 2 * 1024 * 1024
MAX_DEPTH = 40  # a real request nests about 10 deep (figures travel out, never in)


class BadRequest(ValueError):
    pass


def _depth_ok(value, limit: int) -> bool:
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return False
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)
    return True


MAX_MATCHES = 200  # ids one pattern-matching dependency may stand for (the page has ~20)


def _wild(value) -> bool:
    """ALL, MATCH or ALLSMALLER, as Dash declares them or as the callback map writes them."""
    return type(value).__name__ == "Wildcard" or (isinstance(value, list) and len(value) == 1
                                                   and value[0] in ("ALL", "MATCH", "ALLSMALLER"))


def _declared(dep_id, prop: str):
    """(plain id as JSON, pattern or None, property) of one declared dependency."""
    if isinstance(dep_id, str) and dep_id.startswith("{"):
        dep_id = json.loads(dep_id)
    prop = prop.split("@")[0]
    if isinstance(dep_id, dict) and any(_wild(v) for v in dep_id.values()):
        return None, {k: (None if _wild(v) else v) for k, v in dep_id.items()}, prop
    return json.dumps(dep_id, sort_keys=True), None, prop


def _fits(item, pattern: dict, prop: str) -> bool:
    if not isinstance(item, dict) or item.get("property", "").split("@")[0] != prop:
        return False
    got = item.get("id")
    return isinstance(got, dict) and set(got) == set(pattern) and all(
        isinstance(got[k], (str, int)) and not isinstance(got[k], bool) and (v is None or got[k] == v)
        for k, v in pattern.items())


def _match(sent, declared: list, what: str) -> None:
    """Each sent item is the declared dependency: the same id and property, or for a
    pattern-matching one a list of ids that fit its pattern."""
    if not isinstance(sent, list) or len(sent) != len(declared):
        raise BadRequest(f"{what} do not match the callback")
    for item, (plain, pattern, prop) in zip(sent, declared):
        if pattern is None:
            if not isinstance(item, dict) or not isinstance(item.get("property"), str):
                raise BadRequest(f"each of {what} must name an id and a property")
            if (json.dumps(item.get("id"), sort_keys=True), item["property"].split("@")[0]) != (plain, prop):
                raise BadRequest(f"{what} do not match the callback")
        elif not isinstance(item, list) or len(item) > MAX_MATCHES or not all(_fits(i, pattern, prop) for i in item):
            raise BadRequest(f"{what} do not match the callback")


def _changed_ok(changed: str, declared: list) -> bool:
    """A changedPropIds entry names one of the inputs: a plain id, or an id that fits a pattern."""
    text, _, prop = changed.rpartition(".")
    for plain, pattern, want in declared:
        if prop != want:
            continue
        if pattern is None and plain == json.dumps(text, sort_keys=True):
            return True
        if pattern is not None and text.startswith("{"):
            try:
                if _fits({"id": json.loads(text), "property": prop}, pattern, prop):
                    return True
            except ValueError:
                return False
    return False


def check(body, callback_map) -> None:
    """Raise BadRequest unless `body` has the shape of a request for one of these callbacks."""
    if not isinstance(body, dict):
        raise BadRequest("the body must be a JSON object")
    if not _depth_ok(body, MAX_DEPTH):
        raise BadRequest("the body is nested too deeply")
    output = body.get("output")
    if not isinstance(output, str) or output not in callback_map:
        raise BadRequest("unknown output")
    spec = callback_map[output]
    outputs = body.get("outputs")
    declared = spec["output"] if isinstance(spec["output"], list) else [spec["output"]]
    sent = outputs if isinstance(outputs, list) and isinstance(spec["output"], list) else [outputs]
    _match(sent, [_declared(o.component_id, o.component_property) for o in declared], "outputs")
    inputs = [_declared(d["id"], d["property"]) for d in spec["inputs"]]
    _match(body.get("inputs"), inputs, "inputs")
    _match(body.get("state", []), [_declared(d["id"], d["property"]) for d in spec.get("state", [])], "state")
    changed = body.get("changedPropIds", [])
    if not isinstance(changed, list) or not all(isinstance(c, str) and _changed_ok(c, inputs) for c in changed):
        raise BadRequest("changedPropIds must list this callback's inputs")


def install(server: Flask, callback_map) -> None:
    @server.before_request
    def _guard():
        if request.path != UPDATE_PATH or request.method != "POST":
            return None
        if (request.content_length or 0) > MAX_BODY_BYTES:
            return jsonify({"error": "request too large"}), 413
        try:
            body = json.loads(request.get_data(cache=True) or b"null")
        except (ValueError, RecursionError):
            return jsonify({"error": "the body is not valid JSON"}), 400
        try:
            check(body, callback_map)
        except BadRequest as exc:
            return jsonify({"error": str(exc)}), 400
        return None
