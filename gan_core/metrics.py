"""Objective metrics: what the tutorials could only eyeball.

All take generated samples as a NumPy array and are pure and cheap (a few ms for
2,000 samples), so the session computes them off the training hot path.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np

from gan_core.targets import Target

GRID = 30  # bins per axis for KL / JS, as in GAN Lab
_REFERENCE_SIZE = 20_000
_EPS = 1e-10


def reference_sample(target: Target) -> np.ndarray:
    """A large fixed sample of the target, the same for every run (seeded by the id); a
    person's own data is its own reference."""
    return target.data if target.data is not None else _reference(target)


@lru_cache(maxsize=None)
def _reference(target: Target) -> np.ndarray:
    seed = sum(map(ord, target.id))
    sample = target.sample(np.random.default_rng(seed), _REFERENCE_SIZE)
    sample.setflags(write=False)
    return sample


def uniform_w1(x: np.ndarray, low: float, high: float) -> float:
    """1-D Wasserstein distance between the samples x and U[low, high], via quantiles."""
    xs = np.sort(np.asarray(x, dtype=np.float64))
    q = low + (np.arange(len(xs)) + 0.5) / len(xs) * (high - low)
    return float(np.abs(xs - q).mean())


def sliced_w1(a: np.ndarray, b: np.ndarray, projections: int = 64, seed: int = 0) -> float:
    """Sliced Wasserstein-1 between two point sets: the mean 1-D W1 over random directions."""
    n = min(len(a), len(b))
    a, b = a[:n].astype(np.float64), b[:n].astype(np.float64)
    theta = np.random.default_rng(seed).uniform(0, np.pi, projections)
    dirs = np.stack([np.cos(theta), np.sin(theta)])
    pa, pb = np.sort(a @ dirs, axis=0), np.sort(b @ dirs, axis=0)
    return float(np.abs(pa - pb).mean())


def grid_histogram(points: np.ndarray, target: Target) -> np.ndarray:
    """Normalised 30×30 histogram over the target's plot ranges; every point counts, points
    outside are clamped into the edge bins (GAN Lab dropped them, which skews KL/JS)."""
    (x0, x1), (y0, y1) = target.x_range, target.y_range
    ix = np.clip(((points[:, 0] - x0) / (x1 - x0) * GRID).astype(np.int64), 0, GRID - 1)
    iy = np.clip(((points[:, 1] - y0) / (y1 - y0) * GRID).astype(np.int64), 0, GRID - 1)
    counts = np.bincount(ix * GRID + iy, minlength=GRID * GRID).astype(np.float64)
    return counts / max(counts.sum(), 1.0)


def kl_js(p: np.ndarray, q: np.ndarray) -> tuple[float, float]:
    """KL(p ‖ q) and JS(p, q) in nats, with a tiny floor so empty bins stay finite."""
    p = (p + _EPS) / (p + _EPS).sum()
    q = (q + _EPS) / (q + _EPS).sum()
    m = 0.5 * (p + q)
    kl = float(np.sum(p * np.log(p / q)))
    js = float(0.5 * np.sum(p * np.log(p / m)) + 0.5 * np.sum(q * np.log(q / m)))
    return kl, js


def mode_coverage(points: np.ndarray, target: Target) -> dict[str, float]:
    """Modes covered, the share of high-quality samples and the reverse KL, as the PacGAN and
    VEEGAN papers evaluate them: each sample goes to its nearest mode and is high quality
    within 3σ of it; `reverse_kl` = KL(the high-quality samples' distribution over the modes ‖
    uniform), in nats (0 when they spread evenly; log(modes) when all sit on one). A mode is
    covered by one high-quality sample under the papers' rule (`mode_rule` "any"); under
    ours ("share") it must hold a quarter of its fair share (n / modes), so a few stray
    samples do not count."""
    modes = np.asarray(target.modes)
    d = np.linalg.norm(points[:, None, :] - modes[None, :, :], axis=2)
    nearest = d.argmin(axis=1)
    good = d[np.arange(len(points)), nearest] <= 3 * target.mode_sigma
    counts = np.bincount(nearest[good], minlength=len(modes))
    needed = 1.0 if target.mode_rule == "any" else max(1.0, 0.25 * len(points) / len(modes))
    p = counts / counts.sum() if counts.sum() else np.zeros(len(modes))
    held = p > 0
    reverse_kl = float(np.sum(p[held] * np.log(p[held] * len(modes)))) if held.any() else float(np.log(len(modes)))
    return {"modes_covered": int((counts >= needed).sum()), "modes_total": int(len(modes)),
            "high_quality_share": float(good.mean()) if len(points) else 0.0, "reverse_kl": reverse_kl}


def compute_metrics(target: Target, samples: np.ndarray, asked: np.ndarray | None = None) -> dict[str, float]:
    """Every metric that applies to this target, keyed by name: the one entry point; each
    kind (gan_core/kinds/) computes its own. `asked`: the class each sample was asked for
    (a conditional run's), so the metrics also say how many were drawn as asked."""
    from gan_core.kinds import kind_of

    samples = np.asarray(samples, dtype=np.float64)
    if not np.all(np.isfinite(samples)):
        return {"finite_share": float(np.isfinite(samples).all(axis=1).mean())}
    if asked is not None:
        return kind_of(target).metrics(target, samples, asked=asked)
    return kind_of(target).metrics(target, samples)
