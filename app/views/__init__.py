"""What each kind of data looks like on the page: one module per kind, the twin of
gan_core/kinds/. Every module has the same public face:

- `samples_figure(target, real, fake, large, options, verdicts, explanation, moment)`: the
  whole samples graph; `options` are the view toggles, `verdicts` D's scores on the shown
  samples (images only; for a conditional run also the names of the classes the fakes were
  asked for), `explanation` D's surface, G's arrows and manifold (2-D targets
  only; drawn by app/views/explain.py), `moment` words for a past moment the timeline shows;
- `samples_patch(target, fake, options, verdicts, explanation)`: the per-tick update, a Dash
  `Patch`;
- `quality_lines(target)`: the objective metrics the quality chart plots, and its axis;
- `status_stats(target, metrics)`: the metrics the status line says, as (text, tooltip,
  warning) triples.

Every kind draws its samples in `samples-graph`, so the contract ids keep their meaning.
"""
from __future__ import annotations

from types import ModuleType

from app.views import curves, images, points, values

VIEWS: dict[str, ModuleType] = {"function": points, "points": points, "sequence": curves, "image": images,
                                "values": values}


def view_for(target) -> ModuleType:
    return VIEWS[target.kind]
