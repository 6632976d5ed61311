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


def _pairs(items, what: str) -> list[tuple[str, str]]:
    if not isinstance(items, list):
        raise BadRequest(f"{what} must be a list")
    out = []
    for item in items:
        if isinstance(item, list):  # pattern-matching ids send lists of these
            out.extend(_pairs(item, what))
            continue
        if not isinstance(item, dict) or not isinstance(item.get("property"), str):
            raise BadRequest(f"each of {what} must name an id and a property")
        out.append((json.dumps(item.get("id"), sort_keys=True), item["property"].split("@")[0]))
    return out


def _expected(deps) -> list[tuple[str, str]]:
    return [(json.dumps(d["id"], sort_keys=True), d["property"]) for d in deps]


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
    sent = outputs if isinstance(outputs, list) else [outputs]
    got = _pairs(sent, "outputs")
    want = [(json.dumps(o.component_id, sort_keys=True), o.component_property.split("@")[0]) for o in declared]
    if got != want:
        raise BadRequest("outputs do not match the callback")
    if _pairs(body.get("inputs"), "inputs") != _expected(spec["inputs"]):
        raise BadRequest("inputs do not match the callback")
    if _pairs(body.get("state", []), "state") != _expected(spec.get("state", [])):
        raise BadRequest("state does not match the callback")
    changed = body.get("changedPropIds", [])
    names = {f"{d['id']}.{d['property']}" for d in spec["inputs"] if isinstance(d["id"], str)}
    if not isinstance(changed, list) or not all(isinstance(c, str) and c in names for c in changed):
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
