import threading
import time

import pytest

from app.registry import RegistryFull, SessionRegistry
from gan_core import TrainingSession

pytestmark = pytest.mark.usefixtures("no_leaked_threads")


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def test_cap_refuses_with_a_busy_message():
    reg = SessionRegistry(max_sessions=2, factory=TrainingSession, spares=0)
    try:
        reg.create(), reg.create()
        with pytest.raises(RegistryFull, match="Server busy"):
            reg.create()
    finally:
        reg.close_all()


def test_ids_are_unguessable_and_forged_ids_get_nothing():
    reg = SessionRegistry(factory=TrainingSession, spares=0)
    try:
        a, b = reg.create(), reg.create()
        assert a != b and len(a) >= 22
        for forged in (None, "", "x", a[:-1] + ("A" if a[-1] != "A" else "B"), 42, {"id": a}, a + "'; drop"):
            assert reg.get(forged) is None
        assert reg.get(a) is not reg.get(b)
    finally:
        reg.close_all()


def test_idle_sessions_are_paused_then_evicted_without_leaking_threads():
    clock = Clock()
    reg = SessionRegistry(idle_pause_seconds=30, evict_seconds=60, factory=TrainingSession, clock=clock, spares=0)
    try:
        sid = reg.create()
        session = reg.get(sid)
        session.start()
        assert session.wait_until(lambda s: s.iteration > 0)
        clock.now = 31
        reg.sweep()
        assert session.state == "paused" and not session.worker_alive
        assert "stopped calling in for 30 s" in session.snapshot().message  # the tab says why
        session.start()
        assert session.snapshot().message == ""  # and forgets it once the user goes on
        session.pause()
        clock.now = 61
        reg.sweep()
        assert reg.get(sid) is None and len(reg) == 0
        with pytest.raises(Exception):
            session.start()  # closed
    finally:
        reg.close_all()


def test_concurrent_creation_respects_the_cap():
    reg = SessionRegistry(max_sessions=3, factory=TrainingSession, spares=0)
    results = []

    def make():
        try:
            results.append(reg.create())
        except RegistryFull:
            results.append(None)

    threads = [threading.Thread(target=make) for _ in range(6)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    try:
        assert sum(r is not None for r in results) == 3 and len(reg) == 3
    finally:
        reg.close_all()


def test_spare_sessions_are_compiled_ahead_and_handed_to_new_tabs():
    reg = SessionRegistry(max_sessions=3, spares=1, factory=lambda: TrainingSession(precompile=True))
    try:
        reg.prefill()
        assert _wait(lambda: reg.stats()["spares"] == 1)
        (spare,) = reg._pool
        assert spare.snapshot().compiled  # pooled only once its step is compiled
        sid = reg.create()
        assert reg.get(sid) is spare and reg.stats()["sessions"] == 1
        assert _wait(lambda: reg.stats()["spares"] == 1)  # and the pool refills
        spare.start()
        assert spare.wait_until(lambda s: s.iteration > 0, timeout=5)
    finally:
        reg.close_all()
    assert reg.stats() == {**reg.stats(), "sessions": 0, "spares": 0}


def _wait(predicate, timeout=30.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.05)
    return False
