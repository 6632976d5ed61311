"""A browser tab without a browser: speaks Dash's HTTP protocol the way the renderer does.

It loads the page, the layout and the callback map, keeps the tab's component properties
(initial values from the layout, then whatever callbacks return) and fires callbacks by
the property that triggers them, so it needs no knowledge of the app beyond element ids.
"""
from __future__ import annotations

import json
import time
from dataclasses import dataclass

import requests


@dataclass(frozen=True)
class Reply:
    seconds: float  # round trip seen by the client
    server_ms: float  # the app's own time (Server-Timing header)
    bytes: int  # response body as sent
    props: dict  # "id.property" -> value returned


class Tab:
    def __init__(self, url: str):
        self.url = url
        self.http = requests.Session()
        self.props: dict[str, object] = {}
        self.callbacks: list[dict] = []

    # ---- page --------------------------------------------------------------------------
    def load(self, pathname: str = "/", search: str = "") -> Reply:
        """GET the page, layout and callbacks, let Dash pages build the page for this address
        (the shell's location fires its router), then fire the callbacks that run on load.
        The reply is the page's own first callback (the session it opens)."""
        for path in ("/", "/_dash-layout", "/_dash-dependencies"):
            resp = self.http.get(self.url + path, timeout=30)
            resp.raise_for_status()
            if path == "/_dash-layout":
                self.props = {}
                _collect_props(resp.json(), self.props)
            elif path == "/_dash-dependencies":
                self.callbacks = resp.json()
        self.props.update({"_pages_location.pathname": pathname, "_pages_location.search": search})
        reply = self.fire("_pages_location.pathname")
        _collect_props(self.props.get("_pages_content.children"), self.props)
        if pathname.startswith("/follow/"):  # a follower's page opens no session
            return reply
        self.props.update({"url.pathname": pathname, "url.search": search})
        return self.fire("url.pathname")

    # ---- callbacks ---------------------------------------------------------------------
    def set(self, prop: str, value) -> Reply:
        """What a user's click or drag does: change a property and fire what it triggers."""
        self.props[prop] = value
        return self.fire(prop)

    def click(self, element_id: str) -> Reply:
        key = f"{element_id}.n_clicks"
        return self.set(key, int(self.props.get(key) or 0) + 1)

    def interval(self, element_id: str) -> Reply:
        key = f"{element_id}.n_intervals"
        return self.set(key, int(self.props.get(key) or 0) + 1)

    def fire(self, changed: str) -> Reply:
        spec = next(c for c in self.callbacks if any(_key(i) == changed for i in c["inputs"]))
        outputs = [self._expand(_parse_output(o)) for o in spec["output"].strip(".").split("...")] \
            if spec["output"].startswith("..") else [self._expand(_parse_output(spec["output"]))]
        body = {
            "output": spec["output"],
            "outputs": outputs if spec["output"].startswith("..") else outputs[0],
            "inputs": [self._expand(i, True) for i in spec["inputs"]],
            "state": [self._expand(s, True) for s in spec.get("state", [])],
            "changedPropIds": [changed],
        }
        started = time.perf_counter()
        try:
            resp = self.http.post(self.url + "/_dash-update-component", json=body, timeout=60)
        except requests.ConnectionError:
            # The server closed an idle keep-alive connection as we reused it; a browser
            # retries on a fresh one, and so do we (once).
            started = time.perf_counter()
            resp = self.http.post(self.url + "/_dash-update-component", json=body, timeout=60)
        seconds = time.perf_counter() - started
        returned: dict = {}
        if resp.status_code == 200:
            for element_id, values in json.loads(resp.content)["response"].items():
                for prop, value in values.items():
                    returned[f"{_id_key(element_id)}.{prop}"] = value
        elif resp.status_code != 204:  # 204: every output was no_update
            raise RuntimeError(f"callback for {changed} answered {resp.status_code}: {resp.text[:300]}")
        for key, value in returned.items():
            if not (isinstance(value, dict) and "__dash_patch_update" in value):
                self.props[key] = value  # figures arrive as patches; the tab keeps the rest
        return Reply(seconds, _server_ms(resp), len(resp.content), returned)

    def close(self) -> None:
        self.http.close()

    def _expand(self, dep: dict, with_value: bool = False):
        """A dependency as the renderer sends it: a pattern-matching one (an id with ALL) is
        the list of every id on the page that fits it."""
        ident, prop = dep["id"], dep["property"]
        if not ident.startswith("{") or '["ALL"]' not in ident:
            return {**dep, "value": self.props.get(_key(dep))} if with_value else dep
        pattern = json.loads(ident)
        out = []
        for key, value in self.props.items():
            text, _, got_prop = key.rpartition(".")
            if got_prop != prop or not text.startswith("{"):
                continue
            got = json.loads(text)
            if set(got) == set(pattern) and all(v == ["ALL"] or got[k] == v for k, v in pattern.items()):
                out.append({"id": got, "property": prop, **({"value": value} if with_value else {})})
        return out


def _id_key(ident) -> str:
    """An element id as a props key: a dict id as compact JSON with sorted keys."""
    if isinstance(ident, str) and ident.startswith("{"):
        ident = json.loads(ident)
    return ident if isinstance(ident, str) else json.dumps(ident, sort_keys=True, separators=(",", ":"))


def _key(dep: dict) -> str:
    return f"{_id_key(dep['id'])}.{dep['property']}"


def _parse_output(text: str) -> dict:
    element_id, prop = text.split("@")[0].rsplit(".", 1)
    return {"id": element_id, "property": prop}


def _collect_props(node, out: dict) -> None:
    if isinstance(node, list):
        for child in node:
            _collect_props(child, out)
    elif isinstance(node, dict):
        props = node.get("props", {})
        if "id" in props:
            for prop, value in props.items():
                if prop not in ("id", "children"):
                    out[f"{_id_key(props['id'])}.{prop}"] = value
        _collect_props(props.get("children"), out)


def _server_ms(resp) -> float:
    for part in resp.headers.get("Server-Timing", "").split(","):
        name, _, rest = part.strip().partition(";dur=")
        if name == "app" and rest:
            return float(rest)
    return float("nan")
