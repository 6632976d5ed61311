"""`python -m bench`: the dashboard under load, measured as its users see it.

Starts the server with the Procfile's command on a loopback port, then, over HTTP:
1. launch -> first page (page, layout and callback map served);
2. the engine headless in this process (the baseline, no web server involved);
3. one tab at default settings: Start -> first moving frame, tick server time, payload and
   updates per second (the page ticks again TICK_MS after each reply, never overlapping);
4. the same tab at the fastest speed: training speed while a page streams, against the
   engine headless in this process, in turns (`in_turns`);
5. the step buttons (one iteration, one D step, one G step): each reply's round trip;
6. many tabs training at once: each run's speed and the tick times they all see.

`--classroom` measures a class instead: a presenter's run alone, then with `--followers` pages
following it (each follower's updates per second, the tick times, the presenter's speed
against alone), and a shared link opened in a new tab (Start -> first moving frame).

`--profile` adds, for the crowd's two measuring windows (default speed, max speed), where the server's time went: each span of
the training workers and of the requests, its calls, wall and CPU time (bench/profile.py).

`--views` sets the samples' layers every tab shows: the page's defaults (D's surface and G's
arrows on), none, or all (the manifold too).
"""
from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import sys
import time

from bench import profile
from bench.load import Follower, User, present, step_latency, tick_stats, wait_for
from bench.server import Server

TARGETS = {  # figure -> (limit, "max" or "min"), from the dashboard issue
    "startup_seconds": (10.0, "max"),
    "first_frame_seconds": (1.5, "max"),
    "tick_server_ms_p95": (25.0, "max"),
    "tick_payload_bytes_max": (20_000, "max"),
    "updates_per_second": (5.0, "min"),
    # one tab at max speed against headless, the median of paired turns (`in_turns`; issue "a
    # class at full speed")
    "streaming_ratio": (0.95, "min"),
    "step_ms_p95": (150.0, "max"),
    # a class at full speed, 20 tabs (30 tabs: `--users 30`, each run ≥ 400 at max speed)
    "many_users_steps_per_second_min": (900.0, "min"),
    "many_users_max_speed_ratio": (0.7, "min"),
    "many_users_tick_server_ms_p95": (25.0, "max"),
    "many_users_updates_per_second_min": (5.0, "min"),
}
# With D's surface and G's arrows on (the page's default) a tick carries 1,600 surface values
# and 100 arrows besides the fakes (issue "why it moves": ≤ 30 KB).
VIEW_PAYLOAD_BYTES = 30_000
# Images train at tens of iterations a second, not thousands: what counts is that the pages
# keep moving (issue "curves and images": payload ≤ 40 KB, ≥ 4 updates/s for one tab, ≥ 2 for
# each of ten tabs, tick p95 ≤ 25 ms alone and ≤ 250 ms in the crowd).
IMAGE_TARGETS = {
    "startup_seconds": (10.0, "max"),
    "tick_server_ms_p95": (25.0, "max"),
    "tick_payload_bytes_max": (40_000, "max"),
    "updates_per_second": (4.0, "min"),
    "streaming_ratio": (0.5, "min"),
    "many_users_updates_per_second_min": (2.0, "min"),
    "many_users_tick_server_ms_p95": (250.0, "max"),
}


THINK_SECONDS = 3.0  # from the pages' load to the crowd's Start


class UsageError(Exception):
    pass


def parse(argv) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--users", default="20", help="tabs training at once in the last phase (1-60)")
    parser.add_argument("--seconds", default="8", help="measuring window of each phase (1-600)")
    parser.add_argument("--target", default="x2",
                        help="what every tab trains, chosen in its dropdown before Start (default x2; "
                             "e.g. letters, with --users 10)")
    parser.add_argument("--views", default="default", choices=("default", "none", "all"),
                        help="the samples' layers every tab shows: the page's default (D's surface and G's "
                             "arrows), none, or all (the manifold too)")
    parser.add_argument("--classroom", action="store_true",
                        help="measure a class instead: one presenter and --followers pages following it, and "
                             "a shared link's first frame")
    parser.add_argument("--followers", default="60", help="pages following the presenter with --classroom (1-200)")
    parser.add_argument("--profile", action="store_true",
                        help="print where the server's time went while the crowd trained: per span of the "
                             "training workers and the requests, calls, wall and CPU time")
    parser.add_argument("--json", action="store_true", help="print one JSON object only")
    args = parser.parse_args(argv)
    args.followers = _number(args.followers, "--followers", 1, 200, int)
    if args.profile and args.classroom:
        raise UsageError("--profile measures the crowd of --users tabs; it does not go with --classroom")
    from gan_core.targets import TARGETS as KNOWN

    if args.target not in KNOWN:
        raise UsageError(f"--target must be one of {', '.join(KNOWN)}; got {args.target!r}")
    missing = KNOWN[args.target].missing()
    if missing:
        raise UsageError(f"--target {args.target}: {missing}")
    args.users = _number(args.users, "--users", 1, 60, int)
    args.seconds = _number(args.seconds, "--seconds", 1, 600, float)
    return args


def _number(text: str, flag: str, low, high, kind):
    try:
        value = kind(text)
    except ValueError:
        raise UsageError(f"{flag} must be a number from {low} to {high}; got {text!r}") from None
    if not (low <= value <= high) or (isinstance(value, float) and not math.isfinite(value)):
        raise UsageError(f"{flag} must be from {low} to {high}; got {text!r}")
    return value


def headless_rate(seconds: float, target: str = "x2", runs: int = 1) -> float:
    """The engine flat out with no web server: iterations per second, at the settings the
    page starts the target with; with `runs`, that many runs at once (one per core: what the
    machine can do), summed."""
    from gan_core import TrainingSession
    from gan_core.recommended import recommended_config

    sessions = [TrainingSession(recommended_config(target, seed=k), speed=None, precompile=True) for k in range(runs)]
    try:
        for session in sessions:
            session.wait_until(lambda s: s.compiled, timeout=120)
        for session in sessions:
            session.start()
        for session in sessions:
            session.wait_until(lambda s: s.iteration > 0)
        time.sleep(1.0)
        a, started = [s.snapshot(since=1 << 62).iteration for s in sessions], time.perf_counter()
        time.sleep(seconds)
        b = [s.snapshot(since=1 << 62).iteration for s in sessions]
        return (sum(b) - sum(a)) / (time.perf_counter() - started)
    finally:
        for session in sessions:
            session.close()


TURNS = 24  # one tab streaming against the engine headless: this many turns of each


def in_turns(user: User, target: str, seconds: float, turns: int = TURNS) -> list[dict]:
    """The tab at max speed against the engine headless in this process, in turns: headless
    (the tab paused) and the tab streaming (the headless run paused), `turns` pairs, each
    window `seconds` long, the order swapped every turn (ABBA) so that a drift falls on both
    alike. One run on this machine trains at one of two speeds and moves between them every
    few seconds, whatever serves it (x2 headless: 10.6-12.3k it/s or 16.5-19.4k at the same
    CPU use, in the benchmark's process and the server's alike: the host's placement of the
    two cores, it seems); a pair where only one side fell into the slow one reads 0.6 or 1.5.
    So the windows are short and many, and the verdict is the median of the pairs (`summary`).
    A run's chunk size survives a pause, so half a second after a start it trains as before."""
    from gan_core import TrainingSession
    from gan_core.recommended import recommended_config
    from gan_core.session import RATE_WINDOW_SECONDS

    session = TrainingSession(recommended_config(target, seed=0), speed=None, precompile=True)

    def headless() -> float:
        session.start()
        session.wait_until(lambda s: s.iteration > 0)
        time.sleep(0.5)
        a, t0 = session.snapshot(since=1 << 62).iteration, time.perf_counter()
        time.sleep(seconds)
        snap, t1 = session.snapshot(since=1 << 62), time.perf_counter()
        session.pause()
        # The run's own clock where it has one: iterations between its publications over the
        # last two seconds (their times, not two polls that each land up to a publication
        # late, about ±5 % of a 2 s window)
        if seconds >= RATE_WINDOW_SECONDS and snap.steps_per_second:
            return snap.steps_per_second
        return (snap.iteration - a) / (t1 - t0)

    def streaming() -> tuple:
        user.press("start-button")
        time.sleep(0.5)
        s0, c0 = time.perf_counter(), time.process_time()
        time.sleep(seconds)
        s1, c1 = time.perf_counter(), time.process_time()
        user.press("pause-button")
        time.sleep(0.5)
        # the client's own CPU (this process, the headless run paused): a browser's work,
        # here on the server's cores
        return user.rate(s0, s1), (c1 - c0) / (s1 - s0), tick_stats(user.window(s0, s1))

    out = []
    try:
        session.wait_until(lambda s: s.compiled, timeout=120)
        user.press("pause-button")
        time.sleep(1.0)
        for k in range(turns):
            if k % 2 == 0:
                alone = headless()
                rate, cores, ticks = streaming()
            else:
                rate, cores, ticks = streaming()
                alone = headless()
            out.append({"headless": alone, "streaming": rate, "client_cores": cores, "ticks": ticks})
    finally:
        session.close()
    return out


def summary(turns: list[dict]) -> dict:
    """The pairs in figures: the median of each pair's ratio (the verdict), and the pooled
    ratio (all streaming iterations over all headless ones) beside it."""
    ratios = [t["streaming"] / t["headless"] for t in turns if t["headless"]]
    streamed = sum(t["streaming"] for t in turns) / len(turns)
    alone = sum(t["headless"] for t in turns) / len(turns)
    return {"median": round(statistics.median(ratios), 3) if ratios else math.nan,
            "pooled": round(streamed / alone, 3) if alone else math.nan,
            "streaming": round(streamed, 1), "headless": round(alone, 1)}


def run(users: int, seconds: float, say, target: str = "x2", views: str = "default",
        profiled: bool = False) -> dict:
    from app.parts.controls import SPEEDS

    report: dict = {}
    with Server(env={"GAN_MAX_SESSIONS": str(users + 4), "GAN_MAX_SESSIONS_PER_CLIENT": str(users + 4)}) as server:
        report["startup_seconds"] = round(server.startup_seconds, 2)
        say(f"server up in {server.startup_seconds:.2f} s; waiting for it to compile the default network")
        server.wait_until_compiled()
        report["server_rss_mb_idle"] = round(server.rss_mb(), 1)
        say(f"server idle: RSS {report['server_rss_mb_idle']:,.0f} MB")

        report["target"] = target
        report["views"] = views
        headless = headless_rate(seconds, target)
        report["headless_steps_per_second"] = round(headless, 1)
        say(f"headless engine: {headless:,.0f} it/s")

        # The one tab yields the CPU to the server: what it measures is the server's training
        # with and without a page to serve, and a browser works on its own machine
        user = User(server.url, target=target, views=views, nice=10).begin()
        try:
            if not user.loaded.wait(60) or user.error:
                raise RuntimeError(f"the first tab did not load: {user.error}")
            user.go.set()
            wait_for(lambda: not math.isnan(user.first_frame_seconds) or user.error, 60)
            report["first_frame_seconds"] = round(user.first_frame_seconds, 3)
            time.sleep(1.0)
            t0 = time.perf_counter()
            time.sleep(seconds)
            t1 = time.perf_counter()
            one = tick_stats(user.window(t0, t1))
            report["one_user"] = {**one, "steps_per_second": round(user.rate(t0, t1), 1)}
            report["tick_server_ms_p95"] = one["server_ms_p95"]
            report["tick_payload_bytes_max"] = one["payload_bytes_max"]
            report["updates_per_second"] = round(one["ticks"] / (t1 - t0), 2)
            say(f"one tab at default speed: first frame {user.first_frame_seconds:.2f} s, tick p95 "
                f"{one['server_ms_p95']} ms, payload ≤ {one['payload_bytes_max']:,} B, "
                f"{report['updates_per_second']} updates/s")

            user.set_speed(len(SPEEDS) - 1)  # "max"
            time.sleep(2.0)
            turns = in_turns(user, target, seconds / 4)
        finally:
            user.join()
            if user.error:
                report["errors"] = [user.error]
        paired = summary(turns)
        report["streaming"] = {**turns[-1]["ticks"], "steps_per_second": paired["streaming"]}
        report["streaming_turns"] = [{k: round(t[k], 3) for k in ("headless", "streaming", "client_cores")}
                                     for t in turns]
        report["streaming_headless_steps_per_second"] = paired["headless"]
        report["streaming_ratio"] = paired["median"]
        report["streaming_ratio_pooled"] = paired["pooled"]
        say(f"one tab at max speed against headless, {len(turns)} pairs of {seconds / 4:g} s: median "
            f"{paired['median']:.1%}, pooled {paired['pooled']:.1%} ({paired['streaming']:,.0f} / "
            f"{paired['headless']:,.0f} it/s); each pair " + ", ".join(
                f"{t['streaming']:,.0f}/{t['headless']:,.0f}" for t in turns)
            + f"; the client used {max(t['client_cores'] for t in turns):.2f} of a core at most")

        steps = step_latency(server.url, target, views)
        report["steps"] = steps
        report["step_ms_p95"] = max(v["ms_p95"] for v in steps.values())
        say("step buttons (round trip with the redrawn page): " + ", ".join(
            f"{name.removesuffix('-button')} p50 {v['ms_p50']} ms, p95 {v['ms_p95']} ms" for name, v in steps.items()))

        crowd = [User(server.url, target=target, views=views).begin() for _ in range(users)]
        try:
            wait_for(lambda: all(u.loaded.is_set() for u in crowd), 120)
            # As a class does: the pages open, the teacher says go, everyone presses Start at
            # once. The server builds each tab's networks in the seconds between.
            time.sleep(THINK_SECONDS)
            for u in crowd:
                u.go.set()
            wait_for(lambda: all(not math.isnan(u.first_frame_seconds) or u.error for u in crowd), 240)
            time.sleep(2.0)
            before = profile.read(server.url) if profiled else None
            t0 = time.perf_counter()
            time.sleep(seconds)
            t1 = time.perf_counter()
            if profiled:
                report["profile"] = profile.breakdown(before, profile.read(server.url))
                for line in profile.lines(report["profile"], os.cpu_count() or 1):
                    say(line)
            rates = [u.rate(t0, t1) for u in crowd]
            frames = [u.first_frame_seconds for u in crowd]
            many = tick_stats([r for u in crowd for r in u.window(t0, t1)])
            updates = [len(u.window(t0, t1)) / (t1 - t0) for u in crowd]
            report["many_users"] = {
                "users": users, **many,
                "steps_per_second_min": round(min(rates), 1),
                "steps_per_second_median": round(statistics.median(rates), 1),
                "updates_per_second_min": round(min(updates), 2),
                "first_frame_seconds_median": round(statistics.median(frames), 2),
                "first_frame_seconds_max": round(max(frames), 2),
                "server_rss_mb": round(server.rss_mb(), 1),
            }
            report["many_users_steps_per_second_min"] = round(min(rates), 1)
            report["many_users_tick_server_ms_p95"] = many["server_ms_p95"]
            report["many_users_updates_per_second_min"] = round(min(updates), 2)
            say(f"{users} tabs at once: slowest run {min(rates):,.0f} it/s (median {statistics.median(rates):,.0f}), "
                f"tick p95 {many['server_ms_p95']} ms (round trip {many['round_trip_ms_p95']} ms, "
                f"≥ {min(updates):.1f} updates/s per tab), first frames "
                f"median {statistics.median(frames):.2f} s, max {max(frames):.2f} s; server RSS "
                f"{report['many_users']['server_rss_mb']:,.0f} MB")

            # The same crowd at the fastest speed: what the server makes of the cores
            for u in crowd:
                u.set_speed(len(SPEEDS) - 1)
            time.sleep(3.0)
            before = profile.read(server.url) if profiled else None
            t0 = time.perf_counter()
            time.sleep(seconds)
            t1 = time.perf_counter()
            if profiled:
                report["profile_max_speed"] = profile.breakdown(before, profile.read(server.url))
                say(f"{users} tabs at max speed:")
                for line in profile.lines(report["profile_max_speed"], os.cpu_count() or 1):
                    say(line)
            fastest = [u.rate(t0, t1) for u in crowd]
            report["many_users_max_speed"] = {**tick_stats([r for u in crowd for r in u.window(t0, t1)]),
                                              "steps_per_second_min": round(min(fastest), 1),
                                              "steps_per_second_median": round(statistics.median(fastest), 1),
                                              "steps_per_second_sum": round(sum(fastest), 1)}
            report["many_users_max_speed_steps_per_second_min"] = round(min(fastest), 1)
        finally:
            for u in crowd:
                u.join()
            errors = [u.error for u in crowd if u.error]
            if errors:
                report.setdefault("errors", []).extend(errors)
        # What the cores do with no web server: a run per core, flat out (in one process those
        # runs now train in one batch, gan_core/crowd.py), or one run alone on each core: the
        # larger of the two
        cores = os.cpu_count() or 1
        all_cores = max(headless_rate(seconds, target, runs=cores), cores * headless)
        report["headless_all_cores_steps_per_second"] = round(all_cores, 1)
        crowd_sum = report["many_users_max_speed"]["steps_per_second_sum"]
        report["many_users_max_speed_ratio"] = round(crowd_sum / all_cores, 3) if all_cores else math.nan
        say(f"{users} tabs at max speed: {crowd_sum:,.0f} it/s in all (slowest run "
            f"{report['many_users_max_speed_steps_per_second_min']:,.0f}) = {report['many_users_max_speed_ratio']:.0%} "
            f"of the engine headless on every core ({all_cores:,.0f} it/s: {cores} runs at once, or "
            f"{cores} × one run alone)")
        report["health"] = server.health()
    return report


CLASSROOM_TARGETS = {  # from the classroom issue
    "followers_updates_per_second_min": (4.0, "min"),
    "followers_tick_server_ms_p95": (50.0, "max"),
    "presenter_speed_ratio": (0.8, "min"),
    "shared_link_first_frame_seconds": (1.5, "max"),
}
SHARED_LINK = "?target=ring8&hidden_nodes=64&learning_rate=0.002&seed=3"


def classroom(followers: int, seconds: float, say) -> dict:
    report: dict = {"followers": followers}
    with Server(env={"GAN_MAX_SESSIONS": "8"}) as server:
        server.wait_until_compiled()
        teacher = User(server.url).begin()
        crowd: list[Follower] = []
        try:
            if not teacher.loaded.wait(60) or teacher.error:
                raise RuntimeError(f"the presenter's tab did not load: {teacher.error}")
            teacher.go.set()
            wait_for(lambda: not math.isnan(teacher.first_frame_seconds) or teacher.error, 60)
            time.sleep(1.0)
            t0 = time.perf_counter()
            time.sleep(seconds)
            alone = teacher.rate(t0, time.perf_counter())
            code = present(teacher.tab)
            say(f"presenter alone: {alone:,.0f} it/s; presenting as {code}; {followers} followers join")
            crowd = [Follower(server.url, code).begin() for _ in range(followers)]
            time.sleep(3.0)
            t0 = time.perf_counter()
            time.sleep(seconds)
            t1 = time.perf_counter()
            followed = teacher.rate(t0, t1)
            updates = [f.updates_per_second(t0, t1) for f in crowd]
            ticks = tick_stats([r for f in crowd for r in f.window(t0, t1)])
            report["presenter_alone_steps_per_second"] = round(alone, 1)
            report["presenter_followed_steps_per_second"] = round(followed, 1)
            report["presenter_speed_ratio"] = round(followed / alone, 3) if alone else math.nan
            report["followers_updates_per_second_min"] = round(min(updates), 2)
            report["followers_updates_per_second_median"] = round(statistics.median(updates), 2)
            report["followers_tick_server_ms_p95"] = ticks["server_ms_p95"]
            report["followers_ticks"] = ticks
            report["server_rss_mb"] = round(server.rss_mb(), 1)
            say(f"{followers} followers: each ≥ {min(updates):.1f} updates/s (median {statistics.median(updates):.1f}), "
                f"tick p95 {ticks['server_ms_p95']} ms (round trip {ticks['round_trip_ms_p95']} ms); presenter "
                f"{followed:,.0f} it/s = {report['presenter_speed_ratio']:.0%} of alone")
        finally:
            for f in crowd:
                f.join()
            teacher.join()
            errors = [u.error for u in (teacher, *crowd) if u.error]
            if errors:
                report["errors"] = errors
        opener = User(server.url, target=None, search=SHARED_LINK).begin()
        try:
            opener.loaded.wait(60)
            time.sleep(THINK_SECONDS)  # a person reads the page before pressing Start
            opener.go.set()
            wait_for(lambda: not math.isnan(opener.first_frame_seconds) or opener.error, 60)
            report["shared_link_first_frame_seconds"] = round(opener.first_frame_seconds, 3)
            say(f"a shared link ({SHARED_LINK}): first moving frame {opener.first_frame_seconds:.2f} s after Start")
        finally:
            opener.join()
            if opener.error:
                report.setdefault("errors", []).append(opener.error)
        report["health"] = server.health()
    return report


def verdicts(report: dict) -> dict:
    from gan_core.targets import TARGETS as KNOWN

    out = {}
    image = KNOWN[report.get("target", "x2")].kind == "image"
    targets = dict(IMAGE_TARGETS if image else TARGETS)
    if "followers" in report:
        targets = CLASSROOM_TARGETS
    elif not image and report.get("views", "default") != "none":
        targets["tick_payload_bytes_max"] = (VIEW_PAYLOAD_BYTES, "max")
    for name, (limit, kind) in targets.items():
        value = report.get(name, math.nan)
        ok = value <= limit if kind == "max" else value >= limit
        out[name] = {"value": value, "target": f"{'≤' if kind == 'max' else '≥'} {limit:g}", "met": bool(ok)}
    return out


def main(argv=None) -> int:
    try:
        args = parse(argv)
    except UsageError as exc:
        print(f"python -m bench: error: {exc}", file=sys.stderr)
        return 2
    say = (lambda *_: None) if args.json else (lambda text: print(text, flush=True))
    report = (classroom(args.followers, args.seconds, say) if args.classroom
              else run(args.users, args.seconds, say, args.target, args.views, args.profile))
    report["targets"] = verdicts(report)
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print()
        for name, v in report["targets"].items():
            print(f"  {'✓' if v['met'] else '✗'} {name:36} {v['value']:>10} (target {v['target']})")
        for error in report.get("errors", []):
            print(f"  ! {error}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
