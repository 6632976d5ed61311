"""`python -m gan_core paper`: our GANs on the mode-collapse papers' own table.

The table is PacGAN's (Lin et al., 2018, Table 1, 10 trials each), which follows VEEGAN's
setup: the 2D-ring (8 Gaussians of σ 0.01 on the unit circle) and the 2D-grid (25 of σ 0.05
at {-4, -2, 0, 2, 4}²), 100,000 training samples, and three columns computed on 2,500
generated samples: modes captured, the high-quality share and the reverse KL
(`gan_core.metrics.mode_coverage`, the one place that computes them).

Each trial is a seed: its own training set, networks and noise. Trials run two at a time in
worker processes (one core each: two trials' threads in one process trained at half that
speed, measured here), and each trial's seconds are its training alone. Rows: the target's
recommended preset, and the same preset with packing 1, 2 and 4 (a row whose packing is the
preset's own is the preset's, not run twice). Prints figures;
asserts nothing about time.
"""
from __future__ import annotations

import csv
import math
import multiprocessing
import os
import statistics
import time
from concurrent.futures import ProcessPoolExecutor
from typing import Callable, Iterable

COLUMNS = ("modes_covered", "high_quality_share", "reverse_kl")
EVALUATED = 2_500  # generated samples each trial is judged on, as in the papers
PACKINGS = (1, 2, 4)

# PacGAN, Table 1: (modes, high-quality share, reverse KL), averaged over 10 trials
PAPER: dict[str, dict[str, tuple[float, float, float]]] = {
    "pacgan-ring": {"GAN": (6.3, 0.982, 0.45), "ALI": (6.6, 0.976, 0.36), "PacGAN2": (7.9, 0.956, 0.07),
                    "PacGAN3": (7.8, 0.977, 0.10), "PacGAN4": (7.8, 0.959, 0.07)},
    "pacgan-grid": {"GAN": (17.3, 0.948, 0.70), "ALI": (24.1, 0.957, 0.14), "PacGAN2": (23.8, 0.913, 0.13),
                    "PacGAN3": (24.6, 0.942, 0.06), "PacGAN4": (24.8, 0.936, 0.04)},
}
# What the recommended preset must reach on average: at least PacGAN4 on every column
GOAL: dict[str, dict[str, tuple[str, float]]] = {
    "pacgan-ring": {"modes_covered": ("min", 7.9), "high_quality_share": ("min", 0.96), "reverse_kl": ("max", 0.05)},
    "pacgan-grid": {"modes_covered": ("min", 24.8), "high_quality_share": ("min", 0.95), "reverse_kl": ("max", 0.04)},
}
# Iterations per trial (under a minute of one core here; the papers train ≈ 400,000 on a GPU).
# The grid's rates have halved five times by 80,000 (half-life 15,000): its last 20,000
# iterations cost 13 s a trial and moved nothing (10 trials, 2026-12-06: 96.2 % high quality
# at 80,000, 95.8 % at 100,000; 25 modes and reverse KL 0.006 at both)
STEPS: dict[str, int] = {"pacgan-ring": 100_000, "pacgan-grid": 80_000}


def _trial(job: tuple) -> dict:
    return trial(*job)


def trial(target: str, seed: int, steps: int, packing: int | None = None) -> dict:
    """One trial: the recommended preset (with this packing, if given) trained `steps`
    iterations from this seed, judged on EVALUATED samples; returns its columns, its seconds
    and the samples."""
    from gan_core.gan import GAN
    from gan_core.metrics import compute_metrics
    from gan_core.recommended import recommended_config

    cfg = recommended_config(target, seed)
    if packing is not None:
        cfg = cfg.replace(packing=packing)
    # Unbatched: a trial is alone in its process, and the dashboard's batched step would pad it
    # with a spare run (the same maths, its own noise stream). pacgan-grid's preset on one
    # thread, 2026-12-03: 745 it/s unbatched against 441-485 batched
    gan = GAN(cfg, crowd=False)
    gan.warm_up()
    started = time.perf_counter()
    result = gan.train(steps)
    seconds = time.perf_counter() - started
    samples = gan.generate(EVALUATED)
    metrics = compute_metrics(gan.target, samples)
    row = {"seed": seed, "seconds": round(seconds, 2), "diverged": not result.finite,
           **{c: metrics.get(c, math.nan) for c in COLUMNS}}
    return {"row": row, "samples": samples}


def summarise(rows: list[dict]) -> dict:
    """Mean and standard error of each column over the trials, and the seconds per trial."""
    out = {}
    for column in (*COLUMNS, "seconds"):
        values = [float(r[column]) for r in rows]
        mean = statistics.fmean(values)
        se = statistics.stdev(values) / math.sqrt(len(values)) if len(values) > 1 else 0.0
        out[column] = {"mean": mean, "se": se}
    return out


def meets(target: str, summary: dict) -> dict[str, bool]:
    return {column: (summary[column]["mean"] >= bound if kind == "min" else summary[column]["mean"] <= bound)
            for column, (kind, bound) in GOAL[target].items()}


def run_table(targets: Iterable[str], trials: int, steps: int | None = None, samples_dir: str | None = None,
              packings: Iterable[int] = PACKINGS, parallel: int = 2,
              log: Callable[[str], None] = lambda line: None) -> dict:
    """Every row of the table for these targets: `trials` seeds each (0 … trials - 1)."""
    report: dict = {"trials": trials, "evaluated_samples": EVALUATED, "targets": {}}
    started = time.perf_counter()
    # spawned, not forked: TensorFlow is not fork-safe
    with ProcessPoolExecutor(parallel, mp_context=multiprocessing.get_context("spawn")) as pool:
        for target in targets:
            report["targets"][target] = _rows(pool, target, trials, steps, samples_dir, packings, log)
    report["seconds"] = round(time.perf_counter() - started, 1)
    return report


def _rows(pool, target, trials, steps, samples_dir, packings, log) -> dict:
    """Every row of one target's table."""
    from gan_core.recommended import recommended_config

    own = recommended_config(target).packing
    n = steps or STEPS[target]
    rows = {"recommended": None, **{f"packing {m}": m for m in packings if m != own}}
    results: dict = {}
    for name, packing in rows.items():
        runs = list(pool.map(_trial, [(target, seed, n, packing) for seed in range(trials)]))
        if name == "recommended" and samples_dir:
            for seed, run in enumerate(runs):
                _write_samples(os.path.join(samples_dir, f"{target}-{seed}.csv"), run["samples"])
        summary = summarise([r["row"] for r in runs])
        results[name] = {"packing": own if packing is None else packing, "summary": summary,
                         "trials": [r["row"] for r in runs]}
        log(f"{target} {name}: " + ", ".join(f"{c} {summary[c]['mean']:.3g}" for c in (*COLUMNS, "seconds")))
    results[f"packing {own}"] = {**results["recommended"], "same_as": "recommended"}
    return {"steps": n, "paper": PAPER[target], "goal": GOAL[target],
            "ours": results, "met": meets(target, results["recommended"]["summary"])}


def _write_samples(path: str, samples) -> None:
    with open(path, "w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["x", "y"])
        writer.writerows([[f"{v:.6g}" for v in row] for row in samples])


def format_table(report: dict) -> str:
    """The paper's rows and ours, one table per target, mean ± standard error."""
    lines = []
    for target, t in report["targets"].items():
        total = {"pacgan-ring": 8, "pacgan-grid": 25}.get(target, "?")
        lines += [f"{target} ({report['trials']} trials, {t['steps']:,} iterations each)",
                  f"  {'':<30} {'modes (of ' + str(total) + ')':>16} {'high quality':>16} {'reverse KL':>16} "
                  f"{'s / trial':>12}"]
        for name, (modes, hq, kl) in t["paper"].items():
            lines.append(f"  {'paper: ' + name:<30} {modes:>16.1f} {hq * 100:>15.1f}% {kl:>16.2f} {'GPU':>12}")
        order = ["recommended"] + sorted(k for k in t["ours"] if k != "recommended")
        for name in order:
            row = t["ours"][name]
            if row.get("same_as"):
                continue
            s = row["summary"]
            label = f"ours: {name}" + (f" (packing {row['packing']})" if name == "recommended" else "")
            lines.append(f"  {label:<30} {s['modes_covered']['mean']:>9.2f} ± {s['modes_covered']['se']:<4.2f} "
                         f"{s['high_quality_share']['mean'] * 100:>8.1f} ± {s['high_quality_share']['se'] * 100:<4.1f}% "
                         f"{s['reverse_kl']['mean']:>9.3f} ± {s['reverse_kl']['se']:<5.3f} "
                         f"{s['seconds']['mean']:>11.1f}")
        verdict = ", ".join(f"{c} {'met' if ok else 'MISSED'}" for c, ok in t["met"].items())
        lines += [f"  goal (at least PacGAN4 on every column): {verdict}", ""]
    return "\n".join(lines)
