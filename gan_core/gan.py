"""The GAN: G, D, their optimizers and one fused, XLA-compiled train step.

Python runs once per chunk: `train(n)` runs n iterations inside one `tf.function` whose
loop bound is a tensor (`while i < n`), so XLA compiles once and any chunk length reuses
it. Real data is drawn with NumPy from the run's own generator (the same samplers the
metrics use); latent noise is drawn in-graph with stateless ops seeded per chunk.
"""
from __future__ import annotations

import os
from dataclasses import dataclass

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402


def _limit_intra_op_threads() -> None:
    # The models are tiny: one thread per op beats splitting a 16×16 matmul across cores, and
    # leaves the other core to another session. Only possible before TensorFlow initialises.
    try:
        tf.config.threading.set_intra_op_parallelism_threads(int(os.environ.get("GAN_TF_INTRA_THREADS", "1")))
    except RuntimeError:
        pass


_limit_intra_op_threads()

from gan_core.config import RunConfig  # noqa: E402
from gan_core.losses import LOSSES  # noqa: E402
from gan_core.models import build_discriminator, build_generator, build_optimizer  # noqa: E402
from gan_core.targets import get_target  # noqa: E402

# Real samples pre-drawn per chunk are capped so a chunk's buffer stays small (~1 MB).
_MAX_CHUNK_VALUES = 1 << 18
VIEW_SAMPLES = 500  # size of the fixed noise batch whose fakes the dashboard shows


@dataclass(frozen=True)
class ChunkResult:
    iterations: int
    d_loss: float
    g_loss: float
    finite: bool


class GAN:
    def __init__(self, cfg: RunConfig):
        self.cfg = cfg
        self.target = get_target(cfg.target)
        self.loss = LOSSES[cfg.loss]
        self.rng = np.random.default_rng(cfg.seed)
        self.G = build_generator(cfg, self.target)
        self.D = build_discriminator(cfg, self.target)
        self.g_opt = build_optimizer(cfg, cfg.g_learning_rate)
        self.d_opt = build_optimizer(cfg, cfg.d_learning_rate)
        self.g_opt.build(self.G.trainable_variables)
        self.d_opt.build(self.D.trainable_variables)
        per_iteration = cfg.d_steps * cfg.batch_size * self.target.dim
        self.max_chunk = int(max(1, min(512, _MAX_CHUNK_VALUES // per_iteration)))
        self._real = np.zeros((self.max_chunk, cfg.d_steps, cfg.batch_size, self.target.dim), np.float32)
        self.fixed_z = self.latent(VIEW_SAMPLES)  # one batch, so the fake dots move smoothly
        self.iteration = 0
        self._chunk = self._build_chunk()
        self._scores = tf.function(lambda real, z: (self.D(real), self.D(self.G(z))))

    # ---- sampling -------------------------------------------------------------------
    def latent(self, n: int, rng: np.random.Generator | None = None) -> np.ndarray:
        rng = rng or self.rng
        if self.cfg.latent_dist == "uniform":
            return rng.uniform(-1.0, 1.0, (n, self.cfg.latent_size)).astype(np.float32)
        return rng.standard_normal((n, self.cfg.latent_size)).astype(np.float32)

    def generate(self, n: int | None = None, z: np.ndarray | None = None) -> np.ndarray:
        z = self.latent(n) if z is None else z
        out = []
        for start in range(0, len(z), 4096):
            out.append(self.G(z[start:start + 4096], training=False).numpy())
        return np.concatenate(out) if out else np.zeros((0, self.target.dim), np.float32)

    def fake_view(self) -> np.ndarray:
        return self.generate(z=self.fixed_z)

    # ---- training -------------------------------------------------------------------
    def set_learning_rates(self, g: float, d: float) -> None:
        self.g_opt.learning_rate = g
        self.d_opt.learning_rate = d
        self.cfg = self.cfg.replace(g_learning_rate=g, d_learning_rate=d)

    def warm_up(self) -> None:
        """Compile the fused step without training (a zero-length chunk)."""
        self._chunk(self._real, tf.constant(0), tf.constant(0, tf.int64))

    def train(self, n: int) -> ChunkResult:
        """Run n iterations, in as many chunks as needed; losses are the last chunk's means."""
        result = ChunkResult(0, float("nan"), float("nan"), True)
        done = 0
        while done < n:
            k = min(self.max_chunk, n - done)
            flat = self.target.sample(self.rng, k * self.cfg.d_steps * self.cfg.batch_size)
            self._real[:k] = flat.reshape(k, self.cfg.d_steps, self.cfg.batch_size, self.target.dim)
            seed = int(self.rng.integers(0, 2**62))
            d, g, finite = self._chunk(self._real, tf.constant(k), tf.constant(seed, tf.int64))
            done += k
            self.iteration += k
            result = ChunkResult(done, float(d), float(g), bool(finite))
            if not result.finite:
                break
        return result

    def _build_chunk(self):
        cfg, G, D, loss = self.cfg, self.G, self.D, self.loss
        B, L, steps = cfg.batch_size, cfg.latent_size, cfg.d_steps
        smoothing = float(cfg.label_smoothing)
        uniform = cfg.latent_dist == "uniform"
        g_opt, d_opt = self.g_opt, self.d_opt

        def latent(shape, seed):
            if uniform:
                return tf.random.stateless_uniform(shape, seed, -1.0, 1.0)
            return tf.random.stateless_normal(shape, seed)

        def penalty(real, fake, seed):
            eps = tf.random.stateless_uniform((B, 1), seed)
            mixed = eps * real + (1.0 - eps) * fake
            with tf.GradientTape() as tape:
                tape.watch(mixed)
                score = D(mixed, training=True)
            grad = tape.gradient(score, mixed)
            norm = tf.sqrt(tf.reduce_sum(tf.square(grad), axis=1) + 1e-12)
            return tf.reduce_mean(tf.square(norm - 1.0))

        @tf.function(jit_compile=True)
        def chunk(real, n, seed):
            d_sum = tf.constant(0.0)
            g_sum = tf.constant(0.0)
            i = tf.constant(0)
            while i < n:
                base = tf.cast(i, tf.int64) * (2 * steps + 1)
                for j in range(steps):
                    z = latent((B, L), tf.stack([seed, base + 2 * j]))
                    with tf.GradientTape() as tape:
                        fake = G(z, training=True)
                        # One pass over real and fake together: half the ops of two passes.
                        scores = D(tf.concat([real[i, j], fake], 0), training=True)
                        d_loss = loss.d_loss(scores[:B], scores[B:], smoothing)
                        if loss.gradient_penalty:
                            d_loss += loss.gradient_penalty * penalty(
                                real[i, j], fake, tf.stack([seed, base + 2 * j + 1]))
                    grads = tape.gradient(d_loss, D.trainable_variables)
                    d_opt.apply_gradients(zip(grads, D.trainable_variables))
                z = latent((2 * B, L), tf.stack([seed, base + 2 * steps]))
                with tf.GradientTape() as tape:
                    g_loss = loss.g_loss(D(G(z, training=True), training=True))
                grads = tape.gradient(g_loss, G.trainable_variables)
                g_opt.apply_gradients(zip(grads, G.trainable_variables))
                d_sum += d_loss
                g_sum += g_loss
                i += 1
            count = tf.cast(tf.maximum(n, 1), tf.float32)
            weights = [tf.reduce_sum(w) for w in G.trainable_variables + D.trainable_variables]
            finite = tf.reduce_all(tf.math.is_finite(tf.stack(weights + [d_sum, g_sum])))
            return d_sum / count, g_sum / count, finite

        return chunk

    # ---- evaluation -----------------------------------------------------------------
    def evaluate(self, n: int = 200) -> dict[str, float]:
        """D accuracy on n fresh real and n fresh fake samples (the tutorial used 100 + 100)."""
        real = self.target.sample(self.rng, n)
        real_s, fake_s = (s.numpy().ravel() for s in self._scores(real, self.latent(n)))
        threshold = self.loss.threshold
        if threshold is None:
            threshold = 0.5 * (float(real_s.mean()) + float(fake_s.mean()))
        return {"d_accuracy_real": float((real_s > threshold).mean()),
                "d_accuracy_fake": float((fake_s <= threshold).mean())}
