"""Target distributions: what the generator learns to imitate.

Each target has an id that never changes meaning, a label and a one-sentence description
(the dashboard's tooltip), a kind (`function`: points (x, f(x)); `points`: a 2-D cloud;
`sequence`: a whole curve per sample), natural plot ranges, and a sampler that takes the
run's own `numpy.random.Generator`, so runs are reproducible and independent.
"""
from __future__ import annotations

import collections
import threading
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

Sampler = Callable[[np.random.Generator, int], np.ndarray]

# The network types each kind can train (the config's `architecture` field is checked here).
KIND_ARCHITECTURES: dict[str, tuple[str, ...]] = {
    "function": ("mlp",), "points": ("mlp",), "sequence": ("mlp", "conv"), "image": ("mlp", "conv", "dcgan"),
    "values": ("mlp",),  # 1-D: a person's own numbers
}


@dataclass(frozen=True)
class Target:
    id: str
    label: str
    description: str
    kind: str  # a key of KIND_ARCHITECTURES
    dim: int
    x_range: tuple[float, float]
    y_range: tuple[float, float]
    sampler: Sampler = field(repr=False)
    # function targets: y = f(x) with x ~ U[x_low, x_high]
    f: Callable[[np.ndarray], np.ndarray] | None = field(default=None, repr=False)
    x_domain: tuple[float, float] | None = None
    # mixtures of equal Gaussians: their centres and common standard deviation
    modes: tuple[tuple[float, float], ...] | None = None
    mode_sigma: float | None = None
    # how a mode counts as covered: "share" (holds a quarter of its fair share of good samples,
    # our stricter rule) or "any" (one good sample, as the PacGAN / VEEGAN evaluation counts)
    mode_rule: str = "share"
    # a finite training set of this many samples, drawn once per seed (the papers' setup);
    # None: D sees fresh samples every step
    train_size: int | None = None
    # sinusoid curves: the range their frequencies are drawn from
    frequency_range: tuple[float, float] | None = None
    # images: side length (square, one grey channel) and the loader of (images, labels, classes)
    side: int | None = None
    loader: Callable[[], tuple[np.ndarray, np.ndarray, tuple[str, ...]]] | None = field(default=None, repr=False)
    # data that may be absent from this machine: None when present, else how to add it
    missing: Callable[[], str | None] = field(default=lambda: None, repr=False)
    # a person's own points (gan_core.data.custom): the reference of the metrics
    data: np.ndarray | None = field(default=None, repr=False, compare=False, hash=False)

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return np.asarray(self.sampler(rng, n), dtype=np.float32).reshape(n, self.dim)

    @property
    def labelled(self) -> bool:
        """Its samples have classes (image sets): a conditional GAN can be asked for one."""
        return self.loader is not None

    def class_names(self) -> tuple[str, ...]:
        """The classes of a labelled target (loads its data)."""
        return tuple(str(c) for c in self.loader()[2]) if self.labelled else ()

    def sample_labelled(self, rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
        """n samples and their class indices: the same samples `sample` draws from this rng."""
        images, labels, _ = self.loader()
        index = rng.integers(0, len(images), n)
        return images[index].reshape(n, self.dim).astype(np.float32, copy=False), labels[index]

    def training_sampler(self, seed: int) -> Sampler:
        """What D's real samples are drawn by in a run of this seed: fresh samples, or draws
        from the target's finite training set for that seed."""
        if self.train_size is None:
            return self.sample
        data = training_set(self, seed)
        return lambda rng, n: data[rng.integers(0, len(data), n)]

    @property
    def scale(self) -> float:
        """Half-width that maps the plot ranges into [-1, 1] (for a tanh generator output);
        for curves and images only the values' range counts, not the x axis."""
        if self.kind in ("sequence", "image"):
            return float(max(abs(v) for v in self.y_range))
        return float(max(abs(v) for v in (*self.x_range, *self.y_range)))

    def summary(self) -> dict:
        return {"id": self.id, "label": self.label, "kind": self.kind, "dim": self.dim,
                "description": self.description}


def _function(id_, label, description, f, x_domain, y_range) -> Target:
    lo, hi = x_domain
    pad = 0.1 * (hi - lo)

    def sampler(rng, n):
        x = rng.uniform(lo, hi, n)
        return np.stack([x, f(x)], axis=1)

    return Target(id_, label, description, "function", 2, (lo - pad, hi + pad), y_range,
                  sampler, f=f, x_domain=x_domain)


def _mixture(id_, label, description, centres, sigma, span, **extra) -> Target:
    centres_arr = np.asarray(centres, dtype=np.float64)

    def sampler(rng, n):
        which = rng.integers(0, len(centres_arr), n)
        return centres_arr[which] + rng.normal(0.0, sigma, (n, 2))

    return Target(id_, label, description, "points", 2, (-span, span), (-span, span), sampler,
                  modes=tuple(map(tuple, centres_arr.tolist())), mode_sigma=sigma, **extra)


def _cloud(id_, label, description, sampler, x_range, y_range) -> Target:
    return Target(id_, label, description, "points", 2, x_range, y_range, sampler)


def _gaussian(rng, n):
    return rng.normal(0.0, 0.5, (n, 2))


def _disk(rng, n):
    r = np.sqrt(rng.uniform(0.0, 1.0, n))
    t = rng.uniform(0.0, 2 * np.pi, n)
    return np.stack([r * np.cos(t), r * np.sin(t)], axis=1)


def _moons(rng, n):
    upper = rng.random(n) < 0.5
    t = rng.uniform(0.0, np.pi, n)
    x = np.where(upper, np.cos(t), 1.0 - np.cos(t))
    y = np.where(upper, np.sin(t), 0.5 - np.sin(t))
    pts = np.stack([x - 0.5, y - 0.25], axis=1) * 0.8
    return pts + rng.normal(0.0, 0.04, (n, 2))


def _line(rng, n):
    t = rng.uniform(-0.8, 0.8, n)
    return np.stack([t, 0.6 * t], axis=1) + rng.normal(0.0, 0.01, (n, 2))


SINUSOID_X = np.arange(50) * 0.1  # 0, 0.1 … 4.9 as in the tutorial


def _sinusoids(rng, n):
    offset = rng.uniform(0.0, 100.0, (n, 1))
    mul = rng.uniform(1.0, 2.0, (n, 1))
    return np.sin(offset + SINUSOID_X[None, :] * mul) / 2 + 0.5


_LOADING = threading.Lock()


def _images(id_, label, description, module: str, side: int, function: str = "load", missing=None) -> Target:
    """An image set, loaded (rendered, cached) only when a run first samples it."""
    def loader():
        import importlib

        with _LOADING:  # the server's warm-up and a first run must not both render the set
            return getattr(importlib.import_module(f"gan_core.data.{module}"), function)()

    def sampler(rng, n):  # as Target.sample_labelled draws, without the labels
        images = loader()[0]
        return images[rng.integers(0, len(images), n)].reshape(n, side * side)

    return Target(id_, label, description, "image", side * side, (0.0, float(side)), (-1.0, 1.0), sampler,
                  side=side, loader=loader, missing=missing or (lambda: None))


def _missing(function: str):
    def missing():
        from gan_core.data import mnist

        return getattr(mnist, function)()
    return missing


_ring = [(np.cos(a), np.sin(a)) for a in np.arange(8) * (2 * np.pi / 8)]
_paper_grid = [(x, y) for x in (-4.0, -2.0, 0.0, 2.0, 4.0) for y in (-4.0, -2.0, 0.0, 2.0, 4.0)]
# The PacGAN / VEEGAN benchmark (PacGAN, Lin et al. 2018, Table 1): a finite training set and
# the authors' rule for a covered mode
PAPER_TRAIN_SIZE = 100_000
_PAPER = {"mode_rule": "any", "train_size": PAPER_TRAIN_SIZE}
_grid = [(x, y) for x in np.linspace(-1, 1, 5) for y in np.linspace(-1, 1, 5)]
_triangle = [(0.7 * np.cos(a), 0.7 * np.sin(a)) for a in np.pi / 2 + np.arange(3) * 2 * np.pi / 3]

_ALL = [
    _function("x2", "x² (tutorial)", "Points (x, x²) with x uniform on [-0.5, 0.5], as in the 1-D tutorial.",
              lambda x: x * x, (-0.5, 0.5), (-0.1, 0.35)),
    _function("sine", "Sine wave", "Points (x, sin(πx)/2) with x uniform on [-1, 1].",
              lambda x: np.sin(np.pi * x) / 2, (-1.0, 1.0), (-0.7, 0.7)),
    _function("bump", "Gaussian bump", "Points (x, exp(-x²/0.18)) with x uniform on [-1, 1]: a bell curve.",
              lambda x: np.exp(-x * x / 0.18), (-1.0, 1.0), (-0.2, 1.2)),
    _function("quadratic", "Downward quadratic", "Points (x, 1 - 2x²) with x uniform on [-1, 1].",
              lambda x: 1 - 2 * x * x, (-1.0, 1.0), (-1.2, 1.2)),
    _function("poly4", "Multi-modal polynomial", "Points (x, 8x⁴ - 8x² + 1) with x uniform on [-1, 1]: three peaks, two troughs.",
              lambda x: 8 * x**4 - 8 * x**2 + 1, (-1.0, 1.0), (-1.2, 1.2)),
    _cloud("gaussian2d", "2-D Gaussian", "A round Gaussian cloud N(0, 0.5²) centred on the origin.",
           _gaussian, (-2.0, 2.0), (-2.0, 2.0)),
    _cloud("disk", "Unit disk", "Points spread uniformly over the disk of radius 1.",
           _disk, (-1.3, 1.3), (-1.3, 1.3)),
    _mixture("ring8", "Ring of 8 Gaussians", "Eight small Gaussians evenly spaced on the unit circle: a classic mode-collapse test.",
             _ring, 0.05, 1.5),
    _mixture("grid25", "5×5 grid of Gaussians", "Twenty-five small Gaussians on a square grid: hard to cover every mode.",
             _grid, 0.05, 1.4),
    _cloud("moons", "Two moons", "Two interleaved half circles with a little noise.",
           _moons, (-1.4, 1.4), (-1.0, 1.0)),
    _cloud("line", "Line", "Points along a straight line segment, with a tiny spread.",
           _line, (-1.0, 1.0), (-1.0, 1.0)),
    _mixture("pacgan-ring", "PacGAN's 2D-ring", "The mode-collapse benchmark of the PacGAN and VEEGAN papers: 8 "
             "Gaussians of σ 0.01 on the unit circle, 100,000 training samples.", _ring, 0.01, 1.5, **_PAPER),
    _mixture("pacgan-grid", "PacGAN's 2D-grid", "The mode-collapse benchmark of the PacGAN and VEEGAN papers: 25 "
             "Gaussians of σ 0.05 at {-4, -2, 0, 2, 4}², 100,000 training samples.", _paper_grid, 0.05, 5.5,
             **_PAPER),
    _mixture("two_gaussians", "Two Gaussians", "Two separate Gaussian blobs on a diagonal.",
             [(-0.5, 0.5), (0.5, -0.5)], 0.12, 1.2),
    _mixture("three_clusters", "Three clusters", "Three disjoint tight clusters at the corners of a triangle.",
             _triangle, 0.08, 1.2),
    Target("sinusoids", "Sinusoid curves", "Whole curves sin(offset + x·mul)/2 + 0.5 of 50 points, as in the sinusoid tutorial.",
           "sequence", 50, (0.0, 4.9), (0.0, 1.0), _sinusoids, frequency_range=(1.0, 2.0)),
    _images("letters", "Letters A–Z, a–z", "28×28 grey letters drawn from a font with random rotation, shear, size, "
            "position and stroke width, as in the letters tutorial (13,000 images).", "letters", 28),
    _images("digits", "Handwritten digits", "Real handwritten digits 0-9 (scikit-learn's 1,797 UCI digits), shown "
            "at 16×16.", "digits", 16),
    _images("mnist", "MNIST digits", "The 70,000 28×28 handwritten digits of MNIST, read from Keras's mnist.npz when "
            "it is on the server.", "mnist", 28, "load_mnist", _missing("mnist_missing")),
    _images("fashion-mnist", "Fashion-MNIST", "The 70,000 28×28 pictures of clothes of Fashion-MNIST, read from "
            "Debian's dataset-fashion-mnist package when it is installed.", "mnist", 28, "load_fashion",
            _missing("fashion_missing")),
]

TARGETS: dict[str, Target] = {t.id: t for t in _ALL}


# People's own data (gan_core.data.custom), by id, the most recent last; bounded.
CUSTOM: "collections.OrderedDict[str, Target]" = collections.OrderedDict()
CUSTOM_KEPT = 64
_custom_lock = threading.Lock()


_training_sets: "collections.OrderedDict[tuple[str, int], np.ndarray]" = collections.OrderedDict()
_training_lock = threading.Lock()


def training_set(target: Target, seed: int) -> np.ndarray:
    """The target's finite training set for this seed: drawn once, from a generator of its
    own (the run's seed and the target's id), and kept for the few most recent seeds."""
    key = (target.id, int(seed))
    with _training_lock:
        if key in _training_sets:
            _training_sets.move_to_end(key)
            return _training_sets[key]
    rng = np.random.default_rng([int(seed), sum(map(ord, target.id))])
    data = target.sample(rng, target.train_size)
    data.setflags(write=False)
    with _training_lock:
        _training_sets[key] = data
        while len(_training_sets) > 32:  # 32 × 100,000 × 2 floats: 25 MB at most
            _training_sets.popitem(last=False)
    return data


def add_custom(target: Target) -> None:
    with _custom_lock:
        CUSTOM[target.id] = target
        while len(CUSTOM) > CUSTOM_KEPT:
            CUSTOM.popitem(last=False)


def is_custom(target_id: object) -> bool:
    with _custom_lock:
        return isinstance(target_id, str) and target_id in CUSTOM


def get_target(target_id: str) -> Target:
    try:
        return TARGETS[target_id]
    except KeyError:
        pass
    with _custom_lock:
        found = CUSTOM.get(target_id) if isinstance(target_id, str) else None
    if found is None:
        raise KeyError(f"unknown target {target_id!r}; choose from {', '.join(TARGETS)}")
    return found
