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

    def held_train(n):
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
    assert after.state == PAUSED and after.iteration == during.iteration + 100


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
