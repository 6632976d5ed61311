"""`python -m gan_core bench`: the engine against a tutorial's own Keras loop on the same work
in the same process (`--workload x2`, `sinusoids` or `letters`), plus a memory check over a
long session run; for letters, optionally (`--quality-seconds`) the recognisable share the
engine's default reaches and each loop's time to a given share. Prints figures; asserts
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


def engine_speed(steps: int, cfg=None) -> dict:
    from gan_core.config import RunConfig
    from gan_core.gan import GAN

    gan = GAN(cfg or RunConfig(target="x2"))
    t = time.perf_counter()
    gan.warm_up()
    compile_s = time.perf_counter() - t
    gan.train(min(steps, 2))  # the first chunk of a graph loop (image convs) still warms up kernels
    t = time.perf_counter()
    gan.train(steps)
    seconds = time.perf_counter() - t
    return {"engine_steps_per_second": round(steps / seconds, 2), "engine_compile_seconds": round(compile_s, 2)}


class TutorialLoop:
    """A tutorial's own training loop, as written: G.predict for the fakes, D.train_on_batch,
    then the stacked G+D model's train_on_batch on noise labelled real.

    Keras 3 fixes a model's trainable weights when its train step is first traced, so D is
    trainable at its own first call and frozen at the stacked model's first call: the
    tutorials' intent (the trap in SPEC.md would leave D untrained and the comparison unfair).
    `separate`: D trains on the real and the fake batch in two calls (the x² tutorial) rather
    than one (the letters tutorial); `g_batch`: the stacked model's batch."""

    def __init__(self, g, d, make_optimizer, real, noise, batch: int, g_batch: int, separate: bool):
        import keras

        self.g, self.d, self.real, self.noise = g, d, real, noise
        self.batch, self.g_batch, self.separate = batch, g_batch, separate
        d.compile(loss="binary_crossentropy", optimizer=make_optimizer("d"))
        self.gan = keras.Sequential([g, d])
        self.gan.compile(loss="binary_crossentropy", optimizer=make_optimizer("g"))
        self._traced = False

    def iteration(self) -> None:
        b = self.batch
        real = self.real(b)
        fake = self.g.predict(self.noise(b), verbose=0)
        self.d.trainable = True
        if self.separate:
            self.d.train_on_batch(real, np.ones((b, 1)))
            self.d.train_on_batch(fake, np.zeros((b, 1)))
        else:
            self.d.train_on_batch(np.concatenate([real, fake]), np.concatenate([np.ones((b, 1)), np.zeros((b, 1))]))
        self.d.trainable = False
        self.gan.train_on_batch(self.noise(self.g_batch), np.ones((self.g_batch, 1)))

    def speed(self, steps: int) -> float:
        self.iteration()  # the first call builds and traces; not timed, as for the engine
        t = time.perf_counter()
        for _ in range(steps):
            self.iteration()
        return steps / (time.perf_counter() - t)


def _sigmoid_d(cfg):
    """The engine's D for cfg ending in a sigmoid, as the tutorials' Keras models end."""
    import keras

    from gan_core.gan import build_networks

    g, d = build_networks(cfg)
    return g, keras.Model(d.input, keras.layers.Activation("sigmoid")(d.output))


def tutorial_loop(workload: str, seed: int = 0) -> TutorialLoop:
    """The tutorial of this workload, its networks and loop as written."""
    import keras

    from gan_core.config import PRESETS
    from gan_core.targets import get_target

    rng = np.random.default_rng(seed)
    if workload == "x2":
        d = keras.Sequential([keras.Input((2,)), keras.layers.Dense(25, activation="relu", kernel_initializer="he_uniform"),
                              keras.layers.Dense(1, activation="sigmoid")])
        g = keras.Sequential([keras.Input((5,)), keras.layers.Dense(15, activation="relu", kernel_initializer="he_uniform"),
                              keras.layers.Dense(2, activation="linear")])

        def real(n):
            x = rng.uniform(-0.5, 0.5, (n, 1))
            return np.hstack([x, x * x])

        return TutorialLoop(g, d, lambda who: keras.optimizers.Adam(), real, lambda n: rng.standard_normal((n, 5)),
                            64, 128, separate=True)
    cfg = PRESETS[f"{workload}-tutorial"]
    target = get_target(cfg.target)
    g, d = _sigmoid_d(cfg)
    if workload == "sinusoids":  # G by SGD, D by Adam, both 1e-3; batch 32 real + 32 fake
        optimizers = {"g": lambda: keras.optimizers.SGD(1e-3), "d": lambda: keras.optimizers.Adam(1e-3)}
        noise = lambda n: rng.uniform(0.0, 1.0, (n, cfg.latent_size))  # noqa: E731
        return TutorialLoop(g, d, lambda who: optimizers[who](), lambda n: target.sample(rng, n), noise,
                            cfg.batch_size, cfg.batch_size, separate=True)
    # letters: RMSprop, D 2e-4, G 1e-4; D on 64 real + 64 fake in one call; G on 64
    rates = {"g": cfg.g_learning_rate, "d": cfg.d_learning_rate}
    noise = lambda n: rng.uniform(-1.0, 1.0, (n, cfg.latent_size))  # noqa: E731
    return TutorialLoop(g, d, lambda who: keras.optimizers.RMSprop(rates[who]), lambda n: target.sample(rng, n),
                        noise, cfg.batch_size, cfg.batch_size, separate=False)


def tutorial_speed(steps: int, workload: str = "x2") -> float:
    return tutorial_loop(workload).speed(steps)


def tutorial_speed_all_cores(steps: int, workload: str) -> float | None:
    """The tutorial's loop as a user runs it alone: in its own process, TensorFlow free to use
    every core (this process keeps one thread per op, the setting that serves many runs)."""
    import json
    import os
    import subprocess

    code = ("import json, sys; from gan_core.bench import tutorial_speed; "
            f"print(json.dumps(tutorial_speed({int(steps)}, {workload!r})))")
    env = {**os.environ, "GAN_TF_INTRA_THREADS": "0", "TF_CPP_MIN_LOG_LEVEL": "3"}
    try:
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=3600)
        return float(json.loads(done.stdout.strip().splitlines()[-1]))
    except (subprocess.SubprocessError, ValueError, IndexError):
        return None


def time_to_share(share: float, seconds: float, train, fakes, target, every: float = 10.0, asked=None) -> dict:
    """Train (`train()` runs a little) for up to `seconds`, judging `fakes()` every `every` s:
    the first time the recognisable share reaches `share`, and the best and last seen.
    `asked`: the classes a conditional G was asked for, one per fake."""
    from gan_core.metrics import compute_metrics

    start, judged, reached, best, iterations, last = time.perf_counter(), 0.0, None, 0.0, 0, {}
    while True:
        now = time.perf_counter() - start
        if now >= judged + every or now >= seconds:
            judged = now
            last = compute_metrics(target, fakes(), asked)
            best = max(best, last["recognisable_share"])
            if reached is None and last["recognisable_share"] >= share:
                reached = round(now, 1)
            if now >= seconds:
                break
        iterations += train()
    return {"seconds_to_share": reached, "best_share": round(best, 3), "iterations": iterations,
            "last_share": round(last["recognisable_share"], 3),
            "last_classes_covered": last["classes_covered"], "classes_total": last["classes_total"],
            **({"last_asked_class_share": round(last["asked_class_share"], 3)} if asked is not None else {})}


def letters_quality(seconds: float, share: float, tutorial_seconds: float, log=sys.stderr) -> dict:
    """The engine's letters default against the tutorial's loop on its own DCGAN: recognisable
    share after `seconds` of training, and each one's time to `share` (the tutorial's capped
    at `tutorial_seconds`)."""
    from gan_core.gan import GAN
    from gan_core.recommended import recommended_config

    gan = GAN(recommended_config("letters"))
    gan.warm_up()
    print(f"engine letters default, {seconds:g} s of training ...", file=log, flush=True)
    engine = time_to_share(share, seconds, lambda: gan.train(10).iterations, lambda: gan.fake_view(), gan.target,
                           asked=gan.asked(gan.fixed_z))
    loop = tutorial_loop("letters")
    fixed = loop.noise(500)
    print(f"tutorial loop, up to {tutorial_seconds:g} s ...", file=log, flush=True)

    def one():
        loop.iteration()
        return 1

    tutorial = time_to_share(share, tutorial_seconds, one, lambda: loop.g.predict(fixed, verbose=0), gan.target,
                             every=max(10.0, tutorial_seconds / 20))
    report = {"share_goal": share}
    report.update({f"engine_{k}": v for k, v in engine.items()})
    report.update({f"tutorial_{k}": v for k, v in tutorial.items()})
    return report


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


WORKLOADS = ("x2", "sinusoids", "letters")


def workload_config(workload: str):
    from gan_core.config import RunConfig
    from gan_core.recommended import recommended_config

    return RunConfig(target="x2") if workload == "x2" else recommended_config(workload)


def run_bench(steps: int = 20_000, baseline_steps: int = 100, memory_seconds: float = 20.0, workload: str = "x2",
              quality_seconds: float = 0.0, share: float = 0.3, tutorial_seconds: float = 300.0,
              log=sys.stderr) -> dict:
    print(f"engine, {workload} ...", file=log, flush=True)
    report = {"workload": workload, **engine_speed(steps, workload_config(workload))}
    print("tutorial-style loop ...", file=log, flush=True)
    report["tutorial_steps_per_second"] = round(tutorial_speed(baseline_steps, workload), 3)
    report["ratio"] = round(report["engine_steps_per_second"] / report["tutorial_steps_per_second"], 1)
    report["engine_steps"], report["tutorial_steps"] = steps, baseline_steps
    if workload != "x2":
        print("tutorial-style loop alone, on every core ...", file=log, flush=True)
        alone = tutorial_speed_all_cores(baseline_steps, workload)
        report["tutorial_all_cores_steps_per_second"] = None if alone is None else round(alone, 3)
        report["ratio_all_cores"] = None if not alone else round(report["engine_steps_per_second"] / alone, 1)
    if quality_seconds > 0 and workload == "letters":
        report.update(letters_quality(quality_seconds, share, tutorial_seconds, log))
    if memory_seconds > 0:
        print(f"memory over {memory_seconds:g} s of an unlimited session ...", file=log, flush=True)
        report.update(memory_check(memory_seconds))
    return report
