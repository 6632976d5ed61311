"""`python -m gan_core bench`: the engine against the tutorial's own Keras loop, same x²
work, same process, plus a memory check over a long session run. Prints figures; asserts
nothing about time (tests never do)."""
from __future__ import annotations

import gc
import sys
import time

import numpy as np


def _rss_mb() -> float | None:
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def engine_speed(steps: int) -> dict:
    from gan_core.config import RunConfig
    from gan_core.gan import GAN

    gan = GAN(RunConfig(target="x2"))
    t = time.perf_counter()
    gan.warm_up()
    compile_s = time.perf_counter() - t
    t = time.perf_counter()
    gan.train(steps)
    seconds = time.perf_counter() - t
    return {"engine_steps_per_second": round(steps / seconds, 1), "engine_compile_seconds": round(compile_s, 2)}


def tutorial_speed(steps: int) -> float:
    """The x² tutorial's loop as written: predict, then three train_on_batch calls."""
    import keras

    rng = np.random.default_rng(0)
    d = keras.Sequential([keras.Input((2,)), keras.layers.Dense(25, activation="relu", kernel_initializer="he_uniform"),
                          keras.layers.Dense(1, activation="sigmoid")])
    d.compile(loss="binary_crossentropy", optimizer="adam", metrics=["accuracy"])
    g = keras.Sequential([keras.Input((5,)), keras.layers.Dense(15, activation="relu", kernel_initializer="he_uniform"),
                          keras.layers.Dense(2, activation="linear")])
    d.trainable = False
    gan = keras.Sequential([g, d])
    gan.compile(loss="binary_crossentropy", optimizer="adam")

    def real(n):
        x = rng.uniform(-0.5, 0.5, (n, 1))
        return np.hstack([x, x * x]), np.ones((n, 1))

    def fake(n):
        return g.predict(rng.standard_normal((n, 5)), verbose=0), np.zeros((n, 1))

    def iteration():
        d.train_on_batch(*real(64))
        d.train_on_batch(*fake(64))
        gan.train_on_batch(rng.standard_normal((128, 5)), np.ones((128, 1)))

    iteration()  # first call builds and traces; not timed, as for the engine
    t = time.perf_counter()
    for _ in range(steps):
        iteration()
    return steps / (time.perf_counter() - t)


def memory_check(seconds: float) -> dict:
    """Run a session flat out; RSS after the first and the last part should match."""
    from gan_core.session import TrainingSession

    session = TrainingSession()
    session.start()
    session.wait_until(lambda s: s.iteration > 0, timeout=60)
    time.sleep(min(5.0, seconds / 4))
    gc.collect()
    first, first_it = _rss_mb(), session.snapshot().iteration
    time.sleep(seconds)
    gc.collect()
    last, last_it = _rss_mb(), session.snapshot(since=1 << 62).iteration
    history = len(session.snapshot().history)
    session.close()
    return {"memory_iterations": last_it, "memory_rss_mb_start": round(first or 0, 1),
            "memory_rss_mb_end": round(last or 0, 1),
            "memory_rss_growth_mb": round((last or 0) - (first or 0), 1),
            "memory_iterations_between": last_it - first_it, "memory_history_points": history}


def run_bench(steps: int = 20_000, baseline_steps: int = 100, memory_seconds: float = 20.0, log=sys.stderr) -> dict:
    print("engine ...", file=log, flush=True)
    report = engine_speed(steps)
    print("tutorial-style loop ...", file=log, flush=True)
    report["tutorial_steps_per_second"] = round(tutorial_speed(baseline_steps), 2)
    report["ratio"] = round(report["engine_steps_per_second"] / report["tutorial_steps_per_second"], 1)
    report["engine_steps"], report["tutorial_steps"] = steps, baseline_steps
    if memory_seconds > 0:
        print(f"memory over {memory_seconds:g} s of an unlimited session ...", file=log, flush=True)
        report.update(memory_check(memory_seconds))
    return report
