"""Images: square grey pictures (letters, digits), each sample a flat row of pixels in [-1, 1].

Networks (architecture `conv`, a small DCGAN; hidden nodes are channels C):
  G: noise → Dense(s/4 · s/4 · 2C) → upsample ×2 → Conv 3×3, C (one more per hidden layer
     beyond two) → upsample ×2 → Conv 3×3 → 1 channel
  D: 2 × Conv 3×3 stride 2 (C, then 2C), dropout → one more stride-1 conv per hidden layer
     beyond two → score.
At C = 32 and 28×28 that is about 130 k parameters in G and 22 k in D: watchable live on
a CPU core. `mlp` trains plain dense nets on the flat pixels, as the first GAN paper did.

Metrics come from a small classifier trained on the real set at first use and cached
(scikit-learn's MLP, 128 hidden units, a few seconds; it also learns a class "none of them"
from noise, shuffled, blended and smeared real images): the share of recognisable fakes (a
class named with probability ≥ 0.9), the classes the fakes cover (≥ 1 % of them each; a collapsed G
covers few), and the Fréchet distance between real and fake in the classifier's hidden
features. Inception's weights cannot be downloaded here, so this is not the published FID:
it is named `frechet_classifier`, and only comparable with itself.
"""
from __future__ import annotations

import threading
from functools import lru_cache

import keras
import numpy as np

from gan_core.config import RunConfig
from gan_core.models import activate, initializer, mlp_discriminator, mlp_generator, normalise, score
from gan_core.targets import Target

SHOWN = 36  # fakes the page shows each publication (the metrics use the whole fixed batch)
RECOGNISABLE = 0.9  # top class probability of a recognisable image
COVERED = 0.01  # share of the fakes a class needs to count as covered
_CLASSIFIER_VERSION = 2
_classifier_lock = threading.Lock()


def build_generator(cfg: RunConfig, target: Target) -> keras.Model:
    if cfg.architecture == "dcgan":
        return tutorial_generator(cfg, target)
    if cfg.architecture != "conv":
        return mlp_generator(cfg, target)
    bn = cfg.g_batch_norm == "on"
    side, C = target.side, cfg.g_hidden_nodes
    q = side // 4
    z = keras.Input((cfg.latent_size,), name="latent")
    x = keras.layers.Dense(q * q * 2 * C, kernel_initializer=initializer(cfg.g_activation, cfg.seed * 101),
                           name="g_project")(z)
    x = keras.layers.Reshape((q, q, 2 * C), name="g_grid")(x)
    x = activate(normalise(x, "g_project") if bn else x, cfg.g_activation, "g_project_act")
    # Channels halve as the size doubles: the work per image stays small (a CPU's budget).
    for k in range(max(1, cfg.g_hidden_layers - 1)):
        if k == 0:
            x = keras.layers.UpSampling2D(2, interpolation="nearest", name="g_up_0")(x)
        x = keras.layers.Conv2D(C, 3, padding="same", kernel_initializer=initializer(cfg.g_activation, cfg.seed * 101 + k + 1),
                                name=f"g_conv_{k}")(x)
        x = activate(normalise(x, f"g_conv_{k}") if bn else x, cfg.g_activation, f"g_conv_{k}_act")
    x = keras.layers.UpSampling2D(2, interpolation="nearest", name="g_up_1")(x)
    init = keras.initializers.GlorotUniform(seed=cfg.seed * 101 + 50)
    x = keras.layers.Conv2D(1, 3, padding="same", kernel_initializer=init, name="g_pixels",
                            activation="tanh" if cfg.g_output == "tanh" else None)(x)
    x = keras.layers.Reshape((side * side,), name="g_flat")(x)
    return keras.Model(z, x, name="generator")


def build_discriminator(cfg: RunConfig, target: Target) -> keras.Model:
    if cfg.architecture == "dcgan":
        return tutorial_discriminator(cfg, target)
    if cfg.architecture != "conv":
        return mlp_discriminator(cfg, target)
    side, C = target.side, cfg.d_hidden_nodes
    s = keras.Input((target.dim,), name="sample")
    x = keras.layers.Reshape((side, side, 1), name="d_grid")(s)
    for k in range(max(2, cfg.d_hidden_layers)):
        stride = 2 if k < 2 else 1
        x = keras.layers.Conv2D(C * (2 if k else 1), 3, strides=stride, padding="same",
                                kernel_initializer=initializer(cfg.d_activation, cfg.seed * 101 + 60 + k),
                                name=f"d_conv_{k}")(x)
        x = activate(x, cfg.d_activation, f"d_conv_{k}_act")
        if cfg.d_dropout:
            x = keras.layers.Dropout(cfg.d_dropout, seed=cfg.seed * 101 + 70 + k, name=f"d_conv_{k}_drop")(x)
    x = keras.layers.Flatten(name="d_flat")(x)
    return keras.Model(s, score(x, cfg), name="discriminator")


# ---- the letters tutorial's DCGAN (architecture "dcgan") ------------------------------
TUTORIAL_DROPOUT = 0.4  # after G's projection, as the tutorial's generator has it
TUTORIAL_KERNEL = 5


def tutorial_generator(cfg: RunConfig, target: Target) -> keras.Model:
    """Dense(s/4 · s/4 · 4H) → BN → ReLU → dropout → [upsample] ConvT(2H) → [upsample] ConvT(H)
    → ConvT(H/2) → ConvT(1), 5×5 kernels, batch norm and the activation after each: at H = 64
    (the tutorial's) that is Dense(7·7·256) and 2.39 M parameters."""
    side, H = target.side, cfg.g_hidden_nodes
    q, seed = side // 4, cfg.seed * 101
    z = keras.Input((cfg.latent_size,), name="latent")
    x = keras.layers.Dense(q * q * 4 * H, kernel_initializer=initializer(cfg.g_activation, seed), name="g_project")(z)
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
    s = keras.Input((target.dim,), name="sample")
    x = keras.layers.Reshape((side, side, 1), name="d_grid")(s)
    for k, (channels, stride) in enumerate(((H, 2), (2 * H, 2), (4 * H, 2), (8 * H, 1))):
        x = keras.layers.Conv2D(channels, TUTORIAL_KERNEL, strides=stride, padding="same", name=f"d_conv_{k}",
                                kernel_initializer=initializer(cfg.d_activation, cfg.seed * 101 + 60 + k))(x)
        x = activate(x, cfg.d_activation, f"d_conv_{k}_act")
        if cfg.d_dropout:
            x = keras.layers.Dropout(cfg.d_dropout, seed=cfg.seed * 101 + 70 + k, name=f"d_conv_{k}_drop")(x)
    x = keras.layers.Flatten(name="d_flat")(x)
    return keras.Model(s, score(x, cfg), name="discriminator")


# ---- the judge ------------------------------------------------------------------------
class Classifier:
    """A one-hidden-layer classifier of the real images, as plain NumPy weights."""

    def __init__(self, w1, b1, w2, b2, classes, real_mean, real_cov, real_recognisable):
        self.w1, self.b1, self.w2, self.b2 = w1, b1, w2, b2
        self.classes = tuple(classes)
        self.real_mean, self.real_cov, self.real_recognisable = real_mean, real_cov, float(real_recognisable)

    def features(self, x: np.ndarray) -> np.ndarray:
        return np.maximum(x @ self.w1 + self.b1, 0.0)

    def probabilities(self, x: np.ndarray) -> np.ndarray:
        """One column per class, and a last one for "none of them"."""
        logits = self.features(x) @ self.w2 + self.b2
        logits -= logits.max(axis=1, keepdims=True)
        e = np.exp(logits)
        return e / e.sum(axis=1, keepdims=True)

    def recognise(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(recognisable, class) per image: a class named with ≥ 90 % confidence, not "none"."""
        probs = self.probabilities(x)
        top = probs.argmax(axis=1)
        return (probs.max(axis=1) >= RECOGNISABLE) & (top < len(self.classes)), top


def classifier(target: Target) -> Classifier:
    with _classifier_lock:
        return _classifier(target)


@lru_cache(maxsize=4)
def _classifier(target: Target) -> Classifier:
    from gan_core.data import cache_dir

    path = cache_dir() / f"classifier-{target.id}-v{_CLASSIFIER_VERSION}-{target.dim}.npz"
    if path.exists():
        with np.load(path) as f:
            return Classifier(*(f[k] for k in ("w1", "b1", "w2", "b2", "classes", "real_mean", "real_cov",
                                               "real_recognisable")))
    made = train_classifier(target)
    tmp = path.with_suffix(".tmp.npz")
    np.savez(tmp, w1=made.w1, b1=made.b1, w2=made.w2, b2=made.b2, classes=np.array(made.classes),
             real_mean=made.real_mean, real_cov=made.real_cov, real_recognisable=made.real_recognisable)
    tmp.replace(path)
    return made


def train_classifier(target: Target, max_iter: int = 40) -> Classifier:
    import warnings

    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    images, labels, classes = target.loader()
    x = images.reshape(len(images), -1).astype(np.float64)
    negatives = not_images(x, np.random.default_rng(0), 3 * len(x) // len(classes))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        mlp = MLPClassifier((128,), alpha=1e-3, batch_size=128, max_iter=max_iter, random_state=0).fit(
            np.concatenate([x, negatives]), np.concatenate([labels, np.full(len(negatives), len(classes))]))
    made = Classifier(mlp.coefs_[0], mlp.intercepts_[0], mlp.coefs_[1], mlp.intercepts_[1], classes,
                      None, None, 0.0)
    feats = made.features(x)
    made.real_mean, made.real_cov = feats.mean(axis=0), np.cov(feats, rowvar=False)
    made.real_recognisable = float(made.recognise(x)[0].mean())
    return made


def not_images(x: np.ndarray, rng: np.random.Generator, n: int) -> np.ndarray:
    """Pictures that are none of the classes, as an untrained or confused G draws them: noise,
    real pixels shuffled, two real images blended (a blurry average of shapes), and real
    images smeared. Trained as a class of their own, they keep the classifier from naming a
    blob as a letter with 90 % confidence."""
    side = int(round(np.sqrt(x.shape[1])))
    pick = lambda: x[rng.integers(0, len(x), n)]  # noqa: E731
    noise = rng.uniform(-1.0, 1.0, x[:n].shape)
    shuffled = rng.permuted(pick(), axis=1)
    blended = 0.5 * (pick() + pick())
    smeared = pick().reshape(n, side, side)
    for axis in (1, 2):
        smeared = sum(np.roll(smeared, k, axis=axis) for k in range(-2, 3)) / 5.0
    parts = [noise, shuffled, blended, smeared.reshape(n, -1)]
    return np.concatenate([p[: n // 4 + 1] for p in parts])[:n]


def frechet(mean_a, cov_a, mean_b, cov_b) -> float:
    from scipy import linalg

    eye = 1e-6 * np.eye(len(cov_a))  # dead ReLU features make the covariances singular
    cov_a, cov_b = cov_a + eye, cov_b + eye
    root = linalg.sqrtm(cov_a @ cov_b)
    root = np.real(root)
    return float(np.sum((mean_a - mean_b) ** 2) + np.trace(cov_a + cov_b - 2.0 * root))


def metrics(target: Target, samples: np.ndarray) -> dict[str, float]:
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
    return out


GRID_GAP = 2  # dark pixels between the cells of a grid


def grid_png(images: np.ndarray, side: int, rows: int, cols: int, band: int = 0) -> bytes:
    """rows × cols images in [-1, 1] as one grey PNG (missing cells stay dark), 64 grey
    levels: the eye sees no difference, and even a grid of noise stays small. `band` pixels
    are left free under each row (for a caption drawn over the PNG)."""
    import io

    from PIL import Image

    cell, row = side + GRID_GAP, side + GRID_GAP + band
    canvas = np.full((rows * row + GRID_GAP, cols * cell + GRID_GAP), 40, np.uint8)
    pixels = np.clip((np.asarray(images[: rows * cols], np.float64) + 1.0) * 127.5, 0, 255).astype(np.uint8)
    pixels &= 0xFC
    for k, img in enumerate(pixels):
        r, c = divmod(k, cols)
        top, left = GRID_GAP + r * row, GRID_GAP + c * cell
        canvas[top:top + side, left:left + side] = img.reshape(side, side)
    out = io.BytesIO()
    Image.fromarray(canvas, "L").save(out, format="PNG", optimize=True)
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
