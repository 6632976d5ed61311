"""Network building blocks shared by every kind: hidden stacks, the generator's output layer
and the discriminator's score. Each kind (gan_core/kinds/) assembles its G and D from these,
so an MLP means the same layers whether it draws points or curves."""
from __future__ import annotations

import keras

from gan_core.config import RunConfig
from gan_core.targets import Target


def initializer(activation: str, seed: int):
    return (keras.initializers.GlorotUniform(seed=seed) if activation in ("tanh", "linear")
            else keras.initializers.HeUniform(seed=seed))


def activate(x, activation: str, name: str):
    """The hidden activation as its own layer (LeakyReLU's slope is the DCGAN paper's 0.2)."""
    if activation == "leaky_relu":
        return keras.layers.LeakyReLU(negative_slope=0.2, name=name)(x)
    return keras.layers.Activation(activation, name=name)(x)


def normalise(x, name: str):
    """Batch normalisation with the DCGAN tutorials' momentum (statistics of ~10 recent batches)."""
    return keras.layers.BatchNormalization(momentum=0.9, name=name + "_bn")(x)


def dense(x, nodes: int, activation: str, seed: int, name: str, dropout: float = 0.0, batch_norm: bool = False):
    x = keras.layers.Dense(nodes, kernel_initializer=initializer(activation, seed), name=name)(x)
    if batch_norm:
        x = normalise(x, name)
    x = activate(x, activation, name + "_act")
    if dropout:
        x = keras.layers.Dropout(dropout, seed=seed, name=name + "_drop")(x)
    return x


def mlp_generator(cfg: RunConfig, target: Target) -> keras.Model:
    z = keras.Input((cfg.latent_size,), name="latent")
    x = z
    for k in range(cfg.g_hidden_layers):
        x = dense(x, cfg.g_hidden_nodes, cfg.g_activation, cfg.seed * 101 + k, f"g_hidden_{k}",
                  batch_norm=cfg.g_batch_norm == "on")
    return keras.Model(z, generator_output(x, cfg, target, target.dim), name="generator")


def generator_output(x, cfg: RunConfig, target: Target, units: int):
    """G's last layer: linear, or tanh scaled up to the target's range, so the saved model
    yields data directly."""
    init = keras.initializers.GlorotUniform(seed=cfg.seed * 101 + 50)
    if cfg.g_output == "tanh":
        x = keras.layers.Dense(units, activation="tanh", kernel_initializer=init, name="g_out")(x)
        return keras.layers.Rescaling(target.scale, name="g_scale")(x)
    return keras.layers.Dense(units, kernel_initializer=init, name="g_out")(x)


def mlp_discriminator(cfg: RunConfig, target: Target) -> keras.Model:
    """D on `packing` samples side by side (PacGAN): one sample unless packed."""
    s = keras.Input((target.dim * cfg.packing,), name="sample" if cfg.packing == 1 else f"pack_of_{cfg.packing}")
    x = s
    for k in range(cfg.d_hidden_layers):
        x = dense(x, cfg.d_hidden_nodes, cfg.d_activation, cfg.seed * 101 + 60 + k, f"d_hidden_{k}", cfg.d_dropout)
    return keras.Model(s, score(x, cfg), name="discriminator")


def score(x, cfg: RunConfig):
    """D's raw score (a logit); each loss reads it its own way."""
    return keras.layers.Dense(1, kernel_initializer=keras.initializers.GlorotUniform(seed=cfg.seed * 101 + 99),
                              name="d_out")(x)
