"""Points: function targets (x, f(x)) and 2-D clouds. MLP networks; metrics that compare the
fakes with the real distribution (error to the curve, sliced W1, KL/JS on a grid, modes)."""
from __future__ import annotations

import numpy as np

from gan_core import metrics as m
from gan_core.models import mlp_discriminator as build_discriminator  # noqa: F401
from gan_core.models import mlp_generator as build_generator  # noqa: F401
from gan_core.targets import Target


def metrics(target: Target, samples: np.ndarray) -> dict[str, float]:
    out: dict[str, float] = {}
    if target.kind == "function":
        x, y = samples[:, 0], samples[:, 1]
        out["mean_abs_error"] = float(np.abs(y - target.f(x)).mean())
        out["w1_x"] = m.uniform_w1(x, *target.x_domain)
    ref = m.reference_sample(target)
    out["wasserstein"] = m.sliced_w1(samples, ref)
    out["kl"], out["js"] = m.kl_js(m.grid_histogram(ref, target), m.grid_histogram(samples, target))
    if target.modes is not None:
        out.update(m.mode_coverage(samples, target))
    return out


SHOWN = None  # the page shows every fake of the fixed batch
EVALUATED = 200  # D accuracy after each chunk on this many fresh real and fake samples


def fused_loop(cfg) -> bool:
    return True


def csv_header(target: Target) -> list[str]:
    return ["x", "y"]
