"""The status line: the state in words, its message, the speed reached (and why it falls
short of the Speed setting), the objective metrics once there is something to measure, and
hints for a run that is going nowhere (fakes off the plot, a learning rate too low to move).
Routine news reads in the normal colour; only a diverged or failed run reads in red. The
iteration is the counter's alone."""
from __future__ import annotations

from dash import html

from app.views import view_for
from gan_core import get_target

_STATE_WORDS = {"idle": "Ready", "running": "Training", "paused": "Paused",
                "diverged": "Diverged", "error": "Error"}
SLOW_LEARNING_RATE = 1e-4


def render_status(snap, notice: str = "") -> list:
    parts = [html.Span(_STATE_WORDS.get(snap.state, snap.state), className=f"state state-{snap.state}")]
    running = snap.state == "running"
    if running and not snap.compiled:
        parts.append(_stat("preparing the networks (a few seconds)…",
                           "TensorFlow compiles the training step once per network shape."))
    elif running and snap.steps_per_second:
        parts.append(_stat(f"{snap.steps_per_second:,.0f} it/s",
                           "Iterations per second, measured over the last two seconds."))
        if snap.speed is not None and snap.steps_per_second < 0.8 * snap.speed:
            if snap.compute_rate and snap.compute_rate < snap.speed:
                why = (f"below the {snap.speed:,.0f}/s setting: this network takes "
                       f"{1000 / snap.compute_rate:.2f} ms an iteration on this server")
            else:
                why = f"below the {snap.speed:,.0f}/s setting: the server is busy with other runs"
            parts.append(_stat(why, "The Speed slider sets a ceiling; the machine decides what it can do."))
    metrics = snap.metrics or {}
    if snap.iteration > 0:  # no scores for networks that have not trained yet
        target = get_target(snap.config.target)
        for text, title, warning in view_for(target).status_stats(target, metrics):
            parts.append(html.Span(text, className="warning" if warning else "stat", title=title))
    if snap.off_axes and snap.iteration > 0 and snap.state in ("running", "paused", "diverged"):
        many = snap.off_axes >= 0.1 * len(snap.fake)
        parts.append(html.Span(f"{snap.off_axes} of {len(snap.fake)} fakes are off the plot",
                               className="warning" if many else "stat"))
    halflife = snap.config.lr_halflife
    if halflife and snap.iteration > 0:
        share = snap.config.annealing(snap.iteration)
        parts.append(_stat(f"learning rates annealed to {share:.3g} of their setting",
                           f"Annealing: both learning rates halve every {halflife:,} iterations "
                           f"(lr halflife), so G settles sharply on what it has found."))
    lr = max(snap.config.g_learning_rate, snap.config.d_learning_rate)
    if lr < SLOW_LEARNING_RATE and snap.state in ("idle", "running", "paused"):
        parts.append(html.Span(f"learning very slowly at learning rate {lr:g}: the fakes will barely move; "
                               "try 0.001", className="warning"))
    if snap.message:
        alarming = snap.state in ("diverged", "error")
        parts.append(html.Span(snap.message, className="message alarm" if alarming else "message"))
    if notice:
        parts.append(html.Span(notice, className="notice"))
    return parts


def _stat(text: str, title: str) -> html.Span:
    return html.Span(text, className="stat", title=title)
