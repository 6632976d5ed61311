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


def _lazy():
    return TrainingSession(lazy=True)


def test_page_loads_take_no_training_place_and_never_lock_others_out():
    """17 anonymous page loads used to fill the cap and lock a class out for ten minutes."""
    reg = SessionRegistry(max_sessions=2, factory=_lazy, precompile=False, max_tabs=20)
    try:
        tabs = [reg.create() for _ in range(40)]  # never refused; the oldest unstarted are dropped
        assert len(reg) == 20 and reg.stats()["training_places_taken"] == 0
        assert not any(reg.get(t).started for t in tabs[-20:])
        assert not any(t.name == "gan-session" for t in threading.enumerate())  # no threads either
        a, b, c = tabs[-3:]
        reg.admit(a, "10.0.0.1")
        reg.admit(b, "10.0.0.2")
        with pytest.raises(RegistryFull, match="Server busy"):
            reg.admit(c, "10.0.0.3")
        reg.admit(a, "10.0.0.1")  # a tab that has its place keeps it
    finally:
        reg.close_all()


def test_a_place_held_by_a_tab_that_went_away_is_taken_back():
    clock = Clock()
    reg = SessionRegistry(max_sessions=1, idle_pause_seconds=30, evict_seconds=600, factory=_lazy,
                          clock=clock, precompile=False)
    try:
        away, here = reg.create(), reg.create()
        reg.admit(away, "a")
        reg.get(away).start()
        assert reg.get(away).wait_until(lambda s: s.iteration > 0, timeout=60)
        clock.now = 31
        reg.get(here)  # this tab still calls in; the other does not
        reg.admit(here, "b")
        gone = reg.get(away)
        assert gone.state == "idle" and not gone.started and "another user" in gone.snapshot().message
        assert reg.stats()["training_places_taken"] == 1
    finally:
        reg.close_all()


def test_a_single_client_cannot_take_every_place():
    reg = SessionRegistry(max_sessions=4, factory=_lazy, precompile=False)
    try:
        assert reg.max_per_client == 2
        tabs = [reg.create() for _ in range(4)]
        reg.admit(tabs[0], "1.2.3.4")
        reg.admit(tabs[1], "1.2.3.4")
        with pytest.raises(RegistryFull, match="this address"):
            reg.admit(tabs[2], "1.2.3.4")
        reg.admit(tabs[3], "5.6.7.8")  # others still get in
    finally:
        reg.close_all()


def test_ids_are_unguessable_and_forged_ids_get_nothing():
    reg = SessionRegistry(factory=TrainingSession, precompile=False)
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
    reg = SessionRegistry(idle_pause_seconds=30, evict_seconds=60, factory=TrainingSession, clock=clock, precompile=False)
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


def test_concurrent_admission_respects_the_cap():
    reg = SessionRegistry(max_sessions=3, factory=_lazy, precompile=False)
    tabs = [reg.create() for _ in range(6)]
    results = []

    def admit(sid):
        try:
            reg.admit(sid, sid)
            results.append(sid)
        except RegistryFull:
            results.append(None)

    threads = [threading.Thread(target=admit, args=(t,)) for t in tabs]
    [t.start() for t in threads]
    [t.join() for t in threads]
    try:
        assert sum(r is not None for r in results) == 3 and reg.stats()["training_places_taken"] == 3
    finally:
        reg.close_all()


def test_the_default_network_shape_is_compiled_ahead():
    reg = SessionRegistry(max_sessions=3, factory=_lazy, precompile=True)
    try:
        reg.prefill()
        assert _wait(lambda: reg.stats()["compiled_ahead"])
        sid = reg.create()
        session = reg.get(sid)
        session.start()
        assert session.wait_until(lambda s: s.iteration > 0, timeout=5)  # no compile wait
    finally:
        reg.close_all()


def test_a_server_compiles_the_crowd_batches_of_the_default_shape_ahead(monkeypatch):
    import gan_core.crowd as crowd_module
    from gan_core.config import RunConfig
    from gan_core.gan import shared_step

    monkeypatch.setattr(crowd_module, "_BUCKETS", (2, 4))  # two sizes, not five: seconds, not a minute
    config = RunConfig(g_hidden_nodes=12, d_hidden_nodes=12)  # a shape no other test compiles its batches for
    reg = SessionRegistry(max_sessions=3, factory=lambda: TrainingSession(config, lazy=True), precompile=True)
    try:
        reg.prefill(crowd=True)
        assert _wait(lambda: reg.stats()["compiled_ahead"])
        assert _wait(lambda: not reg.stats()["warming_up"], timeout=120)
        assert shared_step(config).crowd._ready == {2, 4}
    finally:
        reg.close_all()


def _wait(predicate, timeout=30.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def test_networks_are_built_ahead_for_a_bounded_number_of_waiting_tabs():
    reg = SessionRegistry(max_sessions=2, factory=_lazy, precompile=True, max_tabs=10)
    try:
        tabs = [reg.create() for _ in range(5)]
        assert _wait(lambda: reg.get(tabs[0]).started and reg.get(tabs[1]).started)
        assert not any(reg.get(t).started for t in tabs[2:])  # a flood of page loads builds no more
        assert _wait(lambda: not any(reg.get(t).worker_alive for t in tabs))  # and holds no thread
        reg.admit(tabs[0], "a")
        session = reg.get(tabs[0])
        session.start()
        assert session.wait_until(lambda s: s.iteration > 0, timeout=30)
        assert reg.get(reg.create()).started or _wait(lambda: len(reg._prepared) == 2)
    finally:
        reg.close_all()


def test_a_presentation_code_shows_one_run_until_it_ends_and_says_why():
    from app.registry import CODE_ALPHABET, CODE_LENGTH, normalise_code, pretty_code

    clock = Clock()
    reg = SessionRegistry(max_sessions=2, factory=_lazy, precompile=False, idle_pause_seconds=30,
                          evict_seconds=60, clock=clock)
    try:
        teacher = reg.create()
        code = reg.present(teacher)
        assert len(code) == CODE_LENGTH and set(code) <= set(CODE_ALPHABET) and reg.present(teacher) == code
        assert reg.presented(pretty_code(code).lower())[0] is reg.get(teacher)  # as typed from a projector
        assert reg.presented("ABCD-EFGH") == (None, reg.presented("nonsense")[1])
        assert normalise_code({"code": code}) == "" and reg.presented(None)[0] is None
        # followers keep a watched run from being dropped while the teacher's tab sleeps
        clock.now = 50
        reg.presented(code)
        clock.now = 100
        reg.sweep()
        assert reg.presented(code)[0] is not None
        reg.stop_presenting(teacher)
        session, why = reg.presented(code)
        assert session is None and "stopped presenting" in why
        assert reg.stats()["presenting"] == 0 and len(reg) == 1  # followers are not sessions
        code = reg.present(teacher)
        clock.now = 500
        reg.sweep()  # the teacher's page is gone: so is the presentation
        assert reg.presented(code) == (None, "The presenter's page has closed, so the presentation has ended.")
    finally:
        reg.close_all()


def test_a_tabs_run_b_is_its_own_session_and_goes_with_the_tab():
    from gan_core import RunConfig

    reg = SessionRegistry(max_sessions=4, factory=_lazy, precompile=False)
    try:
        a = reg.create()
        config = reg.get(a).config.replace(learning_rate=0.01)
        b = reg.compare(a, {"learning_rate": "0.01"}, config)
        assert len(reg) == 2 and b.config == config and reg.partner(a)[1] is b
        assert reg.compare(a, {"loss": "lsgan"}, config.replace(loss="lsgan")) is b and b.config.loss == "lsgan"
        reg.end_compare(a)
        assert reg.partner(a) is None and len(reg) == 1
        with pytest.raises(KeyError):
            reg.compare("no-such-tab", {}, RunConfig())
    finally:
        reg.close_all()
