"""Where a process spends its time: named spans, summed over every thread.

`with span("train"):` adds that block's wall time and its thread's CPU time to the name's
totals. Wall time longer than CPU time is time the thread waited: for a lock, for the GIL, or
for TensorFlow's thread pool. The totals only grow; a reader takes `totals()` twice and
`difference` gives what happened between (the load benchmark's `--profile` does so over its
crowd's measuring window, reading them from the server's `/healthz?profile=1`).

A span costs about a microsecond, so it is always on.
"""
from __future__ import annotations

import threading
import time
from contextlib import contextmanager

_lock = threading.Lock()
_totals: dict[str, list[float]] = {}  # name -> [calls, wall seconds, CPU seconds]


def add(name: str, wall: float, cpu: float) -> None:
    with _lock:
        entry = _totals.get(name)
        if entry is None:
            entry = _totals[name] = [0, 0.0, 0.0]
        entry[0] += 1
        entry[1] += wall
        entry[2] += cpu


@contextmanager
def span(name: str):
    wall, cpu = time.perf_counter(), time.thread_time()
    try:
        yield
    finally:
        add(name, time.perf_counter() - wall, time.thread_time() - cpu)


def totals() -> dict:
    """{"spans": {name: {"calls", "wall_s", "cpu_s"}}, "process_cpu_s", "wall_s"}: since the
    process started, on the wall clock of `time.perf_counter`."""
    with _lock:
        spans = {name: {"calls": int(c), "wall_s": w, "cpu_s": u} for name, (c, w, u) in _totals.items()}
    return {"spans": spans, "process_cpu_s": time.process_time(), "wall_s": time.perf_counter()}


def difference(before: dict, after: dict) -> dict:
    """What happened between two `totals()`: the same shape, each figure the growth."""
    spans = {}
    for name, b in after["spans"].items():
        a = before["spans"].get(name, {"calls": 0, "wall_s": 0.0, "cpu_s": 0.0})
        if b["calls"] > a["calls"]:
            spans[name] = {key: b[key] - a[key] for key in ("calls", "wall_s", "cpu_s")}
    return {"spans": spans, "process_cpu_s": after["process_cpu_s"] - before["process_cpu_s"],
            "wall_s": after["wall_s"] - before["wall_s"]}
