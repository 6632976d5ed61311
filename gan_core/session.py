"""A training session: one run, its state machine and its worker thread.

Commands (start, pause, resume, reset, step, configure, set_speed, close) may come from any
thread. Only the worker touches the models while running; `step` and `reset` touch them
when no worker runs. `snapshot()` never touches TensorFlow: it returns the immutable data
the worker last published, so a web request never waits on training.
"""
from __future__ import annotations

import collections
import threading
import time
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Mapping

import numpy as np

from gan_core.config import LIVE_FIELDS, RunConfig
from gan_core.gan import GAN
from gan_core.metrics import compute_metrics

IDLE, RUNNING, PAUSED, DIVERGED, ERROR = "idle", "running", "paused", "diverged", "error"
STATES = (IDLE, RUNNING, PAUSED, DIVERGED, ERROR)

_PUBLISH_SECONDS = 0.1  # a chunk lasts about this long, so the view refreshes ~10×/s
_METRICS_SECONDS = 1.0
_RATE_WINDOW_SECONDS = 2.0  # the shown it/s is measured on the wall clock over this window
MAX_STEP = 1_000_000


class SessionError(RuntimeError):
    """A command that the session's current state does not allow."""


@dataclass(frozen=True)
class HistoryPoint:
    iteration: int
    d_accuracy_real: float
    d_accuracy_fake: float
    d_loss: float
    g_loss: float


@dataclass(frozen=True)
class Snapshot:
    state: str
    message: str
    iteration: int
    steps_per_second: float
    config: RunConfig
    real: np.ndarray  # fixed real view of this run, read-only
    fake: np.ndarray  # G on the fixed noise batch, read-only
    history: tuple[HistoryPoint, ...]
    metrics: Mapping[str, float] = field(default_factory=dict)
    version: int = 0  # grows with every publication; equal versions mean equal data
    run_id: int = 0  # grows with every reset, so a viewer knows to clear its traces
    compiled: bool = False  # the fused step is compiled: Start trains at once


def _frozen(a: np.ndarray) -> np.ndarray:
    a = np.array(a, dtype=np.float32, copy=True)
    a.setflags(write=False)
    return a


class TrainingSession:
    def __init__(self, config: RunConfig | None = None, *, speed: float | None = None,
                 history_size: int = 1000, precompile: bool = False):
        self._lock = threading.RLock()
        self._gan_lock = threading.Lock()  # held by whoever runs TensorFlow on the models
        self._history: collections.deque[HistoryPoint] = collections.deque(maxlen=history_size)
        self._marks: collections.deque[tuple[float, int]] = collections.deque()  # (time, iteration)
        self._thread: threading.Thread | None = None
        self._closed = False
        self._speed = self._check_speed(speed)
        self._precompile = precompile
        self._run_id = 0
        self._version = 0
        self._rebuild(config or RunConfig(), message="")

    # ---- commands -------------------------------------------------------------------
    def start(self) -> None:
        with self._lock:
            self._check_open()
            if self._state in (DIVERGED, ERROR):
                raise SessionError(f"the run is {self._state}; press Reset to start again")
            if self._state == RUNNING:
                return
            self._set_state(RUNNING, "")
            self._ensure_worker()

    resume = start

    def pause(self, message: str = "") -> None:
        """Stop after the chunk in progress, saying why if it was not the user's choice.
        "Paused" is published only once that chunk is in, so a snapshot that says paused
        carries the final iteration."""
        with self._lock:
            pausing = self._state == RUNNING
            if pausing:
                self._state, self._message = PAUSED, message  # the worker stops at its next check
            worker = self._thread
        self._join(worker)
        if pausing:
            with self._lock:
                self._publish_locked()

    def reset(self, config: RunConfig | None = None, message: str = "") -> None:
        with self._lock:
            self._check_open()
            self._set_state(IDLE, message)
            self._run_id += 1  # the running worker sees this and stops publishing
            worker = self._thread
        self._join(worker)
        self._rebuild(config or self._config, message)

    def step(self, n: int = 1) -> Snapshot:
        """Train exactly n iterations now (pausing a running run first) and publish them."""
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or not 1 <= n <= MAX_STEP:
            raise SessionError(f"steps must be a whole number from 1 to {MAX_STEP:,}; got {n!r}")
        self.pause()
        with self._lock:
            self._check_open()
            if self._state in (DIVERGED, ERROR):
                raise SessionError(f"the run is {self._state}; press Reset to start again")
            if self._state == IDLE:
                self._set_state(PAUSED, "")
            gan, run_id = self._gan, self._run_id
        self._join(self._thread)
        with self._gan_lock:
            self._train_and_publish(gan, run_id, int(n), time.perf_counter())
        return self.snapshot()

    def configure(self, **changes: Any) -> bool:
        """Apply settings (field names or aliases). Learning rates apply live; anything else
        rebuilds the models and resets the run, which goes on if it was running.
        Returns True when the run was reset. Invalid values raise ConfigError, unchanged."""
        with self._lock:
            self._check_open()
            old = self._config
            new = old.replace(**changes)
            changed = new.changed_fields(old)
            if not changed:
                return False
            if changed <= LIVE_FIELDS:
                self._config = new
                self._gan.set_learning_rates(new.g_learning_rate, new.d_learning_rate)
                self._publish_locked()
                return False
            was_running = self._state == RUNNING
        names = ", ".join(sorted(n.replace("_", " ") for n in changed - LIVE_FIELDS))
        self.reset(new, message=f"New {names}: the run was reset.")
        if was_running:
            self.start()
            with self._lock:
                self._message = f"New {names}: the run was reset and goes on."
                self._publish_locked()
        return True

    def set_speed(self, speed: float | None) -> None:
        """Iterations per second, or None for as fast as possible."""
        with self._lock:
            self._speed = self._check_speed(speed)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            if self._state == RUNNING:
                self._set_state(PAUSED, "closed")
            self._run_id += 1
            worker = self._thread
        self._join(worker)

    # ---- queries --------------------------------------------------------------------
    def snapshot(self, since: int = -1) -> Snapshot:
        """The latest published data; history only for iterations after `since`."""
        with self._lock:
            snap = self._snapshot
            history = tuple(p for p in self._history if p.iteration > since)
        return Snapshot(snap.state, snap.message, snap.iteration, snap.steps_per_second,
                        snap.config, snap.real, snap.fake, history, snap.metrics,
                        snap.version, snap.run_id, snap.compiled)

    @property
    def state(self) -> str:
        with self._lock:
            return self._state

    @property
    def config(self) -> RunConfig:
        with self._lock:
            return self._config

    @property
    def speed(self) -> float | None:
        with self._lock:
            return self._speed

    def generator(self):
        """The Keras generator (pause first: it is the live model)."""
        return self._gan.G

    def generate(self, n: int) -> np.ndarray:
        with self._gan_lock:
            return self._gan.generate(n)

    def wait_until(self, predicate, timeout: float = 30.0) -> bool:
        """Poll snapshots until predicate(snapshot) holds; for tests and scripts."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if predicate(self.snapshot(since=1 << 62)):
                return True
            time.sleep(0.02)
        return False

    @property
    def worker_alive(self) -> bool:
        with self._lock:
            return self._thread is not None and self._thread.is_alive()

    # ---- internals ------------------------------------------------------------------
    @staticmethod
    def _check_speed(speed: float | None) -> float | None:
        if speed is None:
            return None
        if isinstance(speed, bool) or not isinstance(speed, (int, float)) or not (0.1 <= speed <= 1e6):
            raise SessionError(f"speed must be from 0.1 to 1,000,000 iterations per second, or unlimited; got {speed!r}")
        return float(speed)

    def _check_open(self) -> None:
        if self._closed:
            raise SessionError("this session is closed")

    def _set_state(self, state: str, message: str) -> None:
        self._state, self._message = state, message
        self._publish_locked()

    def _rebuild(self, config: RunConfig, message: str) -> None:
        gan = GAN(config)
        fake = gan.fake_view()
        real = gan.target.sample(np.random.default_rng(config.seed + 1), len(fake))
        with self._lock:
            self._config, self._gan = config, gan
            self._state, self._message = IDLE, message
            self._real, self._fake = _frozen(real), _frozen(fake)
            self._history.clear()
            self._metrics = MappingProxyType(compute_metrics(gan.target, fake))
            self._rate, self._last_metrics = 0.0, 0.0
            self._marks.clear()
            self._compiled = False
            self._run_id += 1
            self._publish_locked()
            if self._precompile and not self._closed:
                self._ensure_worker()

    def _publish_locked(self) -> None:
        self._version += 1
        self._snapshot = Snapshot(self._state, self._message, self._gan.iteration, self._wall_rate(),
                                  self._config, self._real, self._fake, (), self._metrics,
                                  self._version, self._run_id, self._compiled)

    def _wall_rate(self) -> float:
        """Iterations per second on the wall clock since Start, over the last few seconds:
        what the user sees, pacing and sharing the CPU included."""
        if self._state != RUNNING or len(self._marks) < 2:
            return 0.0
        (t0, i0), (t1, i1) = self._marks[0], self._marks[-1]
        return (i1 - i0) / max(t1 - t0, 1e-9)

    def _ensure_worker(self) -> None:
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(target=self._work, args=(self._gan, self._run_id),
                                            name="gan-session", daemon=True)
            self._thread.start()

    @staticmethod
    def _join(worker: threading.Thread | None) -> None:
        if worker is not None and worker is not threading.current_thread():
            worker.join(timeout=60)

    def _work(self, gan: GAN, run_id: int) -> None:
        try:
            with self._gan_lock:
                gan.warm_up()  # XLA compiles here, once per model, before the first chunk
            with self._lock:
                if self._run_id == run_id:
                    self._marks.clear()  # the shown rate counts from here, compile time excluded
                    self._marks.append((time.perf_counter(), gan.iteration))
                    if not self._compiled:
                        self._compiled = True
                        self._publish_locked()
            while True:
                with self._lock:
                    if self._state != RUNNING or self._run_id != run_id or self._closed:
                        # Decide and deregister under one lock, so start() never sees a
                        # worker that is about to leave.
                        if self._thread is threading.current_thread():
                            self._thread = None
                        return
                    speed = self._speed
                    rate = self._rate
                started = time.perf_counter()
                if speed is None:
                    n = int(np.clip(rate * _PUBLISH_SECONDS, 8, 20_000)) if rate else 64
                else:
                    n = max(1, int(round(speed * _PUBLISH_SECONDS)))
                with self._gan_lock:
                    if not self._train_and_publish(gan, run_id, n, started):
                        return
                if speed is not None:
                    time.sleep(max(0.0, n / speed - (time.perf_counter() - started)))
        except Exception as exc:  # any failure ends this run, never the process
            with self._lock:
                if self._run_id == run_id:
                    self._set_state(ERROR, f"Training failed: {type(exc).__name__}: {exc}")
        finally:
            with self._lock:
                if self._thread is threading.current_thread():
                    self._thread = None

    def _train_and_publish(self, gan: GAN, run_id: int, n: int, started: float) -> bool:
        """Train n iterations and publish; False when the run should stop (diverged)."""
        t0 = time.perf_counter()
        result = gan.train(n)
        fake = gan.fake_view()
        finite = result.finite and bool(np.isfinite(fake).all())
        accuracy = gan.evaluate() if finite else {"d_accuracy_real": float("nan"), "d_accuracy_fake": float("nan")}
        now = time.perf_counter()
        metrics = None
        if finite and now - self._last_metrics >= _METRICS_SECONDS:
            metrics = MappingProxyType(compute_metrics(gan.target, fake))
        with self._lock:
            if self._run_id != run_id:
                return False  # reset meanwhile: this result belongs to a discarded run
            rate = result.iterations / max(now - t0, 1e-9)  # compute only: sizes the next chunk
            self._rate = rate if not self._rate else 0.7 * self._rate + 0.3 * rate
            if self._state == RUNNING:
                self._marks.append((now, gan.iteration))
                while len(self._marks) > 2 and now - self._marks[1][0] >= _RATE_WINDOW_SECONDS:
                    self._marks.popleft()
            self._fake = _frozen(fake) if finite else self._fake
            if metrics is not None:
                self._metrics, self._last_metrics = metrics, now
            self._history.append(HistoryPoint(gan.iteration, accuracy["d_accuracy_real"],
                                              accuracy["d_accuracy_fake"], result.d_loss, result.g_loss))
            if not finite:
                self._set_state(DIVERGED, f"Training diverged at iteration {gan.iteration:,}: a loss or "
                                          "weight became NaN or infinite. Lower the learning rate and press Reset.")
                return False
            self._publish_locked()
        return True
