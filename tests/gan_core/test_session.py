import threading
import time

import numpy as np
import pytest

from gan_core.config import ConfigError, RunConfig
from gan_core.session import DIVERGED, ERROR, IDLE, PAUSED, RUNNING, SessionError, TrainingSession

pytestmark = pytest.mark.usefixtures("no_leaked_threads")


@pytest.fixture
def session():
    s = TrainingSession(RunConfig(seed=0), history_size=50)
    yield s
    s.close()


def test_start_pause_resume_reset(session):
    assert session.state == IDLE and session.snapshot().iteration == 0
    session.start()
    assert session.wait_until(lambda s: s.iteration > 500)
    session.pause()
    frozen = session.snapshot().iteration
    time.sleep(0.3)
    assert session.state == PAUSED and session.snapshot().iteration == frozen
    assert not session.worker_alive
    session.resume()
    assert session.wait_until(lambda s: s.iteration > frozen)
    old_fake = session.snapshot().fake
    session.reset()
    snap = session.snapshot()
    assert snap.state == IDLE and snap.iteration == 0 and snap.history == ()
    assert not np.array_equal(snap.fake, old_fake)  # the trained fakes are gone


def test_a_paused_snapshot_always_carries_the_final_iteration(session, monkeypatch):
    """A reader (the dashboard's tick) never sees "paused" while a chunk is still in flight:
    the chunk is held at its start, Pause is pressed, then the chunk is let through."""
    session.set_speed(1000)  # chunks of 100 iterations, as at the dashboard's default speed
    session.start()
    assert session.wait_until(lambda s: s.iteration > 0)
    gan, entered, gate = session._gan, threading.Event(), threading.Event()
    plain_train = gan.train

    chunk = []

    def held_train(n):
        chunk.append(n)
        entered.set()
        assert gate.wait(30)
        return plain_train(n)

    monkeypatch.setattr(gan, "train", held_train)
    assert entered.wait(30)  # the worker is inside a chunk
    pauser = threading.Thread(target=session.pause)
    pauser.start()
    time.sleep(0.2)  # Pause has been pressed and waits for the chunk
    during = session.snapshot()
    gate.set()
    pauser.join(30)
    after = session.snapshot()
    assert during.state == RUNNING  # not "paused" beside a count that is about to change
    assert after.state == PAUSED and after.iteration == during.iteration + chunk[0]


def test_step_runs_exactly_n(session):
    snap = session.step(37)
    assert snap.iteration == 37 and snap.state == PAUSED
    assert session.step(3).iteration == 40
    for bad in (0, -1, 2.5, "10", True, 10**9):
        with pytest.raises(SessionError):
            session.step(bad)


def test_snapshot_is_immutable_and_history_incremental(session):
    session.step(100)
    session.step(100)
    snap = session.snapshot()
    with pytest.raises(ValueError):
        snap.fake[0, 0] = 1.0
    assert [p.iteration for p in snap.history] == [100, 200]
    assert [p.iteration for p in session.snapshot(since=100).history] == [200]
    assert 0 <= snap.history[-1].d_accuracy_real <= 1


def test_history_is_bounded(session):
    for _ in range(80):
        session.step(1)
    assert len(session.snapshot().history) == 50


def test_speed_limit_paces_training(session):
    session.set_speed(40)
    session.start()
    session.wait_until(lambda s: s.iteration > 0)
    start = session.snapshot().iteration
    time.sleep(1.0)
    snap = session.snapshot()
    advanced = snap.iteration - start
    session.pause()
    assert 15 <= advanced <= 80
    assert snap.compiled
    assert 15 <= snap.steps_per_second <= 80  # the paced wall-clock rate, not the compute rate
    assert session.snapshot().steps_per_second == 0  # nothing advances while paused
    with pytest.raises(SessionError):
        session.set_speed(-3)


def test_a_paced_run_makes_up_for_a_late_chunk(session, monkeypatch):
    """In a crowd a chunk can wait for a slow batch; the next ones make up for it, so the run
    keeps its Speed (it used to lose the time: 20 tabs at 1,000/s, the slowest 830 it/s)."""
    from gan_core.gan import GAN

    train, calls = GAN.train, []

    def sometimes_late(gan, n):
        calls.append(n)
        if len(calls) % 4 == 0:
            time.sleep(0.3)  # every fourth chunk three times late
        return train(gan, n)

    session.set_speed(200)
    session.start()
    session.wait_until(lambda s: s.iteration > 0)
    monkeypatch.setattr(GAN, "train", sometimes_late)
    start, t0 = session.snapshot().iteration, time.perf_counter()
    time.sleep(3.0)
    rate = (session.snapshot().iteration - start) / (time.perf_counter() - t0)
    session.pause()
    assert 170 <= rate <= 230, rate  # without making up: about 130


def test_learning_rate_applies_live_and_structure_resets(session):
    session.start()
    session.wait_until(lambda s: s.iteration > 100)
    assert session.configure(learning_rate=2e-4) is False
    assert session.state == RUNNING and session.config.g_learning_rate == 2e-4
    assert session.configure(latent_size=9) is True
    assert session.state == RUNNING and session.config.latent_size == 9
    assert "reset" in session.snapshot().message
    with pytest.raises(ConfigError):
        session.configure(latent_size=999)
    assert session.config.latent_size == 9


def test_huge_learning_rate_diverges_with_a_message(session):
    session.configure(optimizer="sgd", loss="lsgan", learning_rate=1.0)
    session.start()
    assert session.wait_until(lambda s: s.state != RUNNING, timeout=60)
    snap = session.snapshot()
    assert snap.state == DIVERGED and "diverged" in snap.message and "learning rate" in snap.message
    assert np.isfinite(snap.fake).all()  # the last good picture stays
    with pytest.raises(SessionError):
        session.start()
    session.reset()
    assert session.state == IDLE


def test_an_exception_in_training_becomes_state_error(session, monkeypatch):
    def broken(n):
        raise MemoryError("injected")
    monkeypatch.setattr(session._gan, "train", broken)
    session.start()
    assert session.wait_until(lambda s: s.state == ERROR)
    assert "injected" in session.snapshot().message
    assert session.wait_until(lambda s: not session.worker_alive, timeout=5)


def test_many_sessions_train_at_once_independently():
    sessions = [TrainingSession(RunConfig(seed=i)) for i in range(3)]
    for s in sessions:
        s.start()
    assert all(s.wait_until(lambda snap: snap.iteration > 200) for s in sessions)
    for s in sessions:
        s.close()
    assert not any(t.name == "gan-session" and t.is_alive() for t in threading.enumerate())


def test_closed_session_refuses_commands():
    s = TrainingSession()
    s.close()
    with pytest.raises(SessionError):
        s.start()


def test_pause_then_start_at_once_neither_hangs_nor_is_lost(session):
    """Pause followed 5-300 ms later by Start: both answer within a second and the run goes
    on (Pause used to join a worker that Start reused, and hung for 60 s)."""
    session.set_speed(1000)
    session.start()
    assert session.wait_until(lambda s: s.iteration > 0)
    for delay in (0.005, 0.05, 0.3, 0.0):
        answered = []
        pauser = threading.Thread(target=lambda: (session.pause(), answered.append(time.monotonic())))
        t0 = time.monotonic()
        pauser.start()
        time.sleep(delay)
        session.start()
        pauser.join(5)
        assert answered and answered[0] - t0 < 1.5
        assert session.state == RUNNING
        at = session.snapshot().iteration
        assert session.wait_until(lambda s: s.iteration > at, timeout=5)  # and it still trains


def test_start_during_a_rebuild_is_never_lost():
    """A new network shape, then Start before its networks exist: the run trains."""
    s = TrainingSession(RunConfig(seed=0), lazy=True)
    try:
        for nodes in (19, 23, 29):  # sizes not compiled before in this process
            t0 = time.monotonic()
            s.configure(hidden_nodes=nodes)
            s.start()
            assert time.monotonic() - t0 < 1.0  # the commands answer at once
            assert s.state == RUNNING
        assert s.wait_until(lambda snap: snap.iteration > 50, timeout=60)
        assert s.config.g_hidden_nodes == 29 and s.state == RUNNING
        # While training: more changes, then Pause; the last intent (paused) wins.
        s.configure(latent_size=7)
        s.configure(latent_size=8)
        s.pause()
        time.sleep(0.5)
        assert s.state == PAUSED and s.snapshot().iteration == 0 and s.config.latent_size == 8
    finally:
        s.close()


def test_a_lazy_session_holds_nothing_until_started():
    s = TrainingSession(RunConfig(target="ring8", seed=4), lazy=True)
    try:
        snap = s.snapshot()
        assert not s.started and not s.worker_alive
        assert len(snap.real) == 500 and len(snap.fake) == 0 and snap.iteration == 0
        s.reset()
        assert not s.started and not s.worker_alive
        assert s.step(5).iteration == 5 and s.started
    finally:
        s.close()


def test_fakes_flying_off_the_plot_pause_the_run_as_diverged():
    """Adam at learning rate 1 throws the fakes far off without any NaN: the run must stop
    and say so, not go on 'Training' with the plot empty."""
    # Seed 3: its fakes stay off (seed 1's come back now and then: diverged after 30 s). Paced,
    # so its chunks (and the noise keyed per chunk) are the same however loaded the machine
    # is: flat out, the chunk lengths followed the load, and in a full suite's run the fakes
    # came back often enough that it had not diverged after 60 s (alone: 5 s)
    s = TrainingSession(RunConfig(seed=3).replace(learning_rate=1.0), speed=1000)
    try:
        s.start()
        assert s.wait_until(lambda snap: snap.state != RUNNING, timeout=60)
        snap = s.snapshot()
        assert snap.state == DIVERGED
        assert "learning rate" in snap.message and "0.001" in snap.message
        assert snap.off_axes > 0
    finally:
        s.close()


def test_quality_history_grows_with_training(session):
    session.start()
    assert session.wait_until(lambda s: s.iteration > 0)
    time.sleep(2.5)
    session.pause()
    quality = session.snapshot().quality
    assert len(quality) >= 2 and "mean_abs_error" in quality[-1].metrics
    assert [q.iteration for q in quality] == sorted(q.iteration for q in quality)
    assert session.snapshot(since=quality[-1].iteration).quality == ()


def test_flat_out_runs_of_a_crowd_take_one_chunk_length_whatever_their_own_last_rate(monkeypatch):
    """Chunks of one length train in one batch (gan_core/crowd.py); a run that met a small
    batch measured fast, and used to get longer chunks and more than its share (30 tabs at
    max speed: the slowest 354 it/s, the average 500)."""
    import gan_core.session as session_module
    from gan_core.gan import INTRA_OP_THREADS

    monkeypatch.setattr(session_module, "training_now", lambda: 4 * INTRA_OP_THREADS)
    lengths = []
    for config, own_rate in ((RunConfig(seed=1), 400.0), (RunConfig(seed=2), 4_000.0),
                             (RunConfig(seed=3, d_dropout=0.2), 4_000.0)):  # dropout: trains alone
        s = TrainingSession(config, speed=None)
        try:
            s.step(1)  # built and compiled
            with s._lock:
                s._state, s._rate, s._best_rate = RUNNING, own_rate, 8_000.0
                kind, _, n = s._next_job()
            lengths.append(n)
        finally:
            s.close()
    assert kind == "train"
    crowd_share = lengths[0]
    assert lengths[1] == crowd_share and lengths[2] > crowd_share  # alone, its own rate counts


def test_a_paced_run_that_trains_alone_never_takes_a_chunk_it_cannot_finish_in_a_publication(monkeypatch):
    """Ten letters runs at the default 1,000/s, each 70-100 it/s alone (so judged fast), took
    chunks of 150 iterations and, at 7 it/s each under that load, their pages stood still for
    20 s. A run that trains alone is held to its present rate; a crowd's batched run keeps
    its pace's chunk (see the test above)."""
    import gan_core.session as session_module
    from gan_core.gan import INTRA_OP_THREADS

    monkeypatch.setattr(session_module, "training_now", lambda: 5 * INTRA_OP_THREADS)
    lengths = {}
    for name, config in (("alone", RunConfig(seed=1, d_dropout=0.2)), ("crowded", RunConfig(seed=2))):
        s = TrainingSession(config, speed=1_000)
        try:
            s.step(1)
            with s._lock:
                s._state, s._rate, s._best_rate = RUNNING, 7.0, 100.0
                kind, _, lengths[name] = s._next_job()
                assert kind == "train"
                s._rate = 5_000.0  # keeping its pace easily: the pace decides
                _, _, lengths[name + " fast"] = s._next_job()
        finally:
            s.close()
    period = session_module.publish_seconds()
    assert lengths["alone"] <= 2 * period * 100.0 * INTRA_OP_THREADS / (5 * INTRA_OP_THREADS) + 1
    assert lengths["alone"] < 1_000 * period / 4
    assert lengths["alone fast"] == lengths["crowded fast"] == round(1_000 * period)
    assert lengths["crowded"] == round(1_000 * period)


def test_a_worker_keeps_the_process_priority_whoever_starts_it(session):
    """A web server lowers its request threads' priority (app.yield_to_training); the Start
    that such a thread sends must not lower the training's with it."""
    import os

    def start_as_a_request_does():
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 5)
        session.start()

    caller = threading.Thread(target=start_as_a_request_does)
    caller.start()
    caller.join()
    worker = session._thread
    assert worker is not None and worker.is_alive()
    assert os.getpriority(os.PRIO_PROCESS, worker.native_id) == 0
