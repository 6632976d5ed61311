"""Users of the running dashboard, each a thread with its own tab, ticking as the browser does,
and the figures the issue asks for, measured from what they saw."""
from __future__ import annotations

import json
import math
import os
import threading
import time
from dataclasses import dataclass, field

from bench.client import Tab


@dataclass(frozen=True)
class TickRecord:
    at: float  # perf_counter when the reply arrived
    seconds: float
    server_ms: float
    bytes: int
    iteration: int | None  # the step counter the reply carried, if it changed


@dataclass
class User:
    """One tab: load the page, press Start (when told), then tick as the page does until stopped."""
    url: str
    speed_index: int | None = None  # None: the page's default speed
    target: str | None = None  # chosen in the dropdown before Start; None: the page's default
    views: str = "default"  # the samples' layers: the page's defaults, "none" or "all" (see VIEWS)
    search: str = ""  # the page's query string: a shared link's settings
    # This tab's thread yields the CPU to the server's by this much (Linux nice, 0-19): a
    # browser's work happens on the student's machine, not on the server's two cores
    nice: int = 0
    records: list[TickRecord] = field(default_factory=list)
    first_frame_seconds: float = math.nan  # Start pressed -> a tick shows fakes that moved
    error: str = ""

    def __post_init__(self):
        self.tab = Tab(self.url)
        self.loaded = threading.Event()
        self.go = threading.Event()
        self.stop = threading.Event()
        self._pending_speed: int | None = None
        self._pending_clicks: list[str] = []  # buttons to press between ticks, in order
        self._thread = threading.Thread(target=self._run, name="bench-user", daemon=True)

    def begin(self) -> "User":
        self._thread.start()
        return self

    def join(self) -> None:
        """Stop ticking and press Pause, so a finished phase leaves the server idle."""
        self.stop.set()
        self.go.set()
        self._thread.join(timeout=60)
        if self.tab.props.get("session-id.data"):
            try:
                self.tab.click("pause-button")
            except Exception:  # the server may already be gone
                pass
        self.tab.close()

    def set_speed(self, index: int) -> None:
        self._pending_speed = index

    def press(self, button: str) -> None:
        """Press a button (its id) between two ticks, as a person would."""
        self._pending_clicks.append(button)

    def _run(self) -> None:
        if self.nice:
            try:
                os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), self.nice)
            except (AttributeError, OSError):  # not Linux: the tab competes as it is
                pass
        try:
            self.tab.load(search=self.search)
            if not self.tab.props.get("session-id.data"):
                raise RuntimeError(f"no session: {self.tab.props.get('status.children')}")
            # The intervals the page itself uses; the next tick is due that long after a reply.
            tick_seconds = self.tab.props["tick.interval"] / 1000
            heartbeat_seconds = self.tab.props["heartbeat.interval"] / 1000
            self.loaded.set()
            self.go.wait()
            if self.stop.is_set():
                return
            if self.target is not None:
                self.tab.set("target-function.value", self.target)
            show_views(self.tab, self.views)
            if self.speed_index is not None:
                self.tab.set("speed.value", self.speed_index)
            pressed = time.perf_counter()
            self.tab.click("start-button")
            next_tick = next_beat = time.perf_counter() + tick_seconds
            while not self.stop.is_set():
                if self._pending_speed is not None:
                    self.tab.set("speed.value", self._pending_speed)
                    self._pending_speed = None
                while self._pending_clicks:
                    self.tab.click(self._pending_clicks.pop(0))
                now = time.perf_counter()
                if now >= next_beat:
                    self.tab.interval("heartbeat")
                    next_beat += heartbeat_seconds
                if self.tab.props.get("tick.disabled"):
                    time.sleep(0.02)
                    continue
                time.sleep(max(0.0, next_tick - time.perf_counter()))
                reply = self.tab.interval("tick")
                next_tick = time.perf_counter() + tick_seconds  # as the page: after the reply
                counter = reply.props.get("step-counter.children")
                iteration = int(str(counter).replace(",", "")) if counter is not None else None
                self.records.append(TickRecord(time.perf_counter(), reply.seconds, reply.server_ms,
                                               reply.bytes, iteration))
                if math.isnan(self.first_frame_seconds) and iteration and "samples-graph.figure" in reply.props:
                    self.first_frame_seconds = time.perf_counter() - pressed
        except Exception as exc:  # reported with the figures, never a hung benchmark
            self.error = f"{type(exc).__name__}: {exc}"
            self.loaded.set()

    def window(self, start: float, end: float) -> list[TickRecord]:
        return [r for r in list(self.records) if start <= r.at <= end]

    def rate(self, start: float, end: float) -> float:
        """Iterations per second over the window, from the counters its ticks carried."""
        points = [(r.at, r.iteration) for r in self.window(start, end) if r.iteration is not None]
        if len(points) < 2 or points[-1][0] <= points[0][0]:
            return 0.0
        return (points[-1][1] - points[0][1]) / (points[-1][0] - points[0][0])


@dataclass
class Follower:
    """One page following a presentation (/follow/<code>): it ticks as that page does and
    counts the replies that brought a newer iteration."""
    url: str
    code: str
    records: list[TickRecord] = field(default_factory=list)
    error: str = ""

    def __post_init__(self):
        self.tab = Tab(self.url)
        self.stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="bench-follower", daemon=True)

    def begin(self) -> "Follower":
        self._thread.start()
        return self

    def join(self) -> None:
        self.stop.set()
        self._thread.join(timeout=60)
        self.tab.close()

    def _run(self) -> None:
        try:
            self.tab.load(pathname=f"/follow/{self.code}")
            tick_seconds = self.tab.props["follow-tick.interval"] / 1000
            next_tick = time.perf_counter() + tick_seconds
            while not self.stop.is_set():
                time.sleep(max(0.0, next_tick - time.perf_counter()))
                reply = self.tab.interval("follow-tick")
                next_tick = time.perf_counter() + tick_seconds
                counter = reply.props.get("step-counter.children")
                iteration = int(str(counter).replace(",", "")) if counter is not None else None
                self.records.append(TickRecord(time.perf_counter(), reply.seconds, reply.server_ms, reply.bytes,
                                               iteration))
        except Exception as exc:  # reported with the figures
            self.error = f"{type(exc).__name__}: {exc}"

    def window(self, start: float, end: float) -> list[TickRecord]:
        return [r for r in list(self.records) if start <= r.at <= end]

    def updates_per_second(self, start: float, end: float) -> float:
        """Replies that brought a newer iteration, per second."""
        return sum(r.iteration is not None for r in self.window(start, end)) / (end - start)


def present(tab: Tab) -> str:
    """Press Present on a tab: the code its reply shows."""
    import re

    reply = tab.click("present-button")
    found = re.search(r"/follow/([A-Z0-9]{8})", json.dumps(reply.props.get("follow-code.children")))
    if not found:
        raise RuntimeError(f"Present gave no code: {reply.props}")
    return found.group(1)


# The toggles of the samples' explanatory layers, per --views setting (None: the page's default)
VIEWS = {"default": {}, "none": {"show-surface": [], "show-arrows": [], "show-manifold": []},
         "all": {"show-surface": ["on"], "show-arrows": ["on"], "show-manifold": ["on"]}}


def show_views(tab: Tab, views: str) -> None:
    """Switch the layers as a person ticks the boxes (each fires the page's redraw)."""
    for toggle, value in VIEWS[views].items():
        if tab.props.get(f"{toggle}.value") != value:
            tab.set(f"{toggle}.value", value)


def step_latency(url: str, target: str | None, views: str, repeats: int = 10) -> dict:
    """The step buttons as a student presses them: each answers with the redrawn samples graph,
    counter and status in one reply. Round-trip milliseconds per button (p50, p95); the first
    step, which builds and compiles the networks, is not counted."""
    tab = Tab(url)
    try:
        tab.load()
        if target is not None:
            tab.set("target-function.value", target)
        show_views(tab, views)
        tab.click("step-button")
        out = {}
        for button in ("step-button", "step-d-button", "step-g-button"):
            times = []
            for _ in range(repeats):
                reply = tab.click(button)
                if "samples-graph.figure" not in reply.props:
                    raise RuntimeError(f"{button} did not redraw the samples")
                times.append(reply.seconds * 1000)
            out[button] = {"ms_p50": round(percentile(times, 50), 1), "ms_p95": round(percentile(times, 95), 1),
                           "bytes": reply.bytes}
        return out
    finally:
        tab.close()


def percentile(values: list[float], q: float) -> float:
    values = sorted(v for v in values if not math.isnan(v))
    if not values:
        return math.nan
    k = (len(values) - 1) * q / 100
    lo, hi = math.floor(k), math.ceil(k)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def tick_stats(records: list[TickRecord]) -> dict:
    return {
        "ticks": len(records),
        "server_ms_p50": round(percentile([r.server_ms for r in records], 50), 2),
        "server_ms_p95": round(percentile([r.server_ms for r in records], 95), 2),
        "round_trip_ms_p95": round(percentile([r.seconds * 1000 for r in records], 95), 2),
        "payload_bytes_mean": round(sum(r.bytes for r in records) / max(len(records), 1)),
        "payload_bytes_max": max((r.bytes for r in records), default=0),
    }


def wait_for(predicate, timeout: float, poll: float = 0.05) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(poll)
    return predicate()
