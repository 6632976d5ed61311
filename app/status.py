"""The status line: state in words, its message, iteration and speed."""
from __future__ import annotations

from dash import html

_STATE_WORDS = {"idle": "Ready", "running": "Training", "paused": "Paused",
                "diverged": "Diverged", "error": "Error"}


def render_status(snap, notice: str = "") -> list:
    parts = [html.Span(_STATE_WORDS.get(snap.state, snap.state), className=f"state state-{snap.state}"),
             html.Span(f"iteration {snap.iteration:,}", className="stat")]
    if snap.state == "running" and not snap.compiled:
        parts.append(html.Span("preparing the networks (a few seconds)…", className="stat",
                               title="TensorFlow compiles the training step once per network shape."))
    elif snap.state == "running" and snap.steps_per_second:
        parts.append(html.Span(f"{snap.steps_per_second:,.0f} it/s", className="stat",
                               title="Iterations per second, measured over the last two seconds."))
    metrics = snap.metrics or {}
    if "mean_abs_error" in metrics:
        parts.append(html.Span(f"mean |y − f(x)| {metrics['mean_abs_error']:.4f}", className="stat",
                               title="Mean distance of generated points from the true curve (lower is better)."))
    if "modes_covered" in metrics:
        parts.append(html.Span(f"modes {metrics['modes_covered']}/{metrics['modes_total']}", className="stat",
                               title="Mixture modes holding a fair share of good samples."))
    if "js" in metrics:
        parts.append(html.Span(f"JS {metrics['js']:.3f}", className="stat",
                               title="Jensen-Shannon divergence between real and generated samples on a 30×30 grid (0 is perfect)."))
    if snap.message:
        parts.append(html.Span(snap.message, className="message"))
    if notice:
        parts.append(html.Span(notice, className="notice"))
    return parts
