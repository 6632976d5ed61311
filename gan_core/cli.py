"""Headless command line: `train`, `targets`, `recommended`, `paper`, `bench`.

Every RunConfig field is also a flag (kebab-case), generated from `FIELDS`. Bad arguments
exit with status 2 and one line on stderr, before any training starts.
"""
from __future__ import annotations

import argparse
import csv
import json
import math
import os
import sys
import time
from typing import Any, Sequence

from gan_core.config import ALIASES, FIELD_BY_NAME, FIELDS, PRESETS, ConfigError, preset
from gan_core.targets import TARGETS

IMAGE_TARGETS = [t for t, v in TARGETS.items() if v.kind == "image"]

MAX_STEPS = 10_000_000
MAX_SAMPLES = 1_000_000


class UsageError(Exception):
    """Bad command-line input: reported on one line, exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, no usage block, no traceback
        raise UsageError(message)


def _positive_int(name: str, high: int):
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{name} must be a whole number; got {text!r}") from None
        if not 1 <= value <= high:
            raise argparse.ArgumentTypeError(f"{name} must be from 1 to {high:,}; got {value}")
        return value
    return parse


def _seconds(name: str, high: float = 24 * 3600.0):
    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{name} must be a number of seconds; got {text!r}") from None
        if not 0.0 <= value <= high:  # also refuses nan
            raise argparse.ArgumentTypeError(f"{name} must be from 0 to {high:g} seconds; got {text}")
        return value
    return parse


def _share(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"share must be a number from 0 to 1; got {text!r}") from None
    if not 0.0 < value <= 1.0:
        raise argparse.ArgumentTypeError(f"share must be above 0 and at most 1; got {text}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m gan_core", description="Train small GANs headless.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    train = sub.add_parser("train", help="train one run and report JSON")
    train.add_argument("--preset", choices=(*PRESETS, "recommended"), default="default",
                       help="starting configuration; other flags override it. 'recommended': the "
                            "target's own recommended settings (see the 'recommended' command)")
    for f in FIELDS:
        extra = {"choices": f.choices} if f.choices else {}
        train.add_argument("--" + f.name.replace("_", "-"), dest=f.name, default=None,
                           help=f"{f.help} ({f.describe_range()}; default {f.default})", **extra)
    for alias, names in ALIASES.items():
        train.add_argument("--" + alias.replace("_", "-"), dest=alias, default=None,
                           help="sets " + " and ".join(n.replace("_", "-") for n in names))
    train.add_argument("--steps", type=_positive_int("steps", MAX_STEPS), default=10_000,
                       help=f"training iterations, each one D step (or --d-steps) and one G step "
                            f"(1 to {MAX_STEPS:,}; default 10,000)")
    train.add_argument("--eval-every", type=_positive_int("eval-every", MAX_STEPS), default=2_000,
                       help="record D accuracy every this many iterations (the tutorial: 2000)")
    train.add_argument("--json", action="store_true",
                       help="print one JSON object on stdout: 'seconds' and 'steps_per_second' time the "
                            "training alone; 'setup_seconds' (building and compiling) and 'total_seconds' "
                            "(both) are beside them")
    train.add_argument("--samples-csv", metavar="PATH", help="write generated samples here")
    train.add_argument("--n-samples", type=_positive_int("n-samples", MAX_SAMPLES), default=1_000,
                       help=f"how many generated samples --samples-csv writes (1 to {MAX_SAMPLES:,}; default 1,000)")
    train.add_argument("--samples-png", metavar="PATH.png",
                       help="image targets: write a square grid of generated images (up to 256 of --n-samples)")
    train.add_argument("--save-generator", metavar="PATH.keras", help="save G in Keras format")
    train.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")

    targets = sub.add_parser("targets", help="list target distributions")
    targets.add_argument("--json", action="store_true")

    rec = sub.add_parser("recommended", help="train every target at its recommended settings and judge it")
    rec.add_argument("--json", action="store_true", help="print one JSON object")
    rec.add_argument("--targets", default=",".join(t for t, v in TARGETS.items()
                                                   if v.kind != "image" and v.train_size is None),
                     help="comma-separated target ids (default: every target but the images, which train for "
                          "minutes, and the PacGAN table's, which the 'paper' command judges)")
    rec.add_argument("--seeds", type=_positive_int("seeds", 100), default=5, help="seeds 0 to N-1 (default 5)")
    rec.add_argument("--steps", type=_positive_int("steps", MAX_STEPS), default=10_000,
                     help="iterations per run (default 10,000)")

    paper = sub.add_parser("paper", help="the mode-collapse table of the PacGAN paper: its rows beside ours")
    paper.add_argument("--json", action="store_true", help="print one JSON object")
    paper.add_argument("--trials", type=_positive_int("trials", 100), default=10,
                       help="trials (seeds 0 to N-1) per row (default 10, as the paper)")
    paper.add_argument("--targets", default="pacgan-ring,pacgan-grid",
                       help="comma-separated: pacgan-ring, pacgan-grid (default both)")
    paper.add_argument("--steps", type=_positive_int("steps", MAX_STEPS), default=None,
                       help="iterations per trial (default: each target's recommended length)")
    paper.add_argument("--packings", default="1,2,4",
                       help="the packing rows beside the recommended preset, comma-separated from 1 to 4 "
                            "(default 1,2,4; 'none' for the recommended row alone)")
    paper.add_argument("--samples-dir", metavar="DIR",
                       help="write each recommended trial's evaluated samples as DIR/<target>-<trial>.csv")
    paper.add_argument("--parallel", type=_positive_int("parallel", 8), default=2,
                       help="trials trained at once (default 2: one a core)")

    bench = sub.add_parser("bench", help="engine against the tutorial-style Keras loop")
    bench.add_argument("--json", action="store_true")
    bench.add_argument("--steps", type=_positive_int("steps", MAX_STEPS), default=20_000)
    bench.add_argument("--baseline-steps", type=_positive_int("baseline-steps", 100_000), default=100)
    bench.add_argument("--memory-seconds", type=_seconds("memory-seconds"), default=20.0,
                       help="seconds of a long unlimited session run for the memory check (0: skip)")
    bench.add_argument("--workload", choices=("x2", "sinusoids", "letters"), default="x2",
                       help="the work both loops do: x2 (the first tutorial), sinusoids or letters, each "
                            "against its tutorial's own networks and loop (default x2)")
    bench.add_argument("--quality-seconds", type=_seconds("quality-seconds"), default=0.0,
                       help="letters: train the engine's default this long and report the recognisable "
                            "share it reaches, and the time each loop takes to --share (default 0: skip)")
    bench.add_argument("--share", type=_share, default=0.3,
                       help="letters: the recognisable share both loops race to (default 0.3)")
    bench.add_argument("--tutorial-seconds", type=_seconds("tutorial-seconds"), default=300.0,
                       help="letters: at most this long for the tutorial's loop to reach --share (default 300)")
    return parser


def _check_writable(flag: str, path: str, suffix: str | None = None) -> None:
    if suffix and not path.endswith(suffix):
        raise UsageError(f"{flag} must name a {suffix} file; got {path!r}")
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise UsageError(f"{flag}: folder {folder!r} does not exist")
    if not os.access(folder, os.W_OK):
        raise UsageError(f"{flag}: folder {folder!r} is not writable")


def config_from_args(args: argparse.Namespace):
    if args.preset == "recommended":
        from gan_core.recommended import recommended_config

        target = args.target or FIELD_BY_NAME["target"].default
        if target not in TARGETS:
            raise UsageError(f"--preset recommended: no recommendation for target {target!r}")
        cfg = recommended_config(target)
    else:
        cfg = preset(args.preset)
    changes: dict[str, Any] = {}
    for name in (*ALIASES, *FIELD_BY_NAME):
        value = getattr(args, name, None)
        if value is not None:
            changes[name] = value
    try:
        cfg = cfg.replace(**changes)
    except ConfigError as exc:
        flag = "--" + (exc.field or "").replace("_", "-")
        raise UsageError(f"{flag}: {exc}") from None
    missing = TARGETS[cfg.target].missing()
    if missing:
        raise UsageError(f"--target: {missing}")
    return cfg


class _Progress:
    def __init__(self, total: int, enabled: bool):
        self.total, self.enabled, self.start = total, enabled, time.perf_counter()

    def update(self, done: int) -> None:
        if not self.enabled:
            return
        width = 30
        filled = int(width * done / self.total)
        rate = done / max(time.perf_counter() - self.start, 1e-9)
        sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done:,}/{self.total:,} {rate:,.0f} it/s")
        if done >= self.total:
            sys.stderr.write("\n")
        sys.stderr.flush()


def cmd_train(args: argparse.Namespace) -> int:
    cfg = config_from_args(args)
    if args.samples_csv:
        _check_writable("--samples-csv", args.samples_csv)
    if args.save_generator:
        _check_writable("--save-generator", args.save_generator, ".keras")
    if args.samples_png:
        if TARGETS[cfg.target].kind != "image":
            raise UsageError(f"--samples-png: only for image targets ({', '.join(IMAGE_TARGETS)}); "
                             f"{cfg.target} is a {TARGETS[cfg.target].kind} target, use --samples-csv")
        _check_writable("--samples-png", args.samples_png, ".png")

    from gan_core.gan import GAN, view_classes  # TensorFlow loads only once the arguments are known good
    from gan_core.kinds import kind_of
    from gan_core.metrics import compute_metrics

    setup_started = time.perf_counter()
    gan = GAN(cfg)
    gan.warm_up()
    setup_seconds = time.perf_counter() - setup_started
    progress = _Progress(args.steps, sys.stderr.isatty() and not args.no_progress)
    history = []
    started = time.perf_counter()
    result = None
    while gan.iteration < args.steps:
        n = min(args.eval_every - gan.iteration % args.eval_every, args.steps - gan.iteration)
        result = gan.train(n)
        progress.update(gan.iteration)
        if not result.finite:
            break
        if gan.iteration % args.eval_every == 0 or gan.iteration == args.steps:
            history.append({"iteration": gan.iteration, **gan.evaluate(100)})
            if not args.json:
                h = history[-1]
                print(f"{h['iteration']} {h['d_accuracy_real']:.2f} {h['d_accuracy_fake']:.2f}")
    seconds = time.perf_counter() - started
    final = gan.evaluate(1000)
    z = gan.latent(2000)
    samples = gan.generate(z=z)
    out = {
        "steps": gan.iteration,
        "seconds": round(seconds, 4),
        "setup_seconds": round(setup_seconds, 4),
        "total_seconds": round(setup_seconds + seconds, 4),
        "steps_per_second": round(gan.iteration / max(seconds, 1e-9), 1),
        "d_accuracy_real": final["d_accuracy_real"],
        "d_accuracy_fake": final["d_accuracy_fake"],
        "d_loss": result.d_loss if result else None,
        "g_loss": result.g_loss if result else None,
        "diverged": bool(result and not result.finite),
        "metrics": compute_metrics(gan.target, samples, gan.asked(z)),
        "history": history,
        "target": cfg.target,
        "config": cfg.to_dict(),
    }
    if args.samples_csv:
        rows = gan.generate(args.n_samples)
        header = kind_of(gan.target).csv_header(gan.target)
        with open(args.samples_csv, "w", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(header)
            writer.writerows([[f"{v:.6g}" for v in row] for row in rows])
        out["samples_csv"] = args.samples_csv
    if args.samples_png:
        from gan_core.kinds.images import grid_png

        count = min(args.n_samples, 256)
        cols = math.ceil(math.sqrt(count))
        with open(args.samples_png, "wb") as fh:
            # a conditional G draws the classes in turn: a class a cell, in order
            z = gan.latent(count, labels=view_classes(count, gan.classes, None))
            fh.write(grid_png(gan.generate(z=z), gan.target.side, math.ceil(count / cols), cols))
        out["samples_png"] = args.samples_png
    if args.save_generator:
        gan.G.save(args.save_generator)
        out["generator"] = args.save_generator
    if args.json:
        print(json.dumps(_jsonable(out)))
    else:
        print(f"{out['steps']:,} iterations in {seconds:.1f} s ({out['steps_per_second']:,.0f}/s); "
              f"D accuracy real {final['d_accuracy_real']:.2f}, fake {final['d_accuracy_fake']:.2f}")
        for key, value in out["metrics"].items():
            print(f"  {key}: {value:.4g}")
    if out["diverged"]:
        print(f"training diverged at iteration {gan.iteration}", file=sys.stderr)
        return 1
    return 0


def _jsonable(value):
    if isinstance(value, float) and value != value:
        return None  # NaN is not JSON
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return value


def cmd_targets(args: argparse.Namespace) -> int:
    rows = [t.summary() for t in TARGETS.values()]
    if args.json:
        print(json.dumps(rows))
    else:
        for r in rows:
            print(f"{r['id']:<15} {r['kind']:<9} dim {r['dim']:<3} {r['description']}")
    return 0


def cmd_recommended(args: argparse.Namespace) -> int:
    from concurrent.futures import ThreadPoolExecutor

    from gan_core.recommended import RECOMMENDED, check

    targets = [t.strip() for t in args.targets.split(",") if t.strip()]
    unknown = [t for t in targets if t not in RECOMMENDED]
    if unknown or not targets:
        raise UsageError(f"--targets: no recommendation for {', '.join(unknown) or 'an empty list'}; "
                         f"choose from {', '.join(RECOMMENDED)}")
    jobs = [(t, s) for t in targets for s in range(args.seeds)]
    started = time.perf_counter()
    with ThreadPoolExecutor(2) as pool:  # TensorFlow releases the GIL: both cores work
        runs = list(pool.map(lambda job: check(*job, steps=args.steps), jobs))
    report = {"steps": args.steps, "seconds": round(time.perf_counter() - started, 1),
              "passed": sum(not r["missed"] for r in runs), "runs": len(runs), "results": runs}
    if args.json:
        print(json.dumps(_jsonable(report)))
    else:
        for r in runs:
            verdict = "ok" if not r["missed"] else "MISSED " + "; ".join(r["missed"])
            print(f"{r['target']:<15} seed {r['seed']}  {verdict}")
        print(f"{report['passed']}/{report['runs']} runs reached their objective in {report['seconds']} s")
    return 0 if report["passed"] == report["runs"] else 1


def cmd_paper(args: argparse.Namespace) -> int:
    from gan_core.paper import PAPER

    targets = [t.strip() for t in args.targets.split(",") if t.strip()]
    unknown = [t for t in targets if t not in PAPER]
    if unknown or not targets:
        raise UsageError(f"--targets: the paper's table has {', '.join(PAPER)}; got {args.targets!r}")
    try:
        packings = [] if args.packings.strip() == "none" else [int(p) for p in args.packings.split(",") if p.strip()]
    except ValueError:
        raise UsageError(f"--packings must be numbers from 1 to 4 separated by commas, or 'none'; "
                         f"got {args.packings!r}") from None
    if any(not 1 <= p <= 4 for p in packings):
        raise UsageError(f"--packings must each be from 1 to 4; got {args.packings!r}")
    if args.samples_dir:
        if not os.path.isdir(args.samples_dir):
            raise UsageError(f"--samples-dir: folder {args.samples_dir!r} does not exist")
        if not os.access(args.samples_dir, os.W_OK):
            raise UsageError(f"--samples-dir: folder {args.samples_dir!r} is not writable")

    from gan_core.paper import format_table, run_table

    report = run_table(targets, args.trials, steps=args.steps, samples_dir=args.samples_dir,
                       packings=packings, parallel=args.parallel,
                       log=lambda line: print(line, file=sys.stderr, flush=True))
    print(json.dumps(_jsonable(report)) if args.json else format_table(report))
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    from gan_core.bench import run_bench

    report = run_bench(steps=args.steps, baseline_steps=args.baseline_steps,
                       memory_seconds=args.memory_seconds, workload=args.workload,
                       quality_seconds=args.quality_seconds, share=args.share,
                       tutorial_seconds=args.tutorial_seconds, log=sys.stderr)
    print(json.dumps(report) if args.json else "\n".join(f"{k}: {v}" for k, v in report.items()))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    # A command trains one run per process: one thread for TensorFlow's ops is the fastest there
    # (a second, idle, costs a single run about a fifth). The dashboard's server, many runs in
    # one process, takes a thread per core (gan_core/gan.py). Too late once the engine is loaded.
    os.environ.setdefault("GAN_TF_INTRA_THREADS", "1")
    try:
        args = build_parser().parse_args(argv)
        status = {"train": cmd_train, "targets": cmd_targets, "bench": cmd_bench,
                  "recommended": cmd_recommended, "paper": cmd_paper}[args.command](args)
        sys.stdout.flush()
        return status
    except UsageError as exc:
        print(f"gan_core: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # The reader left (`... | head`): not an error. Point stdout at nothing so the
        # interpreter's last flush does not raise again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
