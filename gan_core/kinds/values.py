"""Values: 1-D samples, a person's own list of numbers (gan_core/data/custom.py). MLP networks;
metrics that compare the fakes with the numbers themselves: the exact 1-D Wasserstein
distance (from the two sorted samples) and KL and JS on a histogram of BINS bins over the
plot range."""
from __future__ import annotations

import numpy as np

from gan_core import metrics as m
from gan_core.models import mlp_discriminator as build_discriminator  # noqa: F401
from gan_core.models import mlp_generator as build_generator  # noqa: F401
from gan_core.targets import Target

BINS = 60


def histogram(values: np.ndarray, target: Target) -> np.ndarray:
    """Normalised histogram over the plot range; values outside count in the edge bins."""
    x0, x1 = target.x_range
    index = np.clip(((np.asarray(values, np.float64) - x0) / (x1 - x0) * BINS).astype(np.int64), 0, BINS - 1)
    counts = np.bincount(index, minlength=BINS).astype(np.float64)
    return counts / max(counts.sum(), 1.0)


def w1(a: np.ndarray, b: np.ndarray) -> float:
    """W1 between two 1-D samples: the mean gap between their quantiles."""
    q = (np.arange(200) + 0.5) / 200
    return float(np.abs(np.quantile(a, q) - np.quantile(b, q)).mean())


def metrics(target: Target, samples: np.ndarray) -> dict[str, float]:
    ref, x = m.reference_sample(target)[:, 0], samples[:, 0]
    out = {"wasserstein": w1(x, ref)}
    out["kl"], out["js"] = m.kl_js(histogram(ref, target), histogram(x, target))
    return out


SHOWN = None
EVALUATED = 200


def fused_loop(cfg) -> bool:
    return True


def csv_header(target: Target) -> list[str]:
    return ["x"]
