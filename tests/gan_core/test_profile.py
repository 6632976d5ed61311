"""The process's time, summed per named span over every thread (python -m bench --profile)."""
import threading
import time

from gan_core import profile


def test_spans_add_wall_and_cpu_time_and_the_difference_is_the_window():
    before = profile.totals()
    with profile.span("test: sleeping"):
        time.sleep(0.05)
    with profile.span("test: busy"):  # busy for 30 ms of this thread's CPU, however loaded the machine
        end = time.thread_time() + 0.03
        while time.thread_time() < end:
            pass
    threads = [threading.Thread(target=lambda: profile.add("test: added", 0.5, 0.25)) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    diff = profile.difference(before, profile.totals())
    sleeping, busy, added = (diff["spans"][n] for n in ("test: sleeping", "test: busy", "test: added"))
    assert sleeping["calls"] == 1 and sleeping["wall_s"] >= 0.05 and sleeping["cpu_s"] < 0.02  # waited
    assert busy["cpu_s"] >= 0.03 and busy["wall_s"] >= busy["cpu_s"] - 1e-3  # computed
    assert added == {"calls": 4, "wall_s": 2.0, "cpu_s": 1.0}
    assert diff["wall_s"] >= 0.08 and diff["process_cpu_s"] >= 0.03
    assert "test: never" not in diff["spans"]


def test_a_session_s_worker_counts_its_training_and_publishing():
    from gan_core import RunConfig, TrainingSession

    before = profile.totals()
    session = TrainingSession(RunConfig(seed=1), speed=None)
    try:
        session.step(300)
    finally:
        session.close()
    spans = profile.difference(before, profile.totals())["spans"]
    for name in ("worker: train", "worker: shown fakes", "worker: D accuracy", "worker: publish"):
        assert spans[name]["calls"] >= 1, name
    assert spans["worker: train"]["cpu_s"] > 0
