"""A training session: one run, its state machine and its worker thread.

Commands (start, pause, reset, step, configure, set_speed, close) may come from any thread
and never wait on another command or on a compile: each one records the user's intent
under one lock and returns. A single worker thread per session owns the models; it builds
them, compiles, trains and publishes, always working towards the *latest* intent, so a
Start that arrives while the networks of a new setting are still being built is never
lost (the last command wins). Pause waits at most for the chunk in flight, never for the
worker to exit: a Start arriving meanwhile reuses the worker and Pause still answers.

`snapshot()` never touches TensorFlow: it returns the immutable data the worker last
published, so a web request never waits on training.

A session built with `lazy=True` holds no networks and no thread until it is first
started or stepped: an open tab that never pressed Start costs a few kilobytes.
"""
from __future__ import annotations

import collections
import csv
import dataclasses
import io
import queue
import threading
import time
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Mapping

import numpy as np

from gan_core.config import LIVE_FIELDS, RunConfig, describe_fields
from gan_core.crowd import eligible
from gan_core.gan import GAN, INTRA_OP_THREADS, VIEW_SAMPLES, Explanation
from gan_core.kinds import kind_of
from gan_core.metrics import compute_metrics
from gan_core.profile import span
from gan_core.targets import get_target

IDLE, RUNNING, PAUSED, DIVERGED, ERROR = "idle", "running", "paused", "diverged", "error"
STATES = (IDLE, RUNNING, PAUSED, DIVERGED, ERROR)

_PUBLISH_SECONDS = 0.1  # a chunk lasts about this long, so the view refreshes ~10×/s
_METRICS_SECONDS = 1.0
# D's surface and G's arrows at most this often: a page draws 5-6 frames a second, and a
# class of twenty runs would spend half a core on publications nobody sees
_EXPLAIN_SECONDS = 0.15
_METRICS_SHARE = 10.0  # metrics at most every this many times what they last cost
RATE_WINDOW_SECONDS = 2.0  # the shown it/s is measured on the wall clock over this window
_PAUSE_WAIT_SECONDS = 1.0  # the longest a Pause waits for the chunk in flight
MAX_STEP = 1_000_000
# Blown up: most fakes farther outside the plot than twice its size, chunk after chunk.
FAR_SHARE = 0.5
FAR_CHUNKS = 20
PACE_CATCH_UP_SECONDS = 1.0  # a paced run that fell behind makes up at most this much of its pace
# The timeline keeps at most this many past moments: one every `every` iterations, and when
# full it drops every other one and keeps them twice as far apart (bounded memory, the whole
# run covered). Fakes are kept in float16: a point moves far less than its 1e-3 precision.
TIMELINE_FRAMES = 100
TIMELINE_FIRST_EVERY = 10
# Slow motion: one iteration shown as GAN Lab shows it, phase by phase, each held this long.
SLOW_MOTION_SECONDS = 1.5
SLOW_MOTION_PHASES = (
    "G makes fakes: it turns random noise into samples (the blue crosses).",
    "D scores real and fake samples: the shade says how real it finds each place.",
    "D's loss and its update move the shade: real places redder, the fakes' places bluer.",
    "G's update moves the fakes along the arrows, towards what D finds real. One iteration done.",
)
PHASE_WORDS = {
    "d": "One discriminator step: D scored a batch of real and fake samples and its update moved the surface; "
         "the fakes did not move.",
    "g": "One generator step: G's update moved the fakes along the arrows, towards what D finds real; "
         "the surface did not move.",
}


# A chunk lasts _PUBLISH_SECONDS while few runs train in the process. Each publication costs
# its run a few milliseconds of Python under the GIL, and a page shows at most about 5 frames
# a second: so with more than `_CROWD` runs training the publications grow rarer, up to 3×
# (python -m bench --profile).
_CROWD = 8
_training: set[int] = set()  # ids of the sessions whose worker is training now
_training_lock = threading.Lock()


def training_now() -> int:
    """How many sessions of this process are training (at least 1)."""
    with _training_lock:
        return max(1, len(_training))


def publish_seconds() -> float:
    """How long a chunk lasts now: longer when a crowd trains in this process."""
    return _PUBLISH_SECONDS * min(3.0, max(1.0, training_now() / _CROWD))


class _Spawner:
    """Starts the sessions' worker threads from one thread of its own, made when this module is
    imported. A thread takes its priority from the thread that starts it, and a web server may
    lower its request threads' (app.yield_to_training): a worker that a Start request began
    itself trained at that lower priority, its Python dispatching the compiled steps behind
    their own threads (a lone x² run 5 % slower in the server than headless)."""

    def __init__(self):
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        threading.Thread(target=self._run, name="gan-spawner", daemon=True).start()

    def start(self, thread: threading.Thread) -> None:
        """Start `thread` from the spawner's thread; returns once it has started."""
        done = threading.Event()
        self._queue.put((thread, done))
        done.wait()

    def _run(self) -> None:
        while True:
            thread, done = self._queue.get()
            try:
                thread.start()
            except Exception:  # noqa: BLE001 - the caller sees a thread that never started
                pass
            finally:
                done.set()


_SPAWNER = _Spawner()

RUN_FORMAT = "gan-training-dashboard run"


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
class QualityPoint:
    iteration: int
    metrics: Mapping[str, float]


@dataclass(frozen=True)
class Frame:
    """A kept moment of the run: its fakes and, for 2-D targets, D's surface."""
    iteration: int
    fake: np.ndarray
    surface: np.ndarray | None
    arrows: np.ndarray | None


@dataclass(frozen=True)
class Snapshot:
    state: str
    message: str
    iteration: int
    steps_per_second: float
    config: RunConfig
    real: np.ndarray  # fixed real view of this run, read-only
    fake: np.ndarray  # G on the fixed noise batch, read-only (empty before the networks exist)
    history: tuple[HistoryPoint, ...]
    metrics: Mapping[str, float] = field(default_factory=dict)
    version: int = 0  # grows with every publication; equal versions mean equal data
    run_id: int = 0  # grows with every reset, so a viewer knows to clear its traces
    compiled: bool = False  # the fused step is compiled: Start trains at once
    quality: tuple[QualityPoint, ...] = ()  # objective metrics over time (since `since`)
    off_axes: int = 0  # fakes outside the target's plot ranges
    compute_rate: float = 0.0  # iterations per second the machine manages inside a chunk
    speed: float | None = None  # the pace asked for (None: as fast as possible)
    # kinds that show a few samples (images): D's verdict on the first shown reals and fakes,
    # 0 (surely fake) to 1 (surely real); empty for the others
    d_real: np.ndarray = field(default_factory=lambda: np.zeros(0, np.float32))
    d_fake: np.ndarray = field(default_factory=lambda: np.zeros(0, np.float32))
    # 2-D targets: D's surface, G's gradient arrows and manifold at this moment (None before
    # the networks exist, and for curves and images)
    explanation: Explanation | None = None
    frames: int = 0  # moments kept in the timeline
    d_steps_done: int = 0  # single D and G steps made by the step buttons beyond the iterations
    g_steps_done: int = 0
    slow_motion: bool = False
    phase: int = -1  # in slow motion, the phase of the iteration now shown (SLOW_MOTION_PHASES)


def _frozen(a: np.ndarray) -> np.ndarray:
    a = np.array(a, dtype=np.float32, copy=True)
    a.setflags(write=False)
    return a


def off_axes(target, fake: np.ndarray, margin: float = 0.0) -> np.ndarray:
    """Which fakes lie outside the target's plot ranges, widened by `margin` plot sizes."""
    if target.kind not in ("function", "points") or len(fake) == 0:
        return np.zeros(len(fake), bool)
    (x0, x1), (y0, y1) = target.x_range, target.y_range
    size = max(x1 - x0, y1 - y0) * margin
    x, y = fake[:, 0], fake[:, 1]
    with np.errstate(invalid="ignore"):
        inside = (x >= x0 - size) & (x <= x1 + size) & (y >= y0 - size) & (y <= y1 + size)
    return ~inside


class TrainingSession:
    def __init__(self, config: RunConfig | None = None, *, speed: float | None = None,
                 history_size: int = 1000, precompile: bool = False, lazy: bool = False):
        self._lock = threading.RLock()
        self._chunk_done = threading.Condition(self._lock)
        self._gan_lock = threading.Lock()  # held by whoever runs TensorFlow on the models
        self._history: collections.deque[HistoryPoint] = collections.deque(maxlen=history_size)
        self._quality: collections.deque[QualityPoint] = collections.deque(maxlen=history_size)
        self._marks: collections.deque[tuple[float, int]] = collections.deque()  # (time, iteration)
        self._thread: threading.Thread | None = None
        self._closed = False
        self._speed = self._check_speed(speed)
        self._precompile = precompile
        self._steps_wanted = 0  # iterations asked for by step(), trained by the worker
        self._phases_wanted: list[str] = []  # single D ("d") or G ("g") steps asked for
        self._slow_motion = False
        self._phase = -1
        self._run_id = 0
        self._version = 0
        self._gan = None
        self._gan_run = -1  # the run the models in self._gan belong to
        with self._lock:
            self._new_run_locked(config or RunConfig(), message="", state=IDLE)
        if not lazy:
            with self._gan_lock:
                self._build(self._run_id)
        with self._lock:
            if precompile:
                self._ensure_worker()

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
        """Stop after the chunk in flight, saying why if it was not the user's choice.
        "Paused" is published once that chunk is in, so a snapshot that says paused carries
        the final iteration. Waits at most about a second, and not at all once another
        command (a Start) has changed the state again."""
        with self._lock:
            if self._state != RUNNING:
                return
            self._state, self._message = PAUSED, message  # the worker stops at its next check
            run_id = self._run_id
            deadline = time.monotonic() + _PAUSE_WAIT_SECONDS
            self._chunk_done.notify_all()  # wakes a worker pacing between chunks
            while self._thread is not None and self._state == PAUSED and self._run_id == run_id:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._chunk_done.wait(left)
            if self._state == PAUSED and self._run_id == run_id:
                self._publish_locked()

    def reset(self, config: RunConfig | None = None, message: str = "") -> None:
        """New networks at iteration 0 (with `config` if given), stopped. Answers at once:
        the worker builds the networks; the run's real samples show straight away."""
        with self._lock:
            self._check_open()
            self._new_run_locked(config or self._config, message, IDLE)
            if self._precompile:
                self._ensure_worker()

    def step(self, n: int = 1, timeout: float = 120.0, message: str = "") -> Snapshot:
        """Train exactly n iterations now (pausing a running run first) and publish them;
        `message` is what the status says once they are done."""
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or not 1 <= n <= MAX_STEP:
            raise SessionError(f"steps must be a whole number from 1 to {MAX_STEP:,}; got {n!r}")
        self.pause()
        with self._lock:
            self._check_open()
            if self._state in (DIVERGED, ERROR):
                raise SessionError(f"the run is {self._state}; press Reset to start again")
            self._set_state(PAUSED, message)
            run_id = self._run_id
            goal = self._snapshot.iteration + int(n) if self._gan_run == run_id else int(n)
            self._steps_wanted += int(n)
            self._ensure_worker()
            end = time.monotonic() + timeout
            while (self._steps_wanted and self._run_id == run_id and not self._closed
                   and self._state == PAUSED and time.monotonic() < end):
                self._chunk_done.wait(0.1)
            if self._run_id == run_id and self._state == PAUSED and self._snapshot.iteration < goal:
                raise SessionError("the steps did not finish in time")
        return self.snapshot()

    def step_phase(self, phase: str, timeout: float = 120.0) -> Snapshot:
        """One update of D alone ("d") or G alone ("g") now, pausing a running run first, as
        GAN Lab's step buttons do; the iteration count stays (an iteration is one of each)."""
        if phase not in PHASE_WORDS:
            raise SessionError(f"a single step is of the discriminator ('d') or the generator ('g'); got {phase!r:.20}")
        self.pause()
        with self._lock:
            self._check_open()
            if self._state in (DIVERGED, ERROR):
                raise SessionError(f"the run is {self._state}; press Reset to start again")
            if self._state == IDLE:
                self._set_state(PAUSED, "")
            run_id = self._run_id
            self._phases_wanted.append(phase)
            self._ensure_worker()
            end = time.monotonic() + timeout
            while (self._phases_wanted and self._run_id == run_id and not self._closed
                   and self._state == PAUSED and time.monotonic() < end):
                self._chunk_done.wait(0.1)
            if self._run_id == run_id and self._state == PAUSED and self._phases_wanted:
                raise SessionError("the step did not finish in time")
        return self.snapshot()

    def timeline(self) -> tuple[int, ...]:
        """The iterations of the kept moments, oldest first."""
        with self._lock:
            return tuple(f.iteration for f in self._frames)

    def frame(self, iteration: int) -> Frame | None:
        """The kept moment nearest to an iteration (None before there is any)."""
        with self._lock:
            if not self._frames:
                return None
            return min(self._frames, key=lambda f: abs(f.iteration - iteration))

    def configure(self, message: str | None = None, **changes: Any) -> bool:
        """Apply settings (field names or aliases). Learning rates apply live; anything else
        gives new networks and resets the run, which goes on if it was running; `message`,
        if given, says why in place of the list of changed settings.
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
                if self._gan is not None and self._gan_run == self._run_id:
                    self._gan.set_learning_rates(new.g_learning_rate, new.d_learning_rate)
                self._publish_locked()
                return False
            going_on = self._state == RUNNING
            message = (message or f"New {describe_fields(changed - LIVE_FIELDS)}") + \
                (": the run was reset and goes on." if going_on else ": the run was reset.")
            self._new_run_locked(new, message, RUNNING if going_on else IDLE)
            if going_on or self._precompile:
                self._ensure_worker()
            return True

    def prepare(self) -> None:
        """Build (and if need be compile) the networks now, in the background, so that a
        later Start trains at once; the worker leaves when they are ready."""
        with self._lock:
            self._precompile = True
            self._ensure_worker()

    def release(self, message: str = "") -> None:
        """Give back the networks and the thread (the server needs the place): the run
        returns to iteration 0 with the same settings, lazy until started again."""
        with self._lock:
            self._new_run_locked(self._config, message, IDLE)
            self._gan, self._gan_run, self._precompile = None, -1, False

    def set_slow_motion(self, on: bool) -> None:
        """Train one phase at a time, each held SLOW_MOTION_SECONDS and named in the snapshot
        (`phase`), as GAN Lab's slow motion does; off: back to the Speed setting."""
        with self._lock:
            self._slow_motion = bool(on)
            self._phase = -1
            if self._message in SLOW_MOTION_PHASES:
                self._message = ""
            self._chunk_done.notify_all()  # a worker holding a phase moves on at once
            self._publish_locked()

    def set_speed(self, speed: float | None) -> None:
        """Iterations per second, or None for as fast as possible."""
        with self._lock:
            self._speed = self._check_speed(speed)
            self._publish_locked()

    def close(self) -> None:
        with self._lock:
            self._closed = True
            if self._state == RUNNING:
                self._state, self._message = PAUSED, "closed"
            self._run_id += 1
            self._chunk_done.notify_all()
            worker = self._thread
        if worker is not None and worker is not threading.current_thread():
            worker.join(timeout=60)

    # ---- queries --------------------------------------------------------------------
    def snapshot(self, since: int = -1) -> Snapshot:
        """The latest published data; history only for iterations after `since`."""
        with self._lock:
            snap = self._snapshot
            history = tuple(p for p in self._history if p.iteration > since)
            quality = tuple(p for p in self._quality if p.iteration > since)
        return dataclasses.replace(snap, history=history, quality=quality)

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

    @property
    def started(self) -> bool:
        """Whether this session has networks (it was started, stepped or built eagerly)."""
        with self._lock:
            return self._gan is not None

    def generator(self):
        """The Keras generator (pause first: it is the live model)."""
        return self._models().G

    def generate(self, n: int) -> np.ndarray:
        with self._gan_lock:
            return self._models_locked().generate(n)

    def save_generator(self, path: str) -> None:
        """G in Keras's own format (`keras.models.load_model` reads it back), as it stands
        between two training chunks."""
        with self._gan_lock:
            self._models_locked().G.save(path)

    def samples_csv(self) -> str:
        """The samples the page shows now, real then fake (none before the first iteration),
        one per row: a `source` column, then the kind's own columns (x, y; v0…; p0…)."""
        snap = self.snapshot(since=1 << 62)
        target = get_target(snap.config.target)
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["source", *kind_of(target).csv_header(target)])
        fake = snap.fake if snap.iteration > 0 else snap.fake[:0]
        for source, rows in (("real", snap.real), ("fake", fake)):
            writer.writerows([source, *(f"{v:.6g}" for v in row)] for row in np.asarray(rows).reshape(len(rows), -1))
        return out.getvalue()

    def record(self) -> dict:
        """The run as JSON: settings and seed, where it stands, its history and metrics (the
        dashboard's "download run"; loading it back restores the settings)."""
        snap = self.snapshot()
        return {
            "format": RUN_FORMAT, "version": 1,
            "settings": snap.config.to_dict(), "seed": snap.config.seed,
            "state": snap.state, "iteration": snap.iteration, "speed": snap.speed,
            "metrics": {k: float(v) for k, v in (snap.metrics or {}).items()},
            "history": [dataclasses.asdict(p) for p in snap.history],
            "quality": [{"iteration": q.iteration, "metrics": {k: float(v) for k, v in q.metrics.items()}}
                        for q in snap.quality],
        }

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
            raise SessionError(f"speed must be from 0.1 to 1,000,000 iterations per second, or unlimited; got {speed!r:.40}")
        return float(speed)

    def _check_open(self) -> None:
        if self._closed:
            raise SessionError("this session is closed")

    def _set_state(self, state: str, message: str) -> None:
        self._state, self._message = state, message
        self._publish_locked()

    def _new_run_locked(self, config: RunConfig, message: str, state: str) -> None:
        """A fresh run: iteration 0, no fakes, no history; the worker builds its networks.
        Whatever the worker is doing for the previous run is discarded when it is done."""
        self._run_id += 1
        self._config, self._state, self._message = config, state, message
        target = get_target(config.target)
        self._target = target
        self._crowded = eligible(config, target)  # trains in batches with its shape's other runs
        # the shown real samples (and their classes, which a conditional D judges them with)
        real_rng = np.random.default_rng(config.seed + 1)
        real, labels = target.sample_labelled(real_rng, VIEW_SAMPLES) if target.labelled else \
            (target.sample(real_rng, VIEW_SAMPLES), None)
        self._real = _frozen(real)
        self._real_classes = (self._real, labels)  # one attribute: the worker reads both at once
        self._fake = _frozen(np.zeros((0, target.dim)))
        self._iteration = 0
        self._history.clear()
        self._quality.clear()
        self._metrics = MappingProxyType({})
        self._rate, self._last_metrics, self._far_chunks, self._off_axes = 0.0, 0.0, 0, 0
        self._metrics_cost = 0.0  # seconds the last metrics took
        self._best_rate = 0.0  # the fastest chunk of this run, in iterations per second of training
        self._best_modes = 0  # the most modes this run's fakes have covered
        self._last_explained = 0.0
        self._d_real = self._d_fake = _frozen(np.zeros(0))
        self._marks.clear()
        self._steps_wanted = 0
        self._phases_wanted = []
        self._explanation = None
        self._frames: list[Frame] = []
        self._frame_every = TIMELINE_FIRST_EVERY
        self._single_steps = {"d": 0, "g": 0}
        self._compiled = False
        self._chunk_done.notify_all()
        self._publish_locked()

    def _build(self, run_id: int) -> None:
        """Build this run's networks (under the gan lock, outside the state lock)."""
        with self._lock:
            if self._run_id != run_id:
                return
            config = self._config
        gan = GAN(config)
        fake = gan.fake_view()  # the whole batch: the first metrics judge it
        metrics = MappingProxyType(compute_metrics(gan.target, fake, gan.asked(gan.fixed_z)))  # off the state lock
        explanation = gan.explain(self._real, fake)
        with self._lock:
            if self._run_id != run_id:
                return
            if config != self._config:  # a live learning rate arrived while building
                gan.set_learning_rates(self._config.g_learning_rate, self._config.d_learning_rate)
            self._gan, self._gan_run = gan, run_id
            self._compiled = gan.compiled
            self._metrics = metrics
            self._fake = _frozen(fake)
            self._explanation = explanation
            self._keep_frame(0, fake, explanation)
            self._publish_locked()

    def _keep_frame(self, iteration: int, fake: np.ndarray, explanation: Explanation | None) -> None:
        """Under the lock: keep this moment in the timeline if it is due (see TIMELINE_FRAMES)."""
        if self._frames and iteration < self._frames[-1].iteration + self._frame_every:
            return
        if len(self._frames) >= TIMELINE_FRAMES:
            self._frames = self._frames[::2]
            self._frame_every *= 2
        fake = np.asarray(fake, np.float16)
        fake.setflags(write=False)
        surface = arrows = None
        if explanation is not None:
            surface, arrows = np.asarray(explanation.surface, np.float16), np.asarray(explanation.arrows, np.float16)
        self._frames.append(Frame(iteration, fake, surface, arrows))

    def _models(self):
        with self._gan_lock:
            return self._models_locked()

    def _models_locked(self):
        with self._lock:
            current = self._gan is not None and self._gan_run == self._run_id
            run_id = self._run_id
        if not current:
            self._build(run_id)
        return self._gan

    def _publish_locked(self) -> None:
        self._version += 1
        self._snapshot = Snapshot(self._state, self._message, self._iteration, self._wall_rate(),
                                  self._config, self._real, self._fake, (), self._metrics,
                                  self._version, self._run_id, self._compiled, (), self._off_axes,
                                  self._rate if self._state == RUNNING else 0.0, self._speed,
                                  self._d_real, self._d_fake, self._explanation, len(self._frames),
                                  self._single_steps["d"], self._single_steps["g"], self._slow_motion, self._phase)

    def _wall_rate(self) -> float:
        """Iterations per second on the wall clock since Start, over the last few seconds:
        what the user sees, pacing and sharing the CPU included."""
        if self._state != RUNNING or len(self._marks) < 2:
            return 0.0
        (t0, i0), (t1, i1) = self._marks[0], self._marks[-1]
        return (i1 - i0) / max(t1 - t0, 1e-9)

    def _ensure_worker(self) -> None:  # under self._lock
        if self._closed:
            return
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(target=self._work, name="gan-session", daemon=True)
            _SPAWNER.start(self._thread)

    def _next_job(self):
        """Under the lock: what the worker should do next for the latest intent, or None."""
        if self._closed:
            return None
        run_id = self._run_id
        wants_models = self._state == RUNNING or self._steps_wanted or self._phases_wanted or self._precompile
        if not wants_models:
            return None
        if self._gan_run != run_id:
            return ("build", run_id, 0)
        if not self._compiled:
            return ("compile", run_id, 0)
        if self._phases_wanted:
            return ("phase", run_id, self._phases_wanted[0])
        if self._steps_wanted:
            return ("train", run_id, min(self._steps_wanted, 20_000))
        if self._state != RUNNING:
            return None
        if self._slow_motion:
            return ("slow", run_id, (self._phase + 1) % len(SLOW_MOTION_PHASES))
        rate = self._rate
        # A DCGAN does tens a second, not thousands. Judged by the best rate this run (or any run
        # of its network shape in this process) has shown:
        # a crowd's load lowers the others, and a fast model judged slow would get small
        # chunks, which under that load measure slower still.
        slow = bool(self._best_rate) and self._best_rate * _PUBLISH_SECONDS < 8
        period = publish_seconds()
        # A pace the machine cannot keep trains as flat out. For a run that trains alone (not
        # in a crowd's batch) that is judged by its present rate too: ten letters runs, each
        # 70-100 it/s alone, judged fast by that best, took chunks of 1,000/s × a publication's
        # time, 150 iterations, and at 7 it/s each under the load their pages stood still for
        # 20 s.
        behind = (slow or (rate and not self._crowded)) and self._speed is not None and self._speed >= rate
        if self._speed is not None and not behind:
            # Paced: a chunk is what the pace asks for in a publication's time; a slow model's
            # never more than it does in that time. A fast model's is not cut to its rate under
            # a crowd's load: smaller chunks there cost the same publication each, for less.
            pace = min(self._speed, rate) if slow else self._speed if rate else min(self._speed, 80.0)
            return ("train", run_id, max(1, int(round(pace * period))))
        # Flat out (max speed, or a pace the machine cannot keep): a publication every period;
        # every two for a slow model, whose few iterations would otherwise cost no more than
        # the publication after them (a letters DCGAN: 9 it/s instead of 17).
        if not rate:
            return ("train", run_id, 8)
        # Never below this run's fair share of the cores: a run whose chunks met a queue
        # measured slow, got smaller chunks, paid a publication for less, and fell behind (20
        # tabs at max speed: the slowest 129 it/s, the median 555).
        share = self._best_rate * min(1.0, INTRA_OP_THREADS / training_now())
        # In a crowd (gan_core/crowd.py) every run takes that share, not its own last rate:
        # chunks of one length train in one batch, and a run that met a small batch (so
        # measured fast) would otherwise get longer chunks, and more than its share
        crowded = self._crowded and share and training_now() > INTRA_OP_THREADS
        rate = share if crowded else max(rate, share)
        seconds = period if rate * _PUBLISH_SECONDS >= 8 else 2 * period
        return ("train", run_id, int(np.clip(rate * seconds, 1, 20_000)))

    def _work(self) -> None:
        me = threading.current_thread()
        pace = (None, 0, 0.0)  # (speed, run, when the last paced chunk was due to end)
        while True:
            with self._lock:
                job = self._next_job()
                with _training_lock:
                    (_training.add if job is not None and job[0] == "train" else _training.discard)(id(self))
                if job is None:
                    # Decide and deregister under one lock, so start() never sees a worker
                    # that is about to leave.
                    if self._thread is me:
                        self._thread = None
                    self._chunk_done.notify_all()
                    return
                kind, run_id, n = job
                paced = kind == "train" and not self._steps_wanted and self._speed is not None
                speed = self._speed
                if kind == "slow":  # a phase is held for a fixed time, whatever the Speed
                    paced, speed = True, 1.0 / SLOW_MOTION_SECONDS
                if not paced or kind == "slow":
                    pace = (None, 0, 0.0)  # a step, a build or slow motion: the pace starts again
            started = time.perf_counter()
            try:
                with self._gan_lock:
                    if kind == "build":
                        self._build(run_id)
                    elif kind == "compile":
                        self._compile(run_id)
                    elif kind == "phase":
                        self._train_and_publish(self._gan, run_id, 0, phase=n)
                    elif kind == "slow":
                        self._slow_phase(self._gan, run_id, n)
                    else:
                        self._train_and_publish(self._gan, run_id, n)
            except Exception as exc:  # any failure ends this run, never the process
                with self._lock:
                    if self._run_id == run_id:
                        self._steps_wanted = 0
                        self._phases_wanted = []
                        self._set_state(ERROR, f"Training failed: {type(exc).__name__}: {str(exc)[:300]}")
            finally:
                with self._lock:
                    self._chunk_done.notify_all()
            if paced:  # wait out the pace, waking at once for a Pause or a reset
                if kind == "slow":
                    end = started + 1 / speed
                else:
                    # Due after the last chunk's due time, not after this one's start: a chunk
                    # that ran late (its batch was slow, the machine busy) is made up by the
                    # next ones, up to PACE_CATCH_UP_SECONDS behind, so the run keeps its Speed
                    same = pace[:2] == (speed, run_id)
                    begin = max(pace[2], started - PACE_CATCH_UP_SECONDS) if same else started
                    end = begin + n / speed
                    pace = (speed, run_id, end)
                with span("worker: waiting for its pace"), self._lock:
                    while (self._state == RUNNING and self._run_id == run_id and not self._closed
                           and (kind != "slow" or self._slow_motion) and end - time.perf_counter() > 0):
                        self._chunk_done.wait(end - time.perf_counter())
                    if self._state != RUNNING or self._run_id != run_id:
                        pace = (None, 0, 0.0)  # paused or reset: no catching up on that time

    def _slow_phase(self, gan, run_id: int, phase: int) -> None:
        """One phase of a slow-motion iteration: the first two only say what happens (G's fakes
        and D's verdict are already on screen), the third is D's update, the fourth G's,
        which completes the iteration."""
        if phase == 2:
            self._train_and_publish(gan, run_id, 0, phase="d", slow=True)
        elif phase == 3:
            self._train_and_publish(gan, run_id, 0, phase="g", slow=True)
        with self._lock:
            if self._run_id == run_id and self._slow_motion:
                self._phase = phase
                self._message = SLOW_MOTION_PHASES[phase]
                self._publish_locked()

    def _compile(self, run_id: int) -> None:
        gan = self._gan
        gan.warm_up()  # XLA compiles here, once per network shape, before the first chunk
        with self._lock:
            if self._run_id == run_id:
                self._marks.clear()  # the shown rate counts from here, compile time excluded
                self._marks.append((time.perf_counter(), gan.iteration))
                self._compiled = True
                self._publish_locked()

    def _train_and_publish(self, gan, run_id: int, n: int, phase: str | None = None, slow: bool = False) -> None:
        """Train n iterations (or one D or G step: `phase`; in slow motion the G step completes
        an iteration) and publish; a run that blew up pauses as diverged."""
        t0 = time.perf_counter()
        with span("worker: train"):
            result = gan.train(n) if phase is None else gan.step_phase(phase, completes_iteration=slow and phase == "g")
        trained = time.perf_counter()
        # A kind may show fewer fakes than the metrics judge (a grid of images, not 500): the
        # whole fixed batch is generated only when the metrics are due.
        kind = kind_of(gan.target)
        shown = kind.SHOWN
        with span("worker: shown fakes"):
            fake = gan.fake_view(shown)
        finite = result.finite and bool(np.isfinite(fake).all())
        nan = float("nan")
        with span("worker: D accuracy"):
            accuracy = gan.evaluate(kind.EVALUATED) if finite else {"d_accuracy_real": nan, "d_accuracy_fake": nan}
        now = time.perf_counter()
        metrics = None
        # The metrics every second, or rarer when they are dear (an image judge under a
        # classroom's load): they never take more than a tenth of the run's time.
        if finite and now - self._last_metrics >= max(_METRICS_SECONDS, _METRICS_SHARE * self._metrics_cost):
            with span("worker: metrics"):
                judged = fake if shown is None else gan.fake_view()
                metrics = MappingProxyType(compute_metrics(gan.target, judged, gan.asked(gan.fixed_z[:len(judged)])))
            self._metrics_cost = time.perf_counter() - now
            now = time.perf_counter()
        # Outside the plot (said in the status), and far outside it (a run blowing up): both
        # measured here, off the state lock.
        if finite and shown is not None:
            with span("worker: verdicts"):
                real, labels = self._real_classes
                d_real, d_fake = gan.verdicts(real[:shown], fake, None if labels is None else labels[:shown])
        explain = finite and (phase is not None or time.perf_counter() - self._last_explained >= _EXPLAIN_SECONDS)
        explanation = None
        if explain:
            with span("worker: surface and arrows"):
                explanation = gan.explain(self._real, fake)
        outside = int(off_axes(gan.target, fake).sum()) if finite else 0
        far = float(off_axes(gan.target, fake, margin=2.0).mean()) if finite and len(fake) else 0.0
        with span("worker: publish"), self._lock:
            if self._run_id != run_id:
                return  # reset meanwhile: this result belongs to a discarded run
            if phase is not None and not slow:
                if self._phases_wanted:
                    self._phases_wanted.pop(0)
                self._single_steps[phase] += 1
                self._message = PHASE_WORDS[phase] if self._state == PAUSED else self._message
            elif self._steps_wanted:
                self._steps_wanted = max(0, self._steps_wanted - result.iterations)
            # Training alone sizes the next chunk. Counting the publication's own cost here too
            # made a crowd spiral down: slow chunks, smaller chunks, the same cost per chunk,
            # until twenty runs did one iteration a chunk (2 it/s each).
            if phase is None:
                rate = result.iterations / max(trained - t0, 1e-9)
                self._rate = rate if not self._rate else 0.7 * self._rate + 0.3 * rate
                # the best of every run of this network shape: one run's chunks slowed by a
                # crowd's start never make a fast model look slow (small chunks, then stuck)
                self._best_rate = max(self._best_rate, gan.note_rate(rate))
            self._iteration = gan.iteration
            if self._state == RUNNING:
                self._marks.append((now, gan.iteration))
                while len(self._marks) > 2 and now - self._marks[1][0] >= RATE_WINDOW_SECONDS:
                    self._marks.popleft()
            if finite:
                self._fake = _frozen(fake)
                if explanation is not None:
                    self._explanation, self._last_explained = explanation, time.perf_counter()
                self._keep_frame(gan.iteration, fake, self._explanation)
                self._off_axes = outside
                if shown is not None:
                    self._d_real, self._d_fake = _frozen(d_real), _frozen(d_fake)
            if metrics is not None:
                if "modes_covered" in metrics:  # the best so far, so a drop can be named
                    self._best_modes = max(self._best_modes, metrics["modes_covered"])
                    metrics = MappingProxyType({**metrics, "modes_covered_best": self._best_modes})
                self._metrics, self._last_metrics = metrics, now
                self._quality.append(QualityPoint(gan.iteration, metrics))
            if result.iterations:  # the charts count iterations; a single D or G step is not one
                self._history.append(HistoryPoint(gan.iteration, accuracy["d_accuracy_real"],
                                                  accuracy["d_accuracy_fake"], result.d_loss, result.g_loss))
            self._far_chunks = self._far_chunks + 1 if far > FAR_SHARE else 0
            if not finite:
                self._diverge(f"Training diverged at iteration {gan.iteration:,}: a loss or weight became "
                              "NaN or infinite.")
            elif self._far_chunks >= FAR_CHUNKS:
                self._diverge(f"Training diverged at iteration {gan.iteration:,}: {far:.0%} of the fake "
                              "samples flew far off the plot and stayed there.")
            else:
                self._publish_locked()

    def _diverge(self, what: str) -> None:
        self._steps_wanted = 0
        self._phases_wanted = []
        lr = max(self._config.g_learning_rate, self._config.d_learning_rate)
        self._set_state(DIVERGED, f"{what} Try a learning rate below {lr:g} (0.001 is safe), then press Reset.")

