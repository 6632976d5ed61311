"""One-click tutorials: the runs this project grows from, each a sentence and a link. A link
carries the settings but no seed, so each student who clicks it gets a run of their own
(the "Copy link" of a run carries its seed). Following one keeps the tab's session: it is
reset to the preset's settings (app.parts.share)."""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from dash import dcc, html

from app import ids
from gan_core import PRESETS, TARGETS, RunConfig
from gan_core.links import config_to_query
from gan_core.recommended import LESSON_RUNS, recommended_config


@dataclass(frozen=True)
class Preset:
    title: str
    sentence: str
    config: RunConfig
    group: str

    @property
    def href(self) -> str:
        query = {k: v for k, v in config_to_query(self.config).items() if k != "seed"}
        return "/?" + urlencode(query)


_X2 = PRESETS["tutorial"]


def _ours(target: str) -> RunConfig:
    return recommended_config(target)


# The lesson of packing: the same run twice, one sample at a time and in packs of four
# (gan_core.recommended.LESSON says what each shows, measured)
LESSON = tuple((title, sentence, config) for title, sentence, config in LESSON_RUNS)

PRESETS_SHOWN: tuple[Preset, ...] = (
    Preset("x² tutorial, exactly", "G 5→15→2 and D 2→25→1 with ReLU, Adam 0.001, batch 64: the tutorial's own "
           "run, unstable as it warns.", _X2, "The 1-D tutorial"),
    Preset("More nodes", "The tutorial's extension: 64 nodes in each hidden layer instead of 15 and 25.",
           _X2.replace(hidden_nodes=64), "The 1-D tutorial"),
    Preset("Leaky ReLU, two layers", "Extension: leaky ReLU and a second hidden layer in G and D.",
           _X2.replace(activation="leaky_relu", hidden_layers=2), "The 1-D tutorial"),
    Preset("Tanh output", "Extension: G ends in tanh and the data are scaled to fit [-1, 1].",
           _X2.replace(g_output="tanh"), "The 1-D tutorial"),
    Preset("A sine wave", "Extension: another function, sin(πx)/2 on [-1, 1], with the tutorial's networks.",
           _X2.replace(target="sine"), "The 1-D tutorial"),
    Preset("A Gaussian bump", "Extension: a bell curve, exp(-x²/0.18).", _X2.replace(target="bump"),
           "The 1-D tutorial"),
    Preset("Another quadratic", "Extension: 1 - 2x², upside down and wider.", _X2.replace(target="quadratic"),
           "The 1-D tutorial"),
    Preset("A multi-modal polynomial", "Extension: 8x⁴ - 8x² + 1, three peaks; wider networks learn it.",
           _ours("poly4"), "The 1-D tutorial"),
    Preset("2-D Gaussian", "The TensorFlow tutorial: 100 noise numbers, 3 × 256 nodes, tanh output, Adam 2e-4, "
           "D trained twice as often.", PRESETS["tf-gaussian"], "The 2-D tutorial"),
    Preset("Unit disk", "The same networks learning a uniform disk: watch the edge sharpen.", PRESETS["tf-disk"],
           "The 2-D tutorial"),
    Preset("Ring", "GAN Lab's ring: eight Gaussians on a circle, the classic test of mode collapse.",
           _ours("ring8"), "GAN Lab's datasets"),
    Preset("Two Gaussians", "GAN Lab's two blobs: does G split itself in two?", _ours("two_gaussians"),
           "GAN Lab's datasets"),
    Preset("Line", "GAN Lab's line: a thin segment G must squeeze onto.", _ours("line"), "GAN Lab's datasets"),
    Preset("Three clusters", "GAN Lab's three disjoint clusters.", _ours("three_clusters"), "GAN Lab's datasets"),
    Preset("PacGAN's 2D-ring", "The mode-collapse papers' benchmark: 8 Gaussians of σ 0.01, 100,000 training "
           "samples; packing 2 and annealing cover all 8 sharply.", _ours("pacgan-ring"), "Mode collapse"),
    Preset("PacGAN's 2D-grid", "25 Gaussians of σ 0.05 on a 5×5 grid from -4 to 4: the harder half of the "
           "papers' table.", _ours("pacgan-grid"), "Mode collapse"),
    Preset(*LESSON[0], "Mode collapse"),
    Preset(*LESSON[1], "Mode collapse"),
    Preset("Sinusoid tutorial, exactly", "Curves: G's MLP against the tutorial's Conv1D D, pre-trained one pass; "
           "watch for one curve for every noise.", PRESETS["sinusoids-tutorial"], "Curves and images"),
    Preset("Letters, quick", "28×28 letters by a small class-conditional convolutional GAN: each cell asks G "
           "for a letter, and most are recognisable within a minute.",
           _ours("letters"), "Curves and images"),
    Preset("Letters tutorial, exactly", "The letters tutorial's 6.7 M-parameter DCGAN: about an iteration a "
           "second here, slow but faithful.", PRESETS["letters-tutorial"], "Curves and images"),
)
assert all(p.config.target in TARGETS for p in PRESETS_SHOWN)


def layout() -> html.Details:
    groups: dict[str, list] = {}
    for p in PRESETS_SHOWN:
        groups.setdefault(p.group, []).append(
            html.Li(dcc.Link([html.Strong(p.title), html.Span(p.sentence, className="preset-sentence")],
                             href=p.href, className="preset", title="Start from this preset (a new run with a seed "
                                                                     "of its own); its address is a link to share.")))
    return html.Details([
        html.Summary("Tutorials and presets", title="The runs of the tutorials this dashboard grows from and GAN "
                                                    "Lab's datasets, one click each."),
        *[html.Div([html.H3(group, className="preset-group"), html.Ul(items, className="presets")])
          for group, items in groups.items()],
    ], id=ids.GALLERY, className="gallery")
