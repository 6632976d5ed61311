"""`python -m bench --profile`: where the server spent its time while the crowd trained.

The server sums named spans over all its threads (gan_core/profile.py): each training
worker's chunk, the fakes, D's accuracy, metrics, surface and arrows it publishes, the lock
it publishes under, its wait for its pace; each request by the input that fired it. Read at
the start and the end of the crowd's measuring window, the growth says, per span, how many
threads were busy in it on average (wall) and how many cores it used (CPU). A span whose
threads are busy far beyond its cores was waiting: for a lock, the GIL or TensorFlow's threads.
"""
from __future__ import annotations

import requests

from gan_core.profile import difference


def read(url: str) -> dict:
    return requests.get(url + "/healthz", params={"profile": 1}, timeout=10).json()["profile"]


def breakdown(before: dict, after: dict) -> dict:
    """The window's figures: {"seconds", "process_cores", "spans": [{name, calls_per_second,
    wall_ms_per_call, cpu_ms_per_call, threads_busy, cores}, ...]} busiest first."""
    diff = difference(before, after)
    seconds = diff["wall_s"]
    rows = []
    for name, s in diff["spans"].items():
        rows.append({"name": name,
                     "calls_per_second": round(s["calls"] / seconds, 1),
                     "wall_ms_per_call": round(1000 * s["wall_s"] / s["calls"], 3),
                     "cpu_ms_per_call": round(1000 * s["cpu_s"] / s["calls"], 3),
                     "threads_busy": round(s["wall_s"] / seconds, 3),
                     "cores": round(s["cpu_s"] / seconds, 3)})
    rows.sort(key=lambda r: -r["threads_busy"])
    return {"seconds": round(seconds, 2), "process_cores": round(diff["process_cpu_s"] / seconds, 3), "spans": rows}


def lines(profile: dict, cores: int) -> list[str]:
    """The breakdown as a table for the terminal."""
    out = [f"where the server's time went over {profile['seconds']:.1f} s: the process used "
           f"{profile['process_cores']:.2f} of {cores} cores",
           f"  {'span':34} {'calls/s':>9} {'ms/call':>9} {'CPU ms':>9} {'threads':>8} {'cores':>7}"]
    for r in profile["spans"]:
        out.append(f"  {r['name'][:34]:34} {r['calls_per_second']:>9,.1f} {r['wall_ms_per_call']:>9.2f} "
                   f"{r['cpu_ms_per_call']:>9.2f} {r['threads_busy']:>8.2f} {r['cores']:>7.2f}")
    counted = sum(r["cores"] for r in profile["spans"])
    out.append(f"  threads: how many were busy in the span on average; cores: the CPU it used. "
               f"{counted:.2f} of the {profile['process_cores']:.2f} cores used are in spans.")
    return out
