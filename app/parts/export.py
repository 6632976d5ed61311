"""Export and import: the shown samples (CSV), the generator (`.keras`, which
`keras.models.load_model` reads back) and the run (JSON: settings, seed, history, metrics);
a run's JSON loaded back restores its settings (the page moves to that run's link).

A download is streamed by the server from the session's own state, never from a path the
client names: pressing a button makes a single-use ticket (unguessable, valid for a minute)
that names the session and the kind of file, and the browser fetches `/download/<ticket>`.
The session id never appears in an address or a log."""
from __future__ import annotations

import base64
import binascii
import json
import os
import re
import secrets
import tempfile
import threading
import time
from urllib.parse import urlencode

from dash import ClientsideFunction, Input, Output, State, callback_context, dcc, html, no_update
from flask import Response, abort

from app import ids
from gan_core import ConfigError, RunConfig
from gan_core.links import config_to_query

DOWNLOAD_URL = "download-url"
LOAD_RUN = "load-run"
GO_TO = "go-to"  # an address in this app to move to, as a link click would
EXPORT_NOTE = "export-note"
TICKET_SECONDS = 60
MAX_RUN_BYTES = 1_000_000
_TICKET = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
_WHAT = {ids.DOWNLOAD_SAMPLES: "samples", ids.DOWNLOAD_GENERATOR: "generator", ids.DOWNLOAD_RUN: "run"}


def layout() -> html.Div:
    return html.Div([
        html.Span("Save and load", className="control-label"),
        html.Div([
            html.Button("Samples (CSV)", id=ids.DOWNLOAD_SAMPLES, n_clicks=0, className="btn-small",
                        title="The real and fake samples shown now, one per row, with a header."),
            html.Button("Generator (.keras)", id=ids.DOWNLOAD_GENERATOR, n_clicks=0, className="btn-small",
                        title="G as it stands, in Keras's own format: keras.models.load_model reads it and "
                              "G.predict(noise) makes samples."),
            html.Button("Run (JSON)", id=ids.DOWNLOAD_RUN, n_clicks=0, className="btn-small",
                        title="Settings, seed, history and metrics of this run. Load it back to restore the settings."),
        ], className="export-buttons"),
        dcc.Upload(id=LOAD_RUN, max_size=MAX_RUN_BYTES, accept=".json,application/json", className="upload",
                   children=html.Span(["Load a run (JSON): drop it here or ", html.U("choose a file")])),
        html.P(id=EXPORT_NOTE, className="hint", role="status"),
        dcc.Store(id=DOWNLOAD_URL),
        dcc.Store(id=GO_TO),
    ], className="control export")


class Tickets:
    """Single-use download tickets: ticket -> (session id, what, expiry)."""

    def __init__(self, clock=time.monotonic):
        self._lock = threading.Lock()
        self._items: dict[str, tuple[str, str, float]] = {}
        self._clock = clock

    def issue(self, sid: str, what: str) -> str:
        ticket = secrets.token_urlsafe(24)
        now = self._clock()
        with self._lock:
            self._items = {k: v for k, v in self._items.items() if v[2] > now}
            if len(self._items) > 10_000:
                self._items.clear()
            self._items[ticket] = (sid, what, now + TICKET_SECONDS)
        return ticket

    def redeem(self, ticket: str) -> tuple[str, str] | None:
        with self._lock:
            item = self._items.pop(ticket, None)
        if item is None or item[2] < self._clock():
            return None
        return item[0], item[1]


def _file_name(session, extension: str, what: str) -> str:
    c = session.config
    return f"{what}-{c.target}-seed{c.seed}-it{session.snapshot(since=1 << 62).iteration}.{extension}"


def _keras_bytes(session) -> bytes:
    with tempfile.TemporaryDirectory(prefix="gan-export-") as folder:
        path = os.path.join(folder, "generator.keras")
        session.save_generator(path)
        with open(path, "rb") as fh:
            return fh.read()


def _chunks(data: bytes, size: int = 1 << 16):
    for start in range(0, len(data), size):
        yield data[start:start + size]


def uploaded_bytes(contents) -> bytes:
    """The bytes of a dcc.Upload's `contents` (a data URL); ValueError when it is not one."""
    if not isinstance(contents, str) or "," not in contents:
        raise ValueError("not a data URL")
    try:
        return base64.b64decode(contents.split(",", 1)[1], validate=True)
    except binascii.Error:
        raise ValueError("not base64") from None


def read_run(contents, filename) -> RunConfig:
    """The settings of an uploaded run's JSON, or ConfigError saying what is wrong with it."""
    if not isinstance(contents, str) or "," not in contents:
        raise ConfigError("that upload was empty or not a file")
    try:
        raw = uploaded_bytes(contents)
    except ValueError:
        raise ConfigError("that upload could not be read") from None
    if len(raw) > MAX_RUN_BYTES:
        raise ConfigError(f"a run's JSON is at most {MAX_RUN_BYTES // 1000:,} KB; that file is larger")
    try:
        record = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise ConfigError(f"{str(filename)[:60]!s} is not a JSON file") from None
    if not isinstance(record, dict) or not isinstance(record.get("settings"), dict):
        raise ConfigError("that JSON is not a run saved by this dashboard (it has no \"settings\")")
    return RunConfig.from_dict(record["settings"])


def register(app, registry) -> None:
    tickets = Tickets()
    app.download_tickets = tickets

    @app.callback(
        Output(DOWNLOAD_URL, "data"),
        Output(EXPORT_NOTE, "children"),
        Input(ids.DOWNLOAD_SAMPLES, "n_clicks"), Input(ids.DOWNLOAD_GENERATOR, "n_clicks"),
        Input(ids.DOWNLOAD_RUN, "n_clicks"),
        State(ids.SESSION, "data"),
        prevent_initial_call=True,
    )
    def download(_s, _g, _r, sid):
        session = registry.get(sid)
        if session is None:
            return no_update, "Your session has ended. Reload the page."
        what = _WHAT.get(callback_context.triggered_id if isinstance(callback_context.triggered_id, str) else "")
        if what is None:
            return no_update, no_update
        return f"/download/{tickets.issue(sid, what)}", ""

    app.clientside_callback(
        ClientsideFunction(namespace="gan", function_name="download"),
        Output(DOWNLOAD_URL, "data", allow_duplicate=True),
        Input(DOWNLOAD_URL, "data"),
        prevent_initial_call=True,
    )

    @app.callback(
        Output(GO_TO, "data"),
        Output(EXPORT_NOTE, "children", allow_duplicate=True),
        Input(LOAD_RUN, "contents"),
        State(LOAD_RUN, "filename"),
        prevent_initial_call=True,
    )
    def load_run(contents, filename):
        """A run's settings back: the page moves to that run's link, which resets the run to
        them (same seed: the same numbers again)."""
        try:
            config = read_run(contents, filename)
        except ConfigError as exc:
            return no_update, f"Not loaded: {exc}. Nothing was changed."
        return "?" + urlencode(config_to_query(config)), f"Loaded the settings of {str(filename)[:60]}."

    app.clientside_callback(
        ClientsideFunction(namespace="gan", function_name="goTo"),
        Output(GO_TO, "data", allow_duplicate=True),
        Input(GO_TO, "data"),
        prevent_initial_call=True,
    )

    @app.server.get("/download/<ticket>")
    def serve_download(ticket: str):
        held = tickets.redeem(ticket) if _TICKET.match(ticket) else None
        session = registry.get(held[0]) if held else None
        if session is None:
            abort(404)
        what = held[1]
        if what == "samples":
            data, kind, name = session.samples_csv().encode(), "text/csv", _file_name(session, "csv", "samples")
        elif what == "run":
            data = json.dumps(session.record(), indent=1).encode()
            kind, name = "application/json", _file_name(session, "json", "run")
        else:
            data, kind, name = _keras_bytes(session), "application/octet-stream", _file_name(session, "keras",
                                                                                            "generator")
        return Response(_chunks(data), mimetype=kind, headers={
            "Content-Disposition": f'attachment; filename="{name}"', "Content-Length": str(len(data)),
            "Cache-Control": "no-store"})
