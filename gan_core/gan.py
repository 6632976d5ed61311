"""The GAN: G, D, their optimizer states and one fused, XLA-compiled train step.

Python runs once per chunk: `train(n)` runs n iterations inside one `tf.function` whose
loop bound is a tensor (`while i < n`), so XLA compiles once and any chunk length reuses
it. The step takes the run's weights and optimizer state as arguments (Keras's
`stateless_call` runs a template model on them), so it is traced and compiled once per
network shape and shared by every run in the process: a second run of the same shape
starts at once. Real data is drawn with NumPy from the run's own generator (the same
samplers the metrics use); latent noise is drawn in-graph with stateless ops seeded per chunk.

MLP runs of points, functions and values go one step further (gan_core/crowd.py): the runs
of one shape whose chunks are due together train in one batched step, each on its own
weights, data and noise; a run alone trains in that step too, so its numbers never depend on
who else trains in the process.
"""
from __future__ import annotations

import collections
import dataclasses
import os
import threading
from dataclasses import dataclass

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))  # the cores this process may use (a container's share)
    except AttributeError:
        return os.cpu_count() or 1


# Threads (issue "a class at full speed", measured with `python -m bench --profile`): XLA runs
# a compiled step on TensorFlow's intra-op thread pool. With one thread there, every run of the
# process queued for it: two runs in two threads each trained at half speed, and twenty tabs
# used 1.0 of 2 cores. A thread per core lets each core train a run of its own; a run alone
# pays for it, about a fifth of its speed (the idle thread spins), so one-run processes (the
# command line) keep one. XLA's own splitting of an op across threads stays on: turning it
# off changes the numbers a seed gives, and the tiny matmuls here are never split anyway.
INTRA_OP_THREADS = int(os.environ.get("GAN_TF_INTRA_THREADS", "0")) or _cores()

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402


def _set_threads() -> None:
    try:  # only possible before TensorFlow initialises
        tf.config.threading.set_intra_op_parallelism_threads(INTRA_OP_THREADS)
    except RuntimeError:
        pass


_set_threads()

from gan_core.config import RunConfig  # noqa: E402
from gan_core.losses import LOSSES  # noqa: E402
from gan_core.models import classes  # noqa: E402
from gan_core.kinds import kind_of  # noqa: E402
from gan_core.optimizers import OptimizerState, apply  # noqa: E402
from gan_core.targets import get_target  # noqa: E402

# Real samples pre-drawn per chunk are capped so a chunk's buffer stays small (~1 MB).
_MAX_CHUNK_VALUES = 1 << 18
VIEW_SAMPLES = 500  # size of the fixed noise batch whose fakes the dashboard shows
EVALUATE_SAMPLES = 200
_MAX_SHARED_STEPS = 16  # network shapes whose compiled step stays in memory
SURFACE_GRID = 40  # D's decision surface: its output on this many points a side of the plot
ARROWS = 100  # gradient arrows on the first this many shown fakes: readable, not a thicket
MANIFOLD_LINES = 11  # G's manifold: a grid of this many lines each way (2-D latent or a slice)
MANIFOLD_POINTS = 25  # points along each line
# The span of latent values the manifold draws, per noise distribution
LATENT_SPAN = {"gaussian": (-2.0, 2.0), "uniform": (-1.0, 1.0), "uniform01": (0.0, 1.0)}
_CLASS_STREAM = 1 << 61  # added to a noise seed's first half: the classes' own random stream


def view_classes(n: int, classes: int, shown: int | None) -> np.ndarray | None:
    """The classes the fixed noise asks for: in turn, so every class has its share of the
    fakes the metrics judge; the first `shown` (a grid) spread over all the classes when
    there are more of them than cells, else cycling through them."""
    if not classes:
        return None
    labels = np.arange(n) % classes
    if shown and classes > shown:
        labels[:shown] = np.arange(min(shown, n)) * classes // shown
    return labels


@dataclass(frozen=True)
class ChunkResult:
    iterations: int
    d_loss: float
    g_loss: float
    finite: bool
    d_updates: float = 1.0  # share of the iterations in which D (G) updated: below 1 when balanced
    g_updates: float = 1.0


@dataclass(frozen=True)
class Explanation:
    """Why the samples move, for 2-D targets (points and functions), at one moment.

    `surface[i, j]`: how real D finds the point (xs[j], ys[i]), 0 (surely fake) to 1 (surely
    real), as its loss reads its score; `arrows[k]`: the step G's loss pushes the k-th shown
    fake, the negative gradient of G's loss with respect to that sample (relative sizes
    count); `manifold`: G on a latent grid, shape (lines, points, 2), the lines running
    along the first latent coordinate and, for a 2-D grid, `manifold_cross` along the second;
    `manifold_slice`: the latent has more than two coordinates, so the grid is the slice
    through the first two with the rest at the centre of their range."""
    xs: np.ndarray
    ys: np.ndarray
    surface: np.ndarray
    arrows: np.ndarray
    manifold: np.ndarray
    manifold_cross: np.ndarray
    manifold_slice: bool


def surface_axes(target, n: int = SURFACE_GRID) -> tuple[np.ndarray, np.ndarray]:
    return (np.linspace(*target.x_range, n).astype(np.float32), np.linspace(*target.y_range, n).astype(np.float32))


def latent_grid(latent_size: int, dist: str) -> tuple[np.ndarray, np.ndarray | None]:
    """Latent points for the manifold: one line for a 1-D latent; for more, a grid of lines
    along the first and along the second coordinate (the others at the centre)."""
    low, high = LATENT_SPAN[dist]
    if latent_size == 1:  # one line: drawn finely
        return np.linspace(low, high, 4 * MANIFOLD_POINTS, dtype=np.float32)[None, :, None], None
    along = np.linspace(low, high, MANIFOLD_POINTS, dtype=np.float32)
    across = np.linspace(low, high, MANIFOLD_LINES, dtype=np.float32)
    rows = np.full((MANIFOLD_LINES, MANIFOLD_POINTS, latent_size), 0.5 * (low + high), np.float32)
    rows[:, :, 0] = along[None, :]
    rows[:, :, 1] = across[:, None]
    cols = rows.copy()
    cols[:, :, 0], cols[:, :, 1] = rows[:, :, 1], rows[:, :, 0]
    return rows, cols


class GAN:
    def __init__(self, cfg: RunConfig, crowd: bool = True):
        self.cfg = cfg
        self.target = get_target(cfg.target)
        self.loss = LOSSES[cfg.loss]
        self.rng = np.random.default_rng(cfg.seed)
        self.G, self.D = build_networks(cfg)
        self.g_opt = OptimizerState.create(cfg.g_optimizer, cfg.g_learning_rate, self.G.trainable_variables)
        self.d_opt = OptimizerState.create(cfg.d_optimizer, cfg.d_learning_rate, self.D.trainable_variables)
        self.max_chunk = max_chunk(cfg, self.target.dim)
        # A conditional run asks G for a class: its noise, and D's samples, end in the class's
        # one-hot numbers
        self.classes = classes(cfg, self.target)
        # D's real samples: fresh draws, or a fixed training set drawn once for this seed
        self._draw_real = self._labelled_real if self.classes else self.target.training_sampler(cfg.seed)
        self._real = np.zeros((self.max_chunk, cfg.d_steps, cfg.batch_size * cfg.packing,
                               self.target.dim + self.classes), np.float32)
        # one batch, so the fake dots move smoothly; a conditional run's asks for the classes in
        # turn, the first few (those a grid shows) spread over all of them
        self.fixed_z = self.latent(VIEW_SAMPLES, labels=view_classes(VIEW_SAMPLES, self.classes,
                                                                     kind_of(self.target).SHOWN))
        self.iteration = 0
        self.pretrained = 0  # D-only steps done of cfg.d_pretrain
        self._step = shared_step(cfg)
        # Trained in batches with the other runs of its shape (gan_core.crowd), if it can be
        self._crowd = self._step.crowd if crowd else None
        # The underlying tf.Variables: the shared step reads and writes them in place. The
        # non-trainable ones (dropout's seed state, batch-norm statistics) are this run's too.
        self._state = ([v.value for v in self.G.trainable_variables], [v.value for v in self.D.trainable_variables],
                       self.g_opt.variables, self.d_opt.variables,
                       [v.value for v in self.G.non_trainable_variables],
                       [v.value for v in self.D.non_trainable_variables])

    # ---- sampling -------------------------------------------------------------------
    def latent(self, n: int, rng: np.random.Generator | None = None, labels: np.ndarray | None = None) -> np.ndarray:
        """n noise vectors; for a conditional run each followed by a class's one-hot numbers
        (`labels`, or classes drawn at random)."""
        rng = rng or self.rng
        if self.cfg.latent_dist != "gaussian":
            low = 0.0 if self.cfg.latent_dist == "uniform01" else -1.0
            z = rng.uniform(low, 1.0, (n, self.cfg.latent_size)).astype(np.float32)
        else:
            z = rng.standard_normal((n, self.cfg.latent_size)).astype(np.float32)
        if not self.classes:
            return z
        labels = rng.integers(0, self.classes, n) if labels is None else np.asarray(labels)
        return np.concatenate([z, self.one_hot(labels)], axis=1)

    def one_hot(self, labels: np.ndarray) -> np.ndarray:
        return np.eye(self.classes, dtype=np.float32)[np.asarray(labels, np.int64)]

    def asked(self, z: np.ndarray) -> np.ndarray | None:
        """The classes these noise vectors ask G for (None: not a conditional run)."""
        return np.asarray(z)[:, self.cfg.latent_size:].argmax(axis=1) if self.classes else None

    def labelled(self, samples: np.ndarray, labels: np.ndarray) -> np.ndarray:
        """Samples as a conditional D takes them: each followed by its class's one-hot numbers."""
        return np.concatenate([np.asarray(samples, np.float32), self.one_hot(labels)], axis=1)

    def _labelled_real(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return self.labelled(*self.target.sample_labelled(rng, n))

    def generate(self, n: int | None = None, z: np.ndarray | None = None) -> np.ndarray:
        z = self.latent(n) if z is None else z
        g_w, _, _, _, g_nt, _ = self._state
        out = []
        for start in range(0, len(z), 4096):  # compiled: a tenth of an eager Keras call's cost
            out.append(self._step.generate(g_w, g_nt, np.asarray(z[start:start + 4096], np.float32)).numpy())
        return np.concatenate(out) if out else np.zeros((0, self.target.dim), np.float32)

    def fake_view(self, n: int | None = None) -> np.ndarray:
        """G on the fixed noise batch (its first n vectors, if given)."""
        return self.generate(z=self.fixed_z[:n])

    # ---- training -------------------------------------------------------------------
    def set_learning_rates(self, g: float, d: float) -> None:
        self.g_opt.learning_rate.assign(g)
        self.d_opt.learning_rate.assign(d)
        self.cfg = self.cfg.replace(g_learning_rate=g, d_learning_rate=d)

    def annealing(self) -> float:
        """The share of the set learning rates in use now: 1, or less once `lr_halflife`
        has halved them (counted in iterations)."""
        return self.cfg.annealing(self.iteration)

    @property
    def compiled(self) -> bool:
        """The shared step of this network shape is compiled: training starts at once."""
        return self._step.compiled

    def note_rate(self, rate: float) -> float:
        """Record a chunk's training speed; the best any run of this network shape has shown
        in this process (what the model can do, whatever load one run met)."""
        self._step.best_rate = max(self._step.best_rate, float(rate))
        return self._step.best_rate

    def warm_up(self) -> None:
        """Compile the fused step without training (a zero-length chunk), and trace the single
        G step (tracing only: it would train), so a first G-step button answers at once."""
        if self._crowd is not None:
            self._crowd.train(self._state, self._real, 0, (0, 0))
        else:
            self._step.chunk(*self._state, self._real, tf.constant(0), tf.constant(0, tf.int64), tf.constant(True))
        self._step.g_only.prepare(*self._state, tf.constant(0, tf.int64))
        self._step.compiled = True

    def train(self, n: int) -> ChunkResult:
        """Run n iterations, in as many chunks as needed; losses are the last chunk's means.
        A run with `d_pretrain` first trains D alone that many steps (not counted)."""
        while self.pretrained < self.cfg.d_pretrain:
            k = min(self.max_chunk, self.cfg.d_pretrain - self.pretrained)
            result = self._chunk(k, train_g=False)
            self.pretrained += k
            if not result.finite:
                return ChunkResult(0, result.d_loss, result.g_loss, False)
        result = ChunkResult(0, float("nan"), float("nan"), True)
        # Equal pieces (700 = 350 + 350, not 512 + 188): in a crowd, pieces of one length
        # train in one batch, and a short remainder would wait for a batch of its own
        pieces = -(-n // self.max_chunk)
        done = 0
        while done < n:
            k = min(-(-n // pieces), n - done)
            chunk = self._chunk(k)
            done += k
            self.iteration += k
            result = dataclasses.replace(chunk, iterations=done)
            if not result.finite:
                break
        return result

    def _chunk(self, k: int, train_g: bool = True) -> ChunkResult:
        flat = self._draw_real(self.rng, k * self.cfg.d_steps * self.cfg.batch_size * self.cfg.packing)
        self._real[:k] = flat.reshape(self._real[:k].shape)
        if self._crowd is not None:
            key = tuple(int(x) for x in self.rng.integers(0, 2**32, 2))
            d, g, finite = self._crowd.train(self._state, self._real, k, key, train_g)
            return ChunkResult(k, d, g, finite, 1.0, float(train_g))
        seed = int(self.rng.integers(0, 2**62))
        d, g, finite, d_share, g_share = self._step.chunk(
            *self._state, self._real, tf.constant(k), tf.constant(seed, tf.int64), tf.constant(train_g))
        return ChunkResult(k, float(d), float(g), bool(finite), float(d_share), float(g_share))

    def step_phase(self, phase: str, completes_iteration: bool = False) -> ChunkResult:
        """One update of D alone ("d") or of G alone ("g"), for step-by-step teaching. The
        iteration count does not move (an iteration is one of each), unless this G step
        completes one that a D step began (slow motion)."""
        if phase == "d":
            return dataclasses.replace(self._chunk(1, train_g=False), iterations=0)
        if phase != "g":
            raise ValueError(f"phase must be 'd' or 'g'; got {phase!r}")
        seed = int(self.rng.integers(0, 2**62))
        g_loss, finite = self._step.g_only(*self._state, tf.constant(seed, tf.int64))
        if completes_iteration:
            self.iteration += 1
        return ChunkResult(int(completes_iteration), float("nan"), float(g_loss), bool(finite), 0.0, 1.0)

    def overview(self) -> tuple:
        """G and D in words (see `networks_overview`)."""
        return networks_overview(self.G, self.D)

    # ---- evaluation -----------------------------------------------------------------
    def explain(self, real: np.ndarray, fake: np.ndarray) -> Explanation | None:
        """D's surface, G's gradient arrows on the first ARROWS fakes and G's manifold, for a
        2-D target; None for curves and images. `real` and `fake` are the shown samples
        (a critic's scores are read against their means)."""
        if self.target.kind not in ("function", "points") or not len(fake):
            return None
        xs, ys = surface_axes(self.target)
        grid = np.stack(np.meshgrid(xs, ys), axis=-1).reshape(-1, 2)
        rows, cols = latent_grid(self.cfg.latent_size, self.cfg.latent_dist)
        z = rows.reshape(-1, self.cfg.latent_size) if cols is None else \
            np.concatenate([rows, cols]).reshape(-1, self.cfg.latent_size)
        m = self.cfg.packing  # a packed D judges whole packs: the arrows' fakes make whole packs
        shown = np.asarray(fake[:ARROWS - ARROWS % m], np.float32)
        real = np.asarray(real[:len(real) - len(real) % m], np.float32)
        g_w, d_w, _, _, g_nt, d_nt = self._state
        grid_s, real_s, fake_s, manifold, push = (t.numpy() for t in self._step.explain(
            g_w, d_w, g_nt, d_nt, grid, real, shown, z))
        real_mean, fake_mean = float(real_s.mean()), float(fake_s.mean())
        surface = self.loss.realness(grid_s.reshape(len(ys), len(xs)), real_mean, fake_mean)
        lines = len(rows)
        manifold = manifold.reshape(-1, rows.shape[1], 2)
        return Explanation(xs, ys, surface.astype(np.float32), push.astype(np.float32),
                           manifold[:lines], manifold[lines:], self.cfg.latent_size > 2)

    def evaluate(self, n: int = EVALUATE_SAMPLES) -> dict[str, float]:
        """D accuracy on n fresh real and n fresh fake samples (the tutorial used 100 + 100)."""
        n -= n % self.cfg.packing  # whole packs: a packed D's accuracy is on packs
        real_s, fake_s, threshold = self._scores(self._draw_real(self.rng, n), self.latent(n))
        return {"d_accuracy_real": float((real_s > threshold).mean()),
                "d_accuracy_fake": float((fake_s <= threshold).mean())}

    def verdicts(self, real: np.ndarray, fake: np.ndarray,
                 real_labels: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """How real D finds these real and fake samples (G's, already drawn), from 0 (surely
        fake) to 1 (surely real): its score past its decision threshold, squashed. A
        conditional D judges the real ones with their classes (`real_labels`) and the fakes
        with those the fixed noise asked for (they are its first fakes)."""
        g_w, d_w, _, _, g_nt, d_nt = self._state
        if self.classes:
            real = self.labelled(real, real_labels)
            fake = self.labelled(fake, self.asked(self.fixed_z[:len(fake)]))
        both = np.concatenate([real, fake]).astype(np.float32)
        scores = self._step.judge(d_w, d_nt, both).numpy().ravel()
        real_s, fake_s = scores[:len(real)], scores[len(real):]
        threshold = self._threshold(real_s, fake_s)
        return tuple(1.0 / (1.0 + np.exp(-np.clip(s - threshold, -30, 30))) for s in (real_s, fake_s))

    def _scores(self, real: np.ndarray, z: np.ndarray):
        g_w, d_w, _, _, g_nt, d_nt = self._state
        scores = self._step.scores(g_w, d_w, g_nt, d_nt, np.asarray(real, np.float32), z)
        real_s, fake_s = (s.numpy().ravel() for s in scores)
        return real_s, fake_s, self._threshold(real_s, fake_s)

    def _threshold(self, real_s: np.ndarray, fake_s: np.ndarray) -> float:
        """The score above which D says "real": the loss's own, or for a critic midway between
        its mean scores."""
        if self.loss.threshold is not None:
            return self.loss.threshold
        return 0.5 * (float(real_s.mean()) + float(fake_s.mean()))


_ACTIVATION_LAYERS = {"LeakyReLU": "leaky ReLU", "ReLU": "ReLU", "Activation": "",
                      "BatchNormalization": "batch norm"}


def _size(shape) -> str:
    """A layer's output shape without the batch: "16", "7×7×256"."""
    return "×".join(str(d) for d in tuple(shape)[1:])


def networks_overview(G, D) -> tuple:
    """G and D in words for the page's model diagram: per network (name, its layers as
    (kind, output size, parameters), total parameters); only layers that compute, each with
    the activation and normalisation that follow it."""
    out = []
    for name, model in (("G", G), ("D", D)):
        layers = []
        for layer in model.layers:
            kind = type(layer).__name__
            if kind == "InputLayer":
                layers.append(("input", _size(layer.output.shape), 0))
                continue
            params = int(sum(np.prod(w.shape) for w in layer.weights))
            if kind in ("Dropout", "Rescaling", "Reshape", "Flatten", "Columns", "Concatenate", "Dot", "Add") \
                    and not params:  # reshaping, or a conditional net's joining of sample and class
                continue
            act = getattr(getattr(layer, "activation", None), "__name__", "")
            if kind in _ACTIVATION_LAYERS and layers:  # said with the layer it follows
                words, size, count = layers[-1]
                layers[-1] = (f"{words} · {_ACTIVATION_LAYERS[kind] or act}", size, count + params)
                continue
            words = kind if act in ("", "linear") else f"{kind} · {act}"
            if "_class_" in layer.name:  # a conditional net's class embedding
                words += " (class)"
            layers.append((words, _size(layer.output.shape), params))
        out.append((name, tuple(layers), int(model.count_params())))
    return tuple(out)


_overviews: collections.OrderedDict[RunConfig, tuple] = collections.OrderedDict()


def describe_networks(cfg: RunConfig) -> tuple:
    """`networks_overview` of the networks this configuration builds, without a run: for the
    page's diagram before Start. Built once per network shape (a small LRU)."""
    key = dataclasses.replace(cfg, **{name: getattr(RunConfig(), name) for name in _VALUE_FIELDS})
    with _steps_lock:
        if key in _overviews:
            _overviews.move_to_end(key)
            return _overviews[key]
    overview = networks_overview(*build_networks(key))
    with _steps_lock:
        _overviews[key] = overview
        while len(_overviews) > 64:
            _overviews.popitem(last=False)
    return overview


def build_networks(cfg: RunConfig):
    """G and D for this configuration, as the target's kind builds them."""
    target = get_target(cfg.target)
    kind = kind_of(target)
    return kind.build_generator(cfg, target), kind.build_discriminator(cfg, target)


def max_chunk(cfg: RunConfig, dim: int) -> int:
    per_iteration = cfg.d_steps * cfg.batch_size * cfg.packing * dim
    return int(max(1, min(512, _MAX_CHUNK_VALUES // per_iteration)))


# ---- the shared step ------------------------------------------------------------------
# Everything that shapes the graph is in the key; seed and learning rates are values.
_VALUE_FIELDS = ("seed", "g_learning_rate", "d_learning_rate")
_steps: collections.OrderedDict[RunConfig, "SharedStep"] = collections.OrderedDict()
_steps_lock = threading.Lock()


def shared_step(cfg: RunConfig) -> "SharedStep":
    """The compiled step for this network shape, built once per process (a small LRU)."""
    key = dataclasses.replace(cfg, **{name: getattr(RunConfig(), name) for name in _VALUE_FIELDS})
    with _steps_lock:
        step = _steps.get(key)
        if step is None:
            step = _steps[key] = SharedStep(key)
            while len(_steps) > _MAX_SHARED_STEPS:
                _steps.popitem(last=False)  # runs still holding it keep it alive
        _steps.move_to_end(key)
        return step


class _Concrete:
    """A `tf.function` called through the concrete function traced for its arguments' kinds.

    tf.function's own dispatch binds the forty-odd variables of a run anew on every call: about
    a millisecond of Python, under the GIL, per call; a concrete function takes a third of that.
    Twenty runs publishing ten times a second make that the time the web requests wait for.
    Arrays are traced with their first dimension free, so one trace serves every batch size;
    the lock makes runs that start together trace once, not once each."""

    def __init__(self, fn):
        self.fn = fn
        self._traced: dict[tuple, object] = {}
        self._lock = threading.Lock()

    def prepare(self, *args):
        """The concrete function for these arguments: traced (and for XLA, compiled at the
        first call) once per kind of arguments."""
        key = tuple(_kind(a) for a in args)
        traced = self._traced.get(key)
        if traced is None:
            with self._lock:
                traced = self._traced.get(key)
                if traced is None:
                    specs = [a if k is None else tf.TensorSpec(k[0], k[1]) for a, k in zip(args, key)]
                    traced = self._traced[key] = self.fn.get_concrete_function(*specs)
        return traced

    def __call__(self, *args):
        return self.prepare(*args)(*args)


def _kind(arg):
    """An argument as a trace sees it: None for a list of variables (the same shapes in every
    run of a step), else (shape with the first dimension free, dtype)."""
    if isinstance(arg, (list, tuple)):
        return None
    dtype = tf.as_dtype(arg.dtype)
    shape = tuple(arg.shape)
    return ((None, *shape[1:]) if shape else (), dtype)


class SharedStep:
    """`chunk(g_w, d_w, g_opt, d_opt, g_nt, d_nt, real, n, seed, train_g)` trains n iterations
    on those variables (D alone when `train_g` is false: pre-training); `scores(g_w, d_w, g_nt,
    d_nt, real, z)` gives D's scores on real and generated samples, as in inference, and
    `judge(d_w, d_nt, x)` D's scores on given samples."""

    def __init__(self, cfg: RunConfig):
        from gan_core.crowd import Crowd, eligible

        self.compiled = False  # set by the first warm_up of any run of this shape
        self.best_rate = 0.0  # iterations per second of the fastest chunk of any run of this shape
        target = get_target(cfg.target)
        self.crowd = Crowd(cfg, target, INTRA_OP_THREADS) if eligible(cfg, target) else None
        # Template networks: their structure runs the step, their own weights are never used.
        G, D = build_networks(cfg)
        loss = LOSSES[cfg.loss]
        B, L, steps = cfg.batch_size, cfg.latent_size, cfg.d_steps
        M, width = cfg.packing, get_target(cfg.target).dim * cfg.packing  # PacGAN: B packs of M samples
        smoothing, beta1 = float(cfg.label_smoothing), float(cfg.beta1)
        K = classes(cfg, target)  # a conditional run's classes (0: none)
        g_kind, d_kind = cfg.g_optimizer, cfg.d_optimizer
        dist = cfg.latent_dist
        balance = float(cfg.balance)
        halflife = float(cfg.lr_halflife)

        def annealed(lr, updates, per_iteration=1):
            """The learning rate after this many updates: halved every `lr_halflife` iterations."""
            if not halflife:
                return lr
            return lr * tf.pow(0.5, tf.cast(updates, tf.float32) / (per_iteration * halflife))
        fixed_cut = loss.threshold

        def latent(shape, seed):
            if dist == "gaussian":
                z = tf.random.stateless_normal(shape, seed)
            else:
                z = tf.random.stateless_uniform(shape, seed, 0.0 if dist == "uniform01" else -1.0, 1.0)
            if not K:
                return z
            # the classes asked for: a stream of their own (the seed's first half moved on)
            asked = tf.random.stateless_uniform(shape[:1], seed + tf.constant([_CLASS_STREAM, 0], tf.int64),
                                                0, K, tf.int32)
            return tf.concat([z, tf.one_hot(asked, K)], axis=1)

        def as_judged(fake, z):
            """G's samples as D takes them: a conditional run's followed by the classes asked for."""
            return fake if not K else tf.concat([fake, z[:, L:]], axis=1)

        def g_call(g, g_nt, z, training=True):
            return G.stateless_call(g, g_nt, z, training=training)

        def d_call(d, d_nt, x, training=True):
            return D.stateless_call(d, d_nt, x, training=training)

        def pack(x):
            """Samples side by side in packs of M (consecutive samples: their order is random)."""
            return x if M == 1 else tf.reshape(x, (-1, width))

        def penalty(d, d_nt, real, fake, seed):
            eps = tf.random.stateless_uniform((B, 1), seed)
            mixed = eps * real + (1.0 - eps) * fake
            with tf.GradientTape() as tape:
                tape.watch(mixed)
                score, _ = d_call(d, d_nt, mixed)
            grad = tape.gradient(score, mixed)
            norm = tf.sqrt(tf.reduce_sum(tf.square(grad), axis=1) + 1e-12)
            return tf.reduce_mean(tf.square(norm - 1.0))

        def g_update(g, g_slots, g_step, g_nt, d, d_nt, z, g_lr, cut, force=False):
            with tf.GradientTape() as tape:
                tape.watch(g)
                fake, g_nt = g_call(g, g_nt, z)
                scores, d_nt = d_call(d, d_nt, pack(as_judged(fake, z)))
                g_loss = loss.g_loss(scores)
            grads = tape.gradient(g_loss, g)
            g_lr = annealed(g_lr, g_step)
            if not balance or force:
                g, g_slots = apply(g_kind, beta1, g, grads, g_slots, g_lr, g_step)
                return g, g_slots, g_step + 1, g_nt, d_nt, g_loss, tf.constant(1.0)
            # G trains while D still catches more than 1 - balance of its fakes
            go = tf.reduce_mean(tf.cast(scores <= cut, tf.float32)) > 1.0 - balance
            g, g_slots, g_step = tf.cond(
                go, lambda: (*apply(g_kind, beta1, g, grads, g_slots, g_lr, g_step), g_step + 1),
                lambda: (g, g_slots, g_step))
            return g, g_slots, g_step, g_nt, d_nt, g_loss, tf.cast(go, tf.float32)

        @tf.function(jit_compile=kind_of(get_target(cfg.target)).fused_loop(cfg))
        def chunk(g_vars, d_vars, g_opt, d_opt, g_nt_vars, d_nt_vars, real, n, seed, train_g):
            g = [v.read_value() for v in g_vars]
            d = [v.read_value() for v in d_vars]
            g_nt = [v.read_value() for v in g_nt_vars]
            d_nt = [v.read_value() for v in d_nt_vars]
            g_lr, g_step, g_slots = g_opt[0].read_value(), g_opt[1].read_value(), [v.read_value() for v in g_opt[2:]]
            d_lr, d_step, d_slots = d_opt[0].read_value(), d_opt[1].read_value(), [v.read_value() for v in d_opt[2:]]
            d_sum = tf.constant(0.0)
            g_sum = tf.constant(0.0)
            d_loss = g_loss = tf.constant(0.0)  # defined before the loop for a zero-length chunk
            d_done = g_done = tf.constant(0.0)  # iterations in which D (G) updated: < n when balanced
            cut = tf.constant(0.0 if fixed_cut is None else fixed_cut)
            i = tf.constant(0)
            while i < n:
                base = tf.cast(i, tf.int64) * (2 * steps + 1)
                for j in range(steps):
                    z = latent((B * M, L), tf.stack([seed, base + 2 * j]))
                    with tf.GradientTape() as tape:
                        tape.watch(d)
                        fake, g_nt = g_call(g, g_nt, z)
                        real_packs, fake_packs = pack(real[i, j]), pack(as_judged(fake, z))
                        # One pass over real and fake together: half the ops of two passes.
                        scores, d_nt = d_call(d, d_nt, tf.concat([real_packs, fake_packs], 0))
                        d_loss = loss.d_loss(scores[:B], scores[B:], smoothing)
                        if loss.gradient_penalty:
                            d_loss += loss.gradient_penalty * penalty(
                                d, d_nt, real_packs, fake_packs, tf.stack([seed, base + 2 * j + 1]))
                    grads = tape.gradient(d_loss, d)
                    if not balance:
                        d, d_slots = apply(d_kind, beta1, d, grads, d_slots, annealed(d_lr, d_step, steps), d_step)
                        d_step += 1
                        d_done += 1.0
                    else:
                        # the letters tutorial's balance: D trains while it is not yet good enough
                        real_s, fake_s = scores[:B], scores[B:]
                        cut = (tf.constant(fixed_cut) if fixed_cut is not None
                               else 0.5 * (tf.reduce_mean(real_s) + tf.reduce_mean(fake_s)))
                        accuracy = 0.5 * (tf.reduce_mean(tf.cast(real_s > cut, tf.float32))
                                          + tf.reduce_mean(tf.cast(fake_s <= cut, tf.float32)))
                        go = accuracy < balance
                        d, d_slots, d_step = tf.cond(
                            go, lambda: (*apply(d_kind, beta1, d, grads, d_slots, annealed(d_lr, d_step, steps),
                                                d_step), d_step + 1),
                            lambda: (d, d_slots, d_step))
                        d_done += tf.cast(go, tf.float32) / steps
                z = latent((2 * B * M, L), tf.stack([seed, base + 2 * steps]))
                g, g_slots, g_step, g_nt, d_nt, g_loss, g_went = tf.cond(
                    train_g,
                    lambda: g_update(g, g_slots, g_step, g_nt, d, d_nt, z, g_lr, cut),
                    lambda: (g, g_slots, g_step, g_nt, d_nt, tf.constant(0.0), tf.constant(0.0)))
                d_sum += d_loss
                g_sum += g_loss
                g_done += g_went
                i += 1
            for variables, values in ((g_vars, g), (d_vars, d), (g_opt[2:], g_slots), (d_opt[2:], d_slots),
                                      (g_nt_vars, g_nt), (d_nt_vars, d_nt)):
                for variable, value in zip(variables, values):
                    variable.assign(value)
            g_opt[1].assign(g_step)
            d_opt[1].assign(d_step)
            count = tf.cast(tf.maximum(n, 1), tf.float32)
            weights = [tf.reduce_sum(w) for w in g + d]
            finite = tf.reduce_all(tf.math.is_finite(tf.stack(weights + [d_sum, g_sum])))
            return d_sum / count, g_sum / count, finite, d_done / count, g_done / count

        @tf.function(reduce_retracing=True)
        def scores(g_vars, d_vars, g_nt_vars, d_nt_vars, real, z):
            g = [v.read_value() for v in g_vars]
            d = [v.read_value() for v in d_vars]
            g_nt = [v.read_value() for v in g_nt_vars]
            d_nt = [v.read_value() for v in d_nt_vars]
            fake, _ = g_call(g, g_nt, z, training=False)
            return (d_call(d, d_nt, pack(real), training=False)[0],
                    d_call(d, d_nt, pack(as_judged(fake, z)), training=False)[0])

        @tf.function(reduce_retracing=True)
        def generate(g_vars, g_nt_vars, z):
            g = [v.read_value() for v in g_vars]
            g_nt = [v.read_value() for v in g_nt_vars]
            return g_call(g, g_nt, z, training=False)[0]

        @tf.function(reduce_retracing=True)
        def judge(d_vars, d_nt_vars, x):
            d = [v.read_value() for v in d_vars]
            d_nt = [v.read_value() for v in d_nt_vars]
            return d_call(d, d_nt, tf.tile(x, [1, M]), training=False)[0]  # a pack of copies

        @tf.function(reduce_retracing=True)
        def g_only(g_vars, d_vars, g_opt, d_opt, g_nt_vars, d_nt_vars, seed):
            """One update of G alone (a step-by-step G step), whatever the balance says."""
            g = [v.read_value() for v in g_vars]
            d = [v.read_value() for v in d_vars]
            g_nt = [v.read_value() for v in g_nt_vars]
            d_nt = [v.read_value() for v in d_nt_vars]
            g_lr, g_step, g_slots = g_opt[0].read_value(), g_opt[1].read_value(), [v.read_value() for v in g_opt[2:]]
            z = latent((2 * B * M, L), tf.stack([seed, tf.constant(0, tf.int64)]))
            g, g_slots, g_step, g_nt, d_nt, g_loss, _ = g_update(g, g_slots, g_step, g_nt, d, d_nt, z, g_lr,
                                                                 tf.constant(0.0), force=True)
            for variables, values in ((g_vars, g), (g_opt[2:], g_slots), (g_nt_vars, g_nt), (d_nt_vars, d_nt)):
                for variable, value in zip(variables, values):
                    variable.assign(value)
            g_opt[1].assign(g_step)
            finite = tf.reduce_all(tf.math.is_finite(tf.stack([tf.reduce_sum(w) for w in g] + [g_loss])))
            return g_loss, finite

        @tf.function(reduce_retracing=True)
        def explain(g_vars, d_vars, g_nt_vars, d_nt_vars, grid, real, fake, z):
            """D's scores on a grid, the shown reals and fakes; G on latent points; and the
            step G's loss pushes each fake: minus the gradient of its share of that loss. A
            packed D judges each grid point packed with the first M - 1 shown reals (how real
            this point looks among real ones), the fakes in their own packs, as G's loss sees them."""
            g = [v.read_value() for v in g_vars]
            d = [v.read_value() for v in d_vars]
            g_nt = [v.read_value() for v in g_nt_vars]
            d_nt = [v.read_value() for v in d_nt_vars]
            if M > 1:
                companions = tf.reshape(real[:M - 1], (1, -1))
                grid = tf.concat([grid, tf.tile(companions, [tf.shape(grid)[0], 1])], axis=1)
            grid_s = d_call(d, d_nt, grid, training=False)[0]
            real_s = d_call(d, d_nt, pack(real), training=False)[0]
            with tf.GradientTape() as tape:
                tape.watch(fake)
                fake_s = d_call(d, d_nt, pack(fake), training=False)[0]
                # G's loss is a mean over its packs: times their count, each pack's own term
                total = loss.g_loss(fake_s) * tf.cast(tf.shape(fake_s)[0], tf.float32)
            push = -tape.gradient(total, fake)
            manifold = g_call(g, g_nt, z, training=False)[0]
            return grid_s, real_s, fake_s, manifold, push

        self.chunk, self.scores, self.judge = _Concrete(chunk), _Concrete(scores), _Concrete(judge)
        self.g_only, self.explain, self.generate = _Concrete(g_only), _Concrete(explain), _Concrete(generate)
