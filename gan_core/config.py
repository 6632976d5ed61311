"""The one run configuration: fields, ranges and defaults defined once.

The CLI builds its flags from `FIELDS`, the dashboard builds its sliders from it, and
`RunConfig.validate` refuses anything outside it with a message that names the field.
"""
from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Any, Callable, Mapping

from gan_core.targets import KIND_ARCHITECTURES, TARGETS, get_target, is_custom


class ConfigError(ValueError):
    """A configuration value is outside what the engine accepts; `field` names it."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Field:
    name: str
    kind: type  # int, float or str
    default: Any
    help: str
    low: float | None = None
    high: float | None = None
    choices: tuple[str, ...] | None = None
    log: bool = False  # shown on a log scale (learning rates)
    step: float | None = None
    also: Callable[[Any], bool] | None = None  # values accepted beyond `choices` (your own data's ids)

    def describe_range(self) -> str:
        if self.choices is not None:
            listed = ", ".join(self.choices)
            if len(listed) > 120:  # a message stays a line: the first few, and how many in all
                listed = ", ".join(self.choices[:8]) + f" … ({len(self.choices)} in all)"
            return "one of " + listed
        return f"{_fmt(self.low)} to {_fmt(self.high)}"

    @property
    def label(self) -> str:
        """The field in words, as a person says it ("generator hidden nodes")."""
        words = self.name.replace("_", " ")
        for prefix, who in (("g ", "generator "), ("d ", "discriminator ")):
            if words.startswith(prefix):
                return who + words[2:]
        return words

    def coerce(self, value: Any) -> Any:
        """Turn `value` (from JSON, a URL or a form) into this field's type, or raise."""
        label, got = self.label, clip_repr(value)
        if self.kind is str:
            if not isinstance(value, str) or (value not in (self.choices or ()) and not (self.also and self.also(value))):
                raise ConfigError(f"{label} must be {self.describe_range()}; got {got}", self.name)
            return value
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            raise ConfigError(f"{label} must be a number from {self.describe_range()}; got {got}", self.name)
        try:
            number = float(value.strip() if isinstance(value, str) else value)
        except (ValueError, OverflowError):  # not a number; an integer too large for a float
            raise ConfigError(f"{label} must be a number from {self.describe_range()}; got {got}", self.name) from None
        if not math.isfinite(number):
            raise ConfigError(f"{label} must be a finite number from {self.describe_range()}; got {got}", self.name)
        if self.kind is int:
            if number != int(number):
                raise ConfigError(f"{label} must be a whole number from {self.describe_range()}; got {got}", self.name)
            number = int(number)
        if not (self.low <= number <= self.high):
            raise ConfigError(f"{label} must be from {self.describe_range()}; got {got}", self.name)
        return number


def _fmt(x: float | None) -> str:
    if x is None:
        return "?"
    if x == int(x) and abs(x) < 1e12:
        return str(int(x))
    return f"{x:g}"


def clip_repr(value: Any, limit: int = 40) -> str:
    """A short repr for messages: a forged megabyte is never echoed back."""
    try:
        text = repr(value) if not isinstance(value, (list, dict, tuple, set)) or len(value) < 20 \
            else f"<{type(value).__name__} of {len(value)} items>"
    except (ValueError, RecursionError):  # a 401-digit int's repr can fail; deep nesting
        text = f"<{type(value).__name__}>"
    return text if len(text) <= limit else text[: limit - 1] + "…"


LOSSES = ("nsgan", "minimax", "lsgan", "wgan-gp", "hinge")
ACTIVATIONS = ("relu", "leaky_relu", "tanh")
OPTIMIZERS = ("adam", "rmsprop", "sgd")
LATENT_DISTS = ("gaussian", "uniform", "uniform01")
ARCHITECTURES = ("mlp", "conv", "dcgan")

PACKABLE_KINDS = ("function", "points", "values")  # D's MLP takes m samples side by side
DCGAN_MAX_NODES = 64  # the letters tutorial's own width; twice that would be 27 M parameters

FIELDS: tuple[Field, ...] = (
    Field("target", str, "x2", "Which real distribution the generator learns to imitate.",
          choices=tuple(TARGETS), also=is_custom),
    Field("latent_size", int, 5, "Size of the random noise vector fed to the generator.", 1, 128),
    Field("latent_dist", str, "uniform",
          "Distribution of the generator's noise: gaussian N(0, 1), uniform on [-1, 1], or "
          "uniform01 on [0, 1] (the sinusoid tutorial's).",
          choices=LATENT_DISTS),
    Field("architecture", str, "mlp",
          "Network type: mlp (dense layers), conv (convolutions, for curves and images; hidden "
          "nodes are then channels) or dcgan (images: the letters tutorial's 6.7 M-parameter "
          "DCGAN at 64 hidden nodes, scaled with them; slow).", choices=ARCHITECTURES),
    Field("conditional", str, "off",
          "Class-conditional GAN, for image sets (their pictures have classes): G is told which class "
          "to draw (its noise ends in the class as one-hot numbers) and D judges picture and class "
          "together (a projection discriminator). Off: G must find every class by itself, as in the "
          "letters tutorial.", choices=("off", "on")),
    Field("g_hidden_layers", int, 2, "Hidden layers in the generator.", 1, 4),
    Field("g_hidden_nodes", int, 16, "Nodes in each hidden layer of the generator.", 1, 512),
    Field("d_hidden_layers", int, 2, "Hidden layers in the discriminator.", 1, 4),
    Field("d_hidden_nodes", int, 16, "Nodes in each hidden layer of the discriminator.", 1, 512),
    Field("g_activation", str, "leaky_relu", "Activation of the generator's hidden layers.", choices=ACTIVATIONS),
    Field("d_activation", str, "leaky_relu", "Activation of the discriminator's hidden layers.",
          choices=ACTIVATIONS),
    Field("g_batch_norm", str, "off", "Batch normalisation after each hidden layer of the generator, as "
          "the DCGAN paper does (always on in the dcgan architecture).", choices=("off", "on")),
    Field("d_dropout", float, 0.0, "Dropout after each hidden layer of the discriminator (share of units "
          "dropped while training).", 0.0, 0.6, step=0.05),
    Field("g_output", str, "linear",
          "Generator output: linear, or tanh with the target scaled to fit [-1, 1].",
          choices=("linear", "tanh")),
    Field("g_learning_rate", float, 1e-3, "Generator learning rate.", 1e-5, 1.0, log=True),
    Field("d_learning_rate", float, 1e-3, "Discriminator learning rate.", 1e-5, 1.0, log=True),
    Field("lr_halflife", int, 0,
          "Learning-rate annealing: both learning rates halve every this many iterations (0: they "
          "stay as set). Once G has found the modes, smaller steps let it settle on them sharply.",
          0, 1_000_000),
    Field("g_optimizer", str, "adam", "Optimizer of the generator.", choices=OPTIMIZERS),
    Field("d_optimizer", str, "adam", "Optimizer of the discriminator.", choices=OPTIMIZERS),
    Field("beta1", float, 0.5, "Adam's first-moment decay (beta 1).", 0.0, 0.999, step=0.01),
    Field("loss", str, "nsgan",
          "GAN loss: non-saturating BCE, original minimax BCE, least squares, WGAN-GP or hinge.",
          choices=LOSSES),
    Field("batch_size", int, 64,
          "Real and fake samples per discriminator step (the generator step uses twice as many).",
          8, 1024),
    Field("d_steps", int, 1, "Discriminator steps per generator step.", 1, 10),
    Field("d_pretrain", int, 0, "Discriminator steps before the first generator step (the sinusoid "
          "tutorial pre-trains D for one pass over its data).", 0, 10_000),
    Field("balance", float, 0.0,
          "Adaptive balance, as the letters tutorial trains: D skips its update while its accuracy "
          "on the batch is at least this, G skips its update while D catches no more than 1 minus "
          "this of G's fakes. 0: off, both always train.", 0.0, 0.99, step=0.01),
    Field("packing", int, 1,
          "PacGAN's packing: D sees this many samples at once and judges them together, so a "
          "G that repeats itself is caught (1: one sample at a time, the usual GAN). Points only.",
          1, 4),
    Field("label_smoothing", float, 0.0,
          "One-sided label smoothing: real labels become 1 minus this.", 0.0, 0.3, step=0.01),
    Field("seed", int, 0, "Random seed: the same seed and settings give the same run.", 0, 2**31 - 1),
)
FIELD_BY_NAME = {f.name: f for f in FIELDS}

# Controls that set a G and a D field together (the dashboard's single sliders, CLI flags).
ALIASES: dict[str, tuple[str, ...]] = {
    "hidden_nodes": ("g_hidden_nodes", "d_hidden_nodes"),
    "hidden_layers": ("g_hidden_layers", "d_hidden_layers"),
    "learning_rate": ("g_learning_rate", "d_learning_rate"),
    "activation": ("g_activation", "d_activation"),
    "optimizer": ("g_optimizer", "d_optimizer"),
}

# Changing these needs new models; anything else applies to a running session.
LIVE_FIELDS = frozenset({"g_learning_rate", "d_learning_rate"})


def describe_fields(names) -> str:
    """Changed fields in words, a G and D pair said once: "hidden nodes (G and D)"."""
    names, words = set(names), []
    for alias, pair in ALIASES.items():
        if set(pair) <= names:
            words.append(alias.replace("_", " ") + " (G and D)")
            names -= set(pair)
    words += [FIELD_BY_NAME[n].label for n in names]
    return ", ".join(sorted(words))


def _default(name: str) -> Any:
    return FIELD_BY_NAME[name].default


@dataclass(frozen=True)
class RunConfig:
    target: str = _default("target")
    latent_size: int = _default("latent_size")
    latent_dist: str = _default("latent_dist")
    architecture: str = _default("architecture")
    conditional: str = _default("conditional")
    g_hidden_layers: int = _default("g_hidden_layers")
    g_hidden_nodes: int = _default("g_hidden_nodes")
    d_hidden_layers: int = _default("d_hidden_layers")
    d_hidden_nodes: int = _default("d_hidden_nodes")
    g_activation: str = _default("g_activation")
    d_activation: str = _default("d_activation")
    g_batch_norm: str = _default("g_batch_norm")
    d_dropout: float = _default("d_dropout")
    g_output: str = _default("g_output")
    g_learning_rate: float = _default("g_learning_rate")
    d_learning_rate: float = _default("d_learning_rate")
    lr_halflife: int = _default("lr_halflife")
    g_optimizer: str = _default("g_optimizer")
    d_optimizer: str = _default("d_optimizer")
    beta1: float = _default("beta1")
    loss: str = _default("loss")
    batch_size: int = _default("batch_size")
    d_steps: int = _default("d_steps")
    d_pretrain: int = _default("d_pretrain")
    balance: float = _default("balance")
    packing: int = _default("packing")
    label_smoothing: float = _default("label_smoothing")
    seed: int = _default("seed")

    def __post_init__(self) -> None:
        for f in FIELDS:
            object.__setattr__(self, f.name, f.coerce(getattr(self, f.name)))
        kind = get_target(self.target).kind
        if self.architecture not in KIND_ARCHITECTURES[kind]:
            raise ConfigError(f"architecture {self.architecture} is not available for {kind} targets "
                              f"such as {self.target}; choose {' or '.join(KIND_ARCHITECTURES[kind])}",
                              "architecture")
        for name in ("g_hidden_nodes", "d_hidden_nodes"):
            if self.architecture == "dcgan" and getattr(self, name) > DCGAN_MAX_NODES:
                raise ConfigError(f"{FIELD_BY_NAME[name].label} must be at most {DCGAN_MAX_NODES} for the dcgan "
                                  f"architecture (the letters tutorial's 6.7 M parameters); got {getattr(self, name)}",
                                  name)
        if self.conditional == "on" and not get_target(self.target).labelled:
            raise ConfigError(f"conditional works for image targets, whose pictures have classes; {self.target} "
                              f"is a {kind} target, so conditional must be off; got on", "conditional")
        if self.packing > 1 and kind not in PACKABLE_KINDS:
            raise ConfigError(f"packing works for point targets; {self.target} is a {kind} target, so packing "
                              f"must be 1; got {self.packing}", "packing")
        if self.balance and not 0.5 <= self.balance:
            raise ConfigError(f"balance must be 0 (off) or from 0.5 to 0.99; got {self.balance:g}", "balance")

    @classmethod
    def from_dict(cls, values: Mapping[str, Any], base: "RunConfig | None" = None) -> "RunConfig":
        """Build from loose input (JSON, URL, form); aliases expand; unknown keys are refused."""
        return (base or cls()).replace(**values)

    def replace(self, **changes: Any) -> "RunConfig":
        expanded: dict[str, Any] = {}
        for key, value in changes.items():
            key = key.replace("-", "_")
            if key in ALIASES:
                for name in ALIASES[key]:
                    expanded[name] = value
            elif key in FIELD_BY_NAME:
                expanded[key] = value
            else:
                raise ConfigError(f"unknown setting {clip_repr(key)}", key)
        return dataclasses.replace(self, **expanded)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def annealing(self, iteration: int) -> float:
        """The share of the set learning rates in use at this iteration: 1, or less once
        `lr_halflife` has halved them."""
        return 0.5 ** (iteration / self.lr_halflife) if self.lr_halflife else 1.0

    def changed_fields(self, other: "RunConfig") -> set[str]:
        return {f.name for f in FIELDS if getattr(self, f.name) != getattr(other, f.name)}


assert [f.name for f in FIELDS] == [f.name for f in dataclasses.fields(RunConfig)]

_BASE = RunConfig()

PRESETS: dict[str, RunConfig] = {
    "default": _BASE,
    # The x² tutorial exactly: G 5→15→2, D 2→25→1, ReLU (He uniform), Adam 1e-3, batch 64+64 / 128.
    "tutorial": _BASE.replace(
        target="x2", latent_size=5, latent_dist="gaussian",
        g_hidden_layers=1, g_hidden_nodes=15, d_hidden_layers=1, d_hidden_nodes=25,
        activation="relu", g_output="linear", learning_rate=1e-3,
        optimizer="adam", beta1=0.9, loss="nsgan", batch_size=64, d_steps=1,
        label_smoothing=0.0,
    ),
    # A mixture setting that covers the 8 modes of ring8 (measured in tests).
    "ring8": _BASE.replace(
        target="ring8", latent_size=8, hidden_layers=2, hidden_nodes=64, activation="leaky_relu",
        learning_rate=2e-3, beta1=0.5, batch_size=128,
    ),
    # The TensorFlow 2-D tutorial: 100-dim U[-1, 1] noise → 3 × Dense(256, ReLU) → Dense(2, tanh);
    # D 3 × Dense(256, LeakyReLU) → score; Adam 2e-4, β1 0.5; D trained more often than G (2
    # steps each); its label noise of ±0.1 as one-sided smoothing of 0.1.
    "tf-gaussian": _BASE.replace(
        target="gaussian2d", latent_size=100, latent_dist="uniform", hidden_layers=3, hidden_nodes=256,
        g_activation="relu", d_activation="leaky_relu", g_output="tanh", learning_rate=2e-4, beta1=0.5,
        optimizer="adam", loss="nsgan", batch_size=64, d_steps=2, label_smoothing=0.1,
    ),
    # The sinusoid tutorial exactly: 10-dim U[0, 1] noise → Dense(200, tanh) → Dense(50, tanh)
    # trained by SGD 1e-3; D Conv1D(50, kernel 5, ReLU) → Dropout 0.25 → Dense(50) → score, by
    # Adam 1e-3 (Keras's β1 0.9); batch 32; D pre-trained one pass over 10,000 real and 10,000
    # fake curves (313 steps of 32 + 32). Its D ends in two sigmoids; one logit is the same game.
    "sinusoids-tutorial": _BASE.replace(
        target="sinusoids", latent_size=10, latent_dist="uniform01", architecture="conv",
        g_hidden_layers=1, g_hidden_nodes=200, g_activation="tanh", g_output="tanh", g_optimizer="sgd",
        d_hidden_layers=1, d_hidden_nodes=50, d_activation="relu", d_dropout=0.25, d_optimizer="adam",
        learning_rate=1e-3, beta1=0.9, loss="nsgan", batch_size=32, d_steps=1, d_pretrain=313,
    ),
    # The letters tutorial's DCGAN exactly (6.7 M parameters; about 1 iteration/s here, slow):
    # 100-dim U[-1, 1] noise → Dense(7·7·256), BN, ReLU, dropout 0.4 → upsampling and 5×5
    # Conv2DTranspose 128, 64, 32 (BN, ReLU) → 1, tanh; D 5×5 Conv2D 64, 128, 256 (stride 2),
    # 512 (stride 1), LeakyReLU 0.2 and dropout 0.4 each → score; RMSprop, D 2e-4, G 1e-4,
    # batch 64. Its "train each until good enough" is balance 0.8 (the threshold is ours).
    "letters-tutorial": _BASE.replace(
        target="letters", latent_size=100, latent_dist="uniform", architecture="dcgan",
        hidden_nodes=64, g_activation="relu", d_activation="leaky_relu", d_dropout=0.4, g_output="tanh",
        optimizer="rmsprop", g_learning_rate=1e-4, d_learning_rate=2e-4, loss="nsgan", batch_size=64,
        d_steps=1, balance=0.8,
    ),
}


PRESETS["tf-disk"] = PRESETS["tf-gaussian"].replace(target="disk")


def preset(name: str) -> RunConfig:
    try:
        return PRESETS[name]
    except KeyError:
        raise ConfigError(f"preset must be one of {', '.join(PRESETS)}; got {name!r}", "preset") from None
