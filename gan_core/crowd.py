"""Runs of one network shape trained together: one compiled step advances many runs at once.

A class's thirty tabs train thirty tiny networks of the same shape. Trained one by one, each
chunk pays XLA's fixed cost per op (a 16-node layer is a few hundred multiplications; the op
around it costs more), and two cores did some 40 % of what they do for one run headless. Here
the runs whose chunks are due at the same moment are stacked: every weight, every optimizer
slot and the real batch gain a leading "run" axis, a layer is one batched matmul for all of
them, and the step's cost is shared (`python -m bench` prints what it buys).

What a run learns never depends on its companions: each has its own weights, optimizer
state, learning rates, step counts, real data and noise, the noise drawn from the run's own
key by a counter-based hash (element by element, so a run's draws are the same whatever
stacks beside it), and a batched matmul computes each run's slice as it would alone. A run
alone goes through the same step, stacked with itself only (tests/gan_core/test_crowd.py
checks alone == in a crowd bit for bit).

Who trains together: a worker asks `Crowd.train` for its chunk and waits; while fewer batches
run than the process has cores, the first waiting worker takes the pending chunks of a
similar length (at most the largest of `_BUCKETS`) and runs them as one batch, outside any
lock, then hands each run its result. No thread of its own, no timer: a lone run's chunk starts at once.

Only what the batched step knows trains here (`eligible`): MLP networks of Dense layers and
their activations, for points, functions and values, without batch norm, dropout, gradient
penalty or the adaptive balance. Everything else trains alone in `SharedStep.chunk`.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field

import keras
import numpy as np
import tensorflow as tf

from gan_core.losses import LOSSES
from gan_core.optimizers import ADAM_BETA2, ADAM_EPSILON, RMSPROP_EPSILON, RMSPROP_RHO
from gan_core.profile import span

# Batches are padded to these sizes: one compile each. Never 1: XLA turns a stack of one into
# a plain matmul, whose last bits differ from a batched one. Not 16 or 32: XLA computes a
# batched layer one run after another, so they trained no faster per run, and their programs
# took 190-550 MB more.
_BUCKETS = (2, 4, 8)


def eligible(cfg, target) -> bool:
    """Whether the batched step trains this configuration (else it trains alone)."""
    return (target.kind in ("function", "points", "values") and cfg.architecture == "mlp"
            and cfg.g_batch_norm == "off" and not cfg.d_dropout and not cfg.balance
            and not LOSSES[cfg.loss].gradient_penalty)


# ---- the layers, batched ----------------------------------------------------------------
def _program(model: keras.Model) -> list[tuple]:
    """The model as a list of batched operations on its trainable weights, in order."""
    index = {id(v): k for k, v in enumerate(model.trainable_variables)}
    ops = []
    for layer in model.layers:
        if isinstance(layer, keras.layers.InputLayer):
            continue
        if isinstance(layer, keras.layers.Dense):
            ops.append(("dense", index[id(layer.kernel)], index[id(layer.bias)]))
            if layer.activation not in (None, keras.activations.linear):
                ops.append(("act", layer.activation.__name__))
        elif isinstance(layer, keras.layers.LeakyReLU):
            ops.append(("leaky", float(layer.negative_slope)))
        elif isinstance(layer, keras.layers.Activation):
            ops.append(("act", layer.activation.__name__))
        elif isinstance(layer, keras.layers.Rescaling):
            ops.append(("scale", float(layer.scale), float(layer.offset)))
        else:
            raise ValueError(f"the batched step does not know layer {type(layer).__name__}")
    return ops


def _run(program: list[tuple], weights: list, x):
    """The model on stacked weights ([runs, in, out] kernels): x is [runs, samples, in]."""
    for op in program:
        if op[0] == "dense":
            x = tf.matmul(x, weights[op[1]]) + weights[op[2]][:, None, :]
        elif op[0] == "leaky":
            x = tf.nn.leaky_relu(x, op[1])
        elif op[0] == "scale":
            x = x * op[1] + op[2]
        elif op[1] == "relu":
            x = tf.nn.relu(x)
        elif op[1] == "tanh":
            x = tf.tanh(x)
        elif op[1] == "sigmoid":
            x = tf.sigmoid(x)
        elif op[1] != "linear":
            raise ValueError(f"the batched step does not know activation {op[1]}")
    return x


# ---- noise: a counter-based hash, element by element ----------------------------------
def _mix(h):
    """murmur3's 32-bit finaliser: every input bit flips about half the output bits."""
    h = tf.bitwise.bitwise_xor(h, tf.bitwise.right_shift(h, 16)) * np.uint32(0x85EBCA6B)
    h = tf.bitwise.bitwise_xor(h, tf.bitwise.right_shift(h, 13)) * np.uint32(0xC2B2AE35)
    return tf.bitwise.bitwise_xor(h, tf.bitwise.right_shift(h, 16))


def _uniform(keys, counter, count: int):
    """[runs, count] uniforms in (0, 1): element e of run r from (r's key, counter, e) only."""
    base = _mix(tf.bitwise.bitwise_xor(keys[:, 0], _mix(keys[:, 1] + counter * np.uint32(0x9E3779B9))))
    e = tf.constant(np.arange(count, dtype=np.uint32)[None, :])
    h = _mix(tf.bitwise.bitwise_xor(base[:, None], e * np.uint32(0x27D4EB2F)) + e)
    return (tf.cast(tf.bitwise.right_shift(h, 8), tf.float32) + 0.5) * np.float32(2.0 ** -24)


def _latent(dist: str, keys, counter, samples: int, size: int):
    """[runs, samples, size] noise of the configured distribution."""
    if dist == "gaussian":  # Box-Muller on two uniforms per value
        u = _uniform(keys, counter, 2 * samples * size)
        radius = tf.sqrt(-2.0 * tf.math.log(u[:, 0::2]))
        z = radius * tf.cos(np.float32(2 * np.pi) * u[:, 1::2])
    else:
        low = 0.0 if dist == "uniform01" else -1.0
        z = low + (1.0 - low) * _uniform(keys, counter, samples * size)
    return tf.reshape(z, (-1, samples, size))


# ---- optimizers on stacked weights (gan_core.optimizers' rules, a learning rate per run) -
def _apply(kind: str, beta1: float, weights, grads, slots, lr, step, go):
    """One update of every run where `go` ([runs] bool); the others keep their values exactly."""
    def per_run(v, w):
        return tf.reshape(v, (-1,) + (1,) * (len(w.shape) - 1))

    def keep(new, old):
        return tf.where(per_run(go, old), new, old)

    if kind == "sgd":
        return [keep(w - per_run(lr, w) * g, w) for w, g in zip(weights, grads)], slots
    if kind == "rmsprop":
        new_w, new_v = [], []
        for w, g, v in zip(weights, grads, slots):
            v2 = RMSPROP_RHO * v + (1.0 - RMSPROP_RHO) * tf.square(g)
            new_w.append(keep(w - per_run(lr, w) * g / tf.sqrt(v2 + RMSPROP_EPSILON), w))
            new_v.append(keep(v2, v))
        return new_w, new_v
    n = len(weights)
    t = tf.cast(step + 1, tf.float32)
    alpha = lr * tf.sqrt(1.0 - ADAM_BETA2 ** t) / (1.0 - beta1 ** t)
    new_w, new_m, new_v = [], [], []
    for w, g, m, v in zip(weights, grads, slots[:n], slots[n:]):
        m2 = m + (g - m) * (1.0 - beta1)
        v2 = v + (tf.square(g) - v) * (1.0 - ADAM_BETA2)
        new_w.append(keep(w - (m2 * per_run(alpha, w)) / (tf.sqrt(v2) + ADAM_EPSILON), w))
        new_m.append(keep(m2, m))
        new_v.append(keep(v2, v))
    return new_w, new_m + new_v


class BatchedStep:
    """`chunk(runs, real, n, keys, train_g)` trains each run of the list its own n[r]
    iterations; a run is its six lists of variables, as `GAN._state` holds them."""

    def __init__(self, cfg, G, D, target):
        loss = LOSSES[cfg.loss]
        B, L, steps, M = cfg.batch_size, cfg.latent_size, cfg.d_steps, cfg.packing
        width = target.dim * M
        smoothing, beta1, dist = float(cfg.label_smoothing), float(cfg.beta1), cfg.latent_dist
        halflife = float(cfg.lr_halflife)
        g_kind, d_kind = cfg.g_optimizer, cfg.d_optimizer
        g_prog, d_prog = _program(G), _program(D)
        n_g, n_d = len(G.trainable_variables), len(D.trainable_variables)

        def annealed(lr, updates, per_iteration=1):
            if not halflife:
                return lr
            return lr * tf.pow(0.5, tf.cast(updates, tf.float32) / (per_iteration * halflife))

        def pack(x):  # [runs, samples, dim] -> [runs, packs, dim * M]
            return x if M == 1 else tf.reshape(x, (tf.shape(x)[0], -1, width))

        def stack(variables):
            return [tf.stack([v.read_value() for v in group]) for group in zip(*variables)]

        def chunk(runs, real, n, keys, train_g):
            g = stack([r[0] for r in runs])
            d = stack([r[1] for r in runs])
            g_lr = tf.stack([r[2][0].read_value() for r in runs])
            g_step = tf.stack([r[2][1].read_value() for r in runs])
            g_slots = stack([r[2][2:] for r in runs])
            d_lr = tf.stack([r[3][0].read_value() for r in runs])
            d_step = tf.stack([r[3][1].read_value() for r in runs])
            d_slots = stack([r[3][2:] for r in runs])
            R = len(runs)
            d_sum = tf.zeros((R,))
            g_sum = tf.zeros((R,))
            i = tf.constant(0)
            top = tf.reduce_max(n)
            while i < top:
                go = i < n
                g_go = tf.logical_and(go, train_g)
                counter = tf.cast(i, tf.uint32) * np.uint32(2 * steps + 1)
                d_loss = tf.zeros((R,))
                for j in range(steps):
                    z = _latent(dist, keys, counter + np.uint32(j), B * M, L)
                    with tf.GradientTape() as tape:
                        tape.watch(d)
                        fake = _run(g_prog, g, z)
                        scores = _run(d_prog, d, tf.concat([pack(real[:, i, j]), pack(fake)], 1))
                        d_loss = loss.d_loss(scores[:, :B], scores[:, B:], smoothing)  # [runs]
                        total = tf.reduce_sum(d_loss)  # a run's gradient is its own loss's
                    grads = tape.gradient(total, d)
                    d, d_slots = _apply(d_kind, beta1, d, grads, d_slots, annealed(d_lr, d_step, steps),
                                        d_step, go)
                    d_step += tf.cast(go, tf.int64)
                z = _latent(dist, keys, counter + np.uint32(steps), 2 * B * M, L)
                with tf.GradientTape() as tape:
                    tape.watch(g)
                    scores = _run(d_prog, d, pack(_run(g_prog, g, z)))
                    g_loss = loss.g_loss(scores)
                    total = tf.reduce_sum(g_loss)
                grads = tape.gradient(total, g)
                g, g_slots = _apply(g_kind, beta1, g, grads, g_slots, annealed(g_lr, g_step), g_step, g_go)
                g_step += tf.cast(g_go, tf.int64)
                d_sum += tf.where(go, d_loss, 0.0)
                g_sum += tf.where(g_go, g_loss, 0.0)
                i += 1
            for r, run in enumerate(runs):
                for variables, values in ((run[0], g), (run[1], d), (run[2][2:], g_slots), (run[3][2:], d_slots)):
                    for variable, value in zip(variables, values):
                        variable.assign(value[r])
                run[2][1].assign(g_step[r])
                run[3][1].assign(d_step[r])
            count = tf.cast(tf.maximum(n, 1), tf.float32)
            sums = [tf.reduce_sum(w, axis=list(range(1, len(w.shape)))) for w in g + d]
            finite = tf.reduce_all(tf.math.is_finite(tf.stack(sums + [d_sum, g_sum], 1)), axis=1)
            return d_sum / count, g_sum / count, finite

        self._fn = tf.function(chunk, jit_compile=True)
        self._traced: dict[int, object] = {}
        self._lock = threading.Lock()
        self.sizes = (n_g, n_d)

    def __call__(self, runs, real, n, keys, train_g):
        R = len(runs)
        traced = self._traced.get(R)
        if traced is None:
            with self._lock:
                traced = self._traced.get(R)
                if traced is None:
                    traced = self._traced[R] = self._fn.get_concrete_function(
                        runs, tf.TensorSpec(real.shape, tf.float32), tf.TensorSpec((R,), tf.int32),
                        tf.TensorSpec((R, 2), tf.uint32), tf.TensorSpec((R,), tf.bool))
        return traced(runs, real, n, keys, train_g)


# ---- who trains together ---------------------------------------------------------------
@dataclass(eq=False)
class _Job:
    state: tuple
    real: np.ndarray
    n: int
    key: tuple[int, int]
    train_g: bool
    result: tuple | None = None
    error: BaseException | None = None
    done: bool = field(default=False)


class Crowd:
    """The runs of one network shape in this process, and the batches they train in."""

    def __init__(self, cfg, target, leaders: int):
        self._cfg, self._target, self._leaders = cfg, target, max(1, leaders)
        self._step: BatchedStep | None = None
        self._spares: list = []  # states of runs that never train (n = 0): they pad a batch
        self._model = None  # the run they copy
        self._ready: set[int] = set()  # batch sizes compiled
        self._compiler: threading.Thread | None = None
        self._pending: list[_Job] = []
        self._running = 0
        self._cv = threading.Condition()
        self._build_lock = threading.Lock()

    def train(self, state: tuple, real: np.ndarray, n: int, key: tuple[int, int], train_g: bool = True):
        """Train one run n iterations (at most its chunk) in the next batch: (D's mean loss,
        G's mean loss, finite)."""
        job = _Job(state, real, int(n), key, bool(train_g))
        with self._cv:
            self._pending.append(job)
            while True:
                if job.done:
                    break
                if self._running < self._leaders and job in self._pending:
                    batch = self._take(job)
                    self._running += 1
                    break
                self._cv.wait()
        if not job.done:
            self._lead(batch)
        if job.error is not None:
            raise job.error
        return job.result

    def _take(self, first: _Job) -> list[_Job]:
        """Pending jobs to train with `first`: those of a similar length, within 2× (a slow
        paced run's 20 iterations never wait for a flat-out run's 500), the oldest first, as many as the
        largest compiled batch size they fill (padding is work for nothing; a size not yet
        compiled is compiled in the background, never while runs wait)."""
        similar = [first] + [j for j in self._pending if j is not first and first.n / 2 <= j.n <= 2 * first.n]
        size = max([b for b in self._ready if b <= len(similar)], default=_BUCKETS[0])
        if len(similar) > _BUCKETS[0] and self._compiler is None and self._ready:
            self._compiler = threading.Thread(target=self._compile_all, name="tf-crowd-compile", daemon=True)
            self._compiler.start()
        batch = similar[:size]
        for j in batch:
            self._pending.remove(j)
        return batch

    def compile_all(self, stop=lambda: False) -> None:
        """Compile every batch size now, in the calling thread (a server does it for the shape
        its tabs start with, so a class's first minute trains in large batches): each, once
        ready, takes its runs. `stop()` true ends it between sizes."""
        with self._cv:
            if self._compiler is None:
                self._compiler = threading.current_thread()
            elif self._compiler is not threading.current_thread():
                return  # another thread compiles them already
        self._compile_all(stop)

    def _compile_all(self, stop=lambda: False) -> None:
        """Compile every batch size (a crowd has formed): each, once ready, takes its runs."""
        for size in _BUCKETS:
            if stop():
                return
            if size in self._ready:
                continue
            spares = self._spare(size)
            real = self._template()._real
            try:
                with span(f"crowd: compile {size}"):
                    self._train([_Job(state, real, 0, (0, 0), False) for state in spares])
            except Exception:  # the smaller sizes keep training; nothing is lost
                return
            with self._cv:
                self._ready.add(size)

    def _lead(self, batch: list[_Job]) -> None:
        try:
            with span(f"crowd: batch of {len(batch)}"):
                d, g, finite = self._train(batch)
            for k, job in enumerate(batch):
                job.result = (float(d[k]), float(g[k]), bool(finite[k]))
        except Exception as exc:  # every run of the batch hears of it; the process goes on
            for job in batch:
                job.error = exc
        finally:
            with self._cv:
                self._running -= 1
                for job in batch:
                    job.done = True
                self._cv.notify_all()

    def _train(self, batch: list[_Job]):
        step = self._batched_step()
        size = next(b for b in _BUCKETS if b >= len(batch))
        spares = self._spare(size - len(batch))
        runs = [j.state for j in batch] + spares
        real = np.stack([j.real for j in batch] + [batch[0].real] * len(spares))
        n = np.array([j.n for j in batch] + [0] * len(spares), np.int32)
        keys = np.array([j.key for j in batch] + [(0, 0)] * len(spares), np.uint32)
        train_g = np.array([j.train_g for j in batch] + [False] * len(spares))
        d, g, finite = step(runs, tf.constant(real), tf.constant(n), tf.constant(keys), tf.constant(train_g))
        if size not in self._ready:  # compiled by this first call
            with self._cv:
                self._ready.add(size)
        return d.numpy(), g.numpy(), finite.numpy()

    def _batched_step(self) -> BatchedStep:
        with self._build_lock:
            if self._step is None:
                from gan_core.gan import build_networks

                G, D = build_networks(self._cfg)
                self._step = BatchedStep(self._cfg, G, D, self._target)
            return self._step

    def _spare(self, count: int) -> list:
        """`count` runs' states that never train (n = 0): they pad a batch to its size.
        Copies of one run's variables (a few KB each), not networks of their own."""
        with self._build_lock:
            while len(self._spares) < count:
                template = self._template()
                self._spares.append(tuple([tf.Variable(v.read_value(), trainable=v.trainable) for v in group]
                                          for group in template._state))
            return self._spares[:count]

    def _template(self):
        """A run of this shape that never trains: the spares copy its state."""
        if self._model is None:
            from gan_core.gan import GAN

            self._model = GAN(self._cfg, crowd=False)
        return self._model
