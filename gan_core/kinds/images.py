"""Images: square grey pictures (letters, digits), each sample a flat row of pixels in [-1, 1].

Networks (architecture `conv`, a small DCGAN; hidden nodes are channels C):
  G: noise → Dense(s/4 · s/4 · 4C) → pixel shuffle to s/2 × s/2 × C → Conv 3×3, C (one more
     per hidden layer beyond two) → Conv 3×3, 4 channels → pixel shuffle to s × s × 1
  D: 2 × Conv 3×3 stride 2 (C, then 2C), dropout → one more stride-1 conv per hidden layer
     beyond two → score.
At C = 32 and 28×28 that is about 130 k parameters in G and 22 k in D: watchable live on
a CPU core. `mlp` trains plain dense nets on the flat pixels, as the first GAN paper did.

Metrics come from the judge (gan_core/judge.py), a small CNN trained on the real set at first
use and cached, which also knows a class "none of them": the share of recognisable fakes (a
class named with probability ≥ 0.9), the classes the fakes cover (≥ 1 % of them each; a
collapsed G covers few), and the Fréchet distance between real and fake in the judge's hidden
features. Inception's weights cannot be downloaded here, so this is not the published FID:
it is named `frechet_classifier`, and only comparable with itself. A conditional run's
metrics also give the share drawn as the class asked for (`asked_class_share`).

Conditional (`conditional` on, the image targets' recommendation): G's noise ends in the class
asked for (one-hot), which G reads through a learnt embedding of 8 numbers, and D adds a
projection of the class onto its flattened features (gan_core.models.score). The fixed noise
asks for the classes in turn, so the grid shows them all in order. Measured on the letters
(the default at C = 16 and 32 noise numbers, 90-110 it/s): unconditional, 37-44 % of the
fakes recognisable and 11-19 of 40 classes after 120 s, whatever else was changed (width,
rates, losses, batch norm, minibatch std, EMA of G, a convolution at 7×7); conditional,
87-91 % and 36-37 classes after 180 s (seeds 0-2).
"""
from __future__ import annotations

import keras
import numpy as np

from gan_core.config import RunConfig
from gan_core.judge import frechet
from gan_core.judge import judge as classifier
from gan_core.models import (activate, initializer, latent_input, mlp_discriminator, mlp_generator, normalise,
                             sample_input, score)
from gan_core.targets import Target

SHOWN = 25  # fakes the page shows each publication (the metrics use the whole fixed batch)
EVALUATED = 64  # D accuracy after each chunk on this many fresh real and fake images (a batch):
# 200 + 200 would cost more than the chunk's own training
COVERED = 0.01  # share of the fakes a class needs to count as covered


@keras.saving.register_keras_serializable(package="gan_core")
class PixelShuffle(keras.layers.Layer):
    """Depth to space: (h, w, 4c) → (2h, 2w, c), each pixel's four channel groups becoming a
    2×2 block (TensorFlow's depth_to_space order). A convolution followed by this layer draws
    at twice its resolution ("sub-pixel convolution"): on this CPU, a 14×14 convolution to 4
    channels and this shuffle take a third of the time of upsampling and a 28×28 convolution
    to one channel, which oneDNN runs at a fraction of its speed."""

    def call(self, x):
        _, h, w, c = x.shape
        x = keras.ops.reshape(x, (-1, h, w, 2, 2, c // 4))
        x = keras.ops.transpose(x, (0, 1, 3, 2, 4, 5))
        return keras.ops.reshape(x, (-1, 2 * h, 2 * w, c // 4))

    def compute_output_shape(self, input_shape):
        n, h, w, c = input_shape
        return (n, 2 * h, 2 * w, c // 4)


def build_generator(cfg: RunConfig, target: Target) -> keras.Model:
    if cfg.architecture == "dcgan":
        return tutorial_generator(cfg, target)
    if cfg.architecture != "conv":
        return mlp_generator(cfg, target)
    bn = cfg.g_batch_norm == "on"
    side, C = target.side, cfg.g_hidden_nodes
    q, seed = side // 4, cfg.seed * 101
    z, x = latent_input(cfg, target)
    x = keras.layers.Dense(q * q * 4 * C, kernel_initializer=initializer(cfg.g_activation, seed), name="g_project")(x)
    x = keras.layers.Reshape((q, q, 4 * C), name="g_grid")(x)
    x = activate(normalise(x, "g_project") if bn else x, cfg.g_activation, "g_project_act")
    x = PixelShuffle(name="g_up_0")(x)  # s/2 × s/2 × C
    for k in range(max(1, cfg.g_hidden_layers - 1)):
        x = keras.layers.Conv2D(C, 3, padding="same", kernel_initializer=initializer(cfg.g_activation, seed + k + 1),
                                name=f"g_conv_{k}")(x)
        x = activate(normalise(x, f"g_conv_{k}") if bn else x, cfg.g_activation, f"g_conv_{k}_act")
    x = keras.layers.Conv2D(4, 3, padding="same", kernel_initializer=keras.initializers.GlorotUniform(seed=seed + 50),
                            activation="tanh" if cfg.g_output == "tanh" else None, name="g_pixels")(x)
    x = PixelShuffle(name="g_up_1")(x)  # s × s × 1
    x = keras.layers.Reshape((side * side,), name="g_flat")(x)
    return keras.Model(z, x, name="generator")


def build_discriminator(cfg: RunConfig, target: Target) -> keras.Model:
    if cfg.architecture == "dcgan":
        return tutorial_discriminator(cfg, target)
    if cfg.architecture != "conv":
        return mlp_discriminator(cfg, target)
    side, C = target.side, cfg.d_hidden_nodes
    s, x, label = sample_input(cfg, target, target.dim)
    x = keras.layers.Reshape((side, side, 1), name="d_grid")(x)
    for k in range(max(2, cfg.d_hidden_layers)):
        stride = 2 if k < 2 else 1
        x = keras.layers.Conv2D(C * (2 if k else 1), 3, strides=stride, padding="same",
                                kernel_initializer=initializer(cfg.d_activation, cfg.seed * 101 + 60 + k),
                                name=f"d_conv_{k}")(x)
        x = activate(x, cfg.d_activation, f"d_conv_{k}_act")
        if cfg.d_dropout:
            x = keras.layers.Dropout(cfg.d_dropout, seed=cfg.seed * 101 + 70 + k, name=f"d_conv_{k}_drop")(x)
    x = keras.layers.Flatten(name="d_flat")(x)
    return keras.Model(s, score(x, cfg, label), name="discriminator")


# ---- the letters tutorial's DCGAN (architecture "dcgan") ------------------------------
TUTORIAL_DROPOUT = 0.4  # after G's projection, as the tutorial's generator has it
TUTORIAL_KERNEL = 5


def tutorial_generator(cfg: RunConfig, target: Target) -> keras.Model:
    """Dense(s/4 · s/4 · 4H) → BN → ReLU → dropout → [upsample] ConvT(2H) → [upsample] ConvT(H)
    → ConvT(H/2) → ConvT(1), 5×5 kernels, batch norm and the activation after each: at H = 64
    (the tutorial's) that is Dense(7·7·256) and 2.39 M parameters."""
    side, H = target.side, cfg.g_hidden_nodes
    q, seed = side // 4, cfg.seed * 101
    z, x = latent_input(cfg, target)
    x = keras.layers.Dense(q * q * 4 * H, kernel_initializer=initializer(cfg.g_activation, seed), name="g_project")(x)
    x = activate(normalise(x, "g_project"), cfg.g_activation, "g_project_act")
    x = keras.layers.Reshape((q, q, 4 * H), name="g_grid")(x)
    x = keras.layers.Dropout(TUTORIAL_DROPOUT, seed=seed + 40, name="g_project_drop")(x)
    for k, channels in enumerate((2 * H, H, max(1, H // 2))):
        if k < 2:
            x = keras.layers.UpSampling2D(2, name=f"g_up_{k}")(x)
        x = keras.layers.Conv2DTranspose(channels, TUTORIAL_KERNEL, padding="same", name=f"g_conv_{k}",
                                         kernel_initializer=initializer(cfg.g_activation, seed + k + 1))(x)
        x = activate(normalise(x, f"g_conv_{k}"), cfg.g_activation, f"g_conv_{k}_act")
    x = keras.layers.Conv2DTranspose(1, TUTORIAL_KERNEL, padding="same", name="g_pixels",
                                     activation="tanh" if cfg.g_output == "tanh" else None,
                                     kernel_initializer=keras.initializers.GlorotUniform(seed=seed + 50))(x)
    return keras.Model(z, keras.layers.Reshape((side * side,), name="g_flat")(x), name="generator")


def tutorial_discriminator(cfg: RunConfig, target: Target) -> keras.Model:
    """Conv(H, stride 2) → Conv(2H, 2) → Conv(4H, 2) → Conv(8H, 1), 5×5 kernels, each with the
    activation and dropout → score: at H = 64, 4.31 M parameters."""
    side, H = target.side, cfg.d_hidden_nodes
    s, x, label = sample_input(cfg, target, target.dim)
    x = keras.layers.Reshape((side, side, 1), name="d_grid")(x)
    for k, (channels, stride) in enumerate(((H, 2), (2 * H, 2), (4 * H, 2), (8 * H, 1))):
        x = keras.layers.Conv2D(channels, TUTORIAL_KERNEL, strides=stride, padding="same", name=f"d_conv_{k}",
                                kernel_initializer=initializer(cfg.d_activation, cfg.seed * 101 + 60 + k))(x)
        x = activate(x, cfg.d_activation, f"d_conv_{k}_act")
        if cfg.d_dropout:
            x = keras.layers.Dropout(cfg.d_dropout, seed=cfg.seed * 101 + 70 + k, name=f"d_conv_{k}_drop")(x)
    x = keras.layers.Flatten(name="d_flat")(x)
    return keras.Model(s, score(x, cfg, label), name="discriminator")


def metrics(target: Target, samples: np.ndarray, asked: np.ndarray | None = None) -> dict[str, float]:
    """`asked`: the class each fake was asked for (a conditional run's); then also the share
    of fakes recognisably drawn as that class."""
    judge = classifier(target)
    x = np.clip(samples, -1.0, 1.0)
    recognisable, top = judge.recognise(x)
    # a class counts as covered by recognisable fakes only: noise "covers" nothing
    shares = np.bincount(top[recognisable], minlength=len(judge.classes)) / max(len(x), 1)
    feats = judge.features(x)
    out = {"recognisable_share": float(recognisable.mean()),
           "classes_covered": int((shares >= COVERED).sum()), "classes_total": len(judge.classes),
           "real_recognisable_share": judge.real_recognisable}
    if len(x) > 2:
        out["frechet_classifier"] = frechet(judge.real_mean, judge.real_cov, feats.mean(axis=0),
                                            np.cov(feats, rowvar=False))
    out["classes_covered_share"] = out["classes_covered"] / out["classes_total"]
    if asked is not None:
        out["asked_class_share"] = float((recognisable & (top == np.asarray(asked))).mean())
    return out


GRID_GAP = 2  # dark pixels between the cells of a grid


def grid_png(images: np.ndarray, side: int, rows: int, cols: int, band: int = 0) -> bytes:
    """rows × cols images in [-1, 1] as one grey PNG (missing cells stay dark), 32 grey
    levels: the eye sees no difference at this size, and even a grid of noise stays small. `band` pixels
    are left free under each row (for a caption drawn over the PNG)."""
    import io

    from PIL import Image

    cell, row = side + GRID_GAP, side + GRID_GAP + band
    canvas = np.full((rows * row + GRID_GAP, cols * cell + GRID_GAP), 40, np.uint8)
    pixels = np.clip((np.asarray(images[: rows * cols], np.float64) + 1.0) * 127.5, 0, 255).astype(np.uint8)
    pixels &= 0xF8
    for k, img in enumerate(pixels):
        r, c = divmod(k, cols)
        top, left = GRID_GAP + r * row, GRID_GAP + c * cell
        canvas[top:top + side, left:left + side] = img.reshape(side, side)
    out = io.BytesIO()
    Image.fromarray(canvas, "L").save(out, format="PNG", compress_level=6)  # optimize=True: 4× slower, no smaller
    return out.getvalue()


def fused_loop(cfg: RunConfig) -> bool:
    """XLA on a CPU runs convolutions inside its compiled loop about a hundred times slower
    than TensorFlow's own kernels do (measured: 3 s against 30 ms an iteration for a small
    DCGAN), so image convolutions train in a plain graph loop."""
    return cfg.architecture == "mlp"


def prepare(target: Target) -> None:
    """Load (or render) the image set and train (or load) its judge now, so that the first
    run of this target starts without that wait."""
    target.loader()
    classifier(target)


def csv_header(target: Target) -> list[str]:
    return [f"p{i}" for i in range(target.dim)]
