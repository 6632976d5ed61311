"""Sequences: each sample is a whole curve of `target.dim` values (the sinusoid tutorial's 50).

G is an MLP that outputs the curve at once. D is an MLP or, as in the tutorial, a Conv1D
stack (kernel 5; hidden nodes are its channels) then one dense layer of as many units, then
the score. Metrics say how much the fakes look like the family of curves (the fit residual
of a·sin(b·x + c) + d per curve), and whether they are as varied as the real ones (the
fitted frequencies against the real U[1, 2]; the point-wise spread): a generator that
collapses to nearly one curve for every noise vector, which the tutorial observed, keeps a
low residual but loses its frequency spread.
"""
from __future__ import annotations

from functools import lru_cache

import keras
import numpy as np

from gan_core import metrics as m
from gan_core.config import RunConfig
from gan_core.models import activate, initializer, mlp_discriminator, score
from gan_core.models import mlp_generator as build_generator  # noqa: F401  (this kind's G)
from gan_core.targets import Target

KERNEL = 5
# Frequencies the fit tries: wide around the real U[1, 2], in steps fine enough that the
# phase error over x ≤ 4.9 stays small next to the residuals that matter (0.05).
FIT_FREQUENCIES = np.arange(0.5, 3.0001, 0.005)
COLLAPSE_SHARE = 0.3  # fakes spread less than this share of the real curves': mode collapse


@keras.saving.register_keras_serializable(package="gan_core")
class Conv1DMatmul(keras.layers.Layer):
    """Conv1D (valid padding, stride 1) as one matrix product over the unfolded windows.
    The same weights and results as keras.layers.Conv1D, but XLA on a CPU runs Keras's
    convolution (and its gradient with respect to the input, which G's update needs) several
    times slower than this matmul for the small kernels used here."""

    def __init__(self, filters: int, kernel_size: int, kernel_initializer="he_uniform", **kwargs):
        super().__init__(**kwargs)
        self.filters, self.kernel_size = int(filters), int(kernel_size)
        self.kernel_initializer = keras.initializers.get(kernel_initializer)

    def build(self, input_shape):
        channels = int(input_shape[-1])
        self.kernel = self.add_weight(shape=(self.kernel_size, channels, self.filters),
                                      initializer=self.kernel_initializer, name="kernel")
        self.bias = self.add_weight(shape=(self.filters,), initializer="zeros", name="bias")

    def call(self, x):
        steps = x.shape[1] - self.kernel_size + 1
        windows = keras.ops.concatenate([x[:, k:k + steps, :] for k in range(self.kernel_size)], axis=-1)
        kernel = keras.ops.reshape(self.kernel, (-1, self.filters))  # (k · channels, filters), k-major
        return keras.ops.matmul(windows, kernel) + self.bias

    def compute_output_shape(self, input_shape):
        return (input_shape[0], input_shape[1] - self.kernel_size + 1, self.filters)

    def get_config(self):
        return {**super().get_config(), "filters": self.filters, "kernel_size": self.kernel_size,
                "kernel_initializer": keras.initializers.serialize(self.kernel_initializer)}


def build_discriminator(cfg: RunConfig, target: Target) -> keras.Model:
    if cfg.architecture != "conv":
        return mlp_discriminator(cfg, target)
    s = keras.Input((target.dim,), name="sample")
    x = keras.layers.Reshape((target.dim, 1), name="d_channels")(s)
    for k in range(cfg.d_hidden_layers):
        seed = cfg.seed * 101 + 60 + k
        x = Conv1DMatmul(cfg.d_hidden_nodes, KERNEL, kernel_initializer=initializer(cfg.d_activation, seed),
                         name=f"d_conv_{k}")(x)
        x = activate(x, cfg.d_activation, f"d_conv_{k}_act")
        if cfg.d_dropout:
            x = keras.layers.Dropout(cfg.d_dropout, seed=seed, name=f"d_conv_{k}_drop")(x)
    x = keras.layers.Flatten(name="d_flat")(x)
    x = keras.layers.Dense(cfg.d_hidden_nodes, kernel_initializer=keras.initializers.GlorotUniform(
        seed=cfg.seed * 101 + 90), name="d_dense")(x)  # linear, as the tutorial's
    return keras.Model(s, score(x, cfg), name="discriminator")


def sequence_x(target: Target) -> np.ndarray:
    return np.linspace(target.x_range[0], target.x_range[1], target.dim)


@lru_cache(maxsize=8)
def _fit_bases(target: Target) -> np.ndarray:
    """Orthonormal bases of span{sin(bx), cos(bx), 1} for every tried b: (dim, 3·len(b))."""
    x = sequence_x(target)
    blocks = []
    for b in FIT_FREQUENCIES:
        q, _ = np.linalg.qr(np.stack([np.sin(b * x), np.cos(b * x), np.ones_like(x)], axis=1))
        blocks.append(q)
    return np.concatenate(blocks, axis=1)


def fit_sinusoids(target: Target, curves: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Least-squares fit of a·sin(b·x + c) + d to each curve: (RMS residual, b) per curve.
    a·sin(bx + c) = a₁·sin(bx) + a₂·cos(bx), so for each b the fit is a projection."""
    curves = np.asarray(curves, dtype=np.float64)
    energy = np.square(curves @ _fit_bases(target)).reshape(len(curves), len(FIT_FREQUENCIES), 3).sum(axis=2)
    best = energy.argmax(axis=1)
    left = np.square(curves).sum(axis=1) - energy[np.arange(len(curves)), best]
    return np.sqrt(np.maximum(left, 0.0) / curves.shape[1]), FIT_FREQUENCIES[best]


def metrics(target: Target, samples: np.ndarray) -> dict[str, float]:
    ref = m.reference_sample(target)[: max(len(samples), 2)]
    out = {"diversity": float(samples.std(axis=0).mean()), "real_diversity": float(ref.std(axis=0).mean())}
    if target.frequency_range is not None and len(samples):
        residual, frequency = fit_sinusoids(target, samples)
        out["fit_residual"] = float(residual.mean())
        out["frequency_w1"] = m.uniform_w1(frequency, *target.frequency_range)
        out["frequency_spread"] = float(frequency.std())
    out["collapsed"] = float(out["diversity"] < COLLAPSE_SHARE * out["real_diversity"])
    return out


SHOWN = None  # every fake is judged each publication; the view picks its few curves
EVALUATED = 200  # D accuracy after each chunk on this many fresh real and fake samples


def fused_loop(cfg: RunConfig) -> bool:
    return True


def csv_header(target: Target) -> list[str]:
    return [f"v{i}" for i in range(target.dim)]
