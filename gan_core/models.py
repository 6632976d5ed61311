"""Generator and discriminator: plain Keras functional MLPs built from a RunConfig."""
from __future__ import annotations

import keras

from gan_core.config import RunConfig
from gan_core.targets import Target


def _hidden(x, nodes: int, activation: str, seed: int, name: str):
    init = (keras.initializers.GlorotUniform(seed=seed) if activation == "tanh"
            else keras.initializers.HeUniform(seed=seed))
    if activation == "leaky_relu":
        x = keras.layers.Dense(nodes, kernel_initializer=init, name=name)(x)
        return keras.layers.LeakyReLU(negative_slope=0.2, name=name + "_act")(x)
    return keras.layers.Dense(nodes, activation=activation, kernel_initializer=init, name=name)(x)


def build_generator(cfg: RunConfig, target: Target) -> keras.Model:
    z = keras.Input((cfg.latent_size,), name="latent")
    x = z
    for k in range(cfg.g_hidden_layers):
        x = _hidden(x, cfg.g_hidden_nodes, cfg.activation, cfg.seed * 101 + k, f"g_hidden_{k}")
    out_init = keras.initializers.GlorotUniform(seed=cfg.seed * 101 + 50)
    if cfg.g_output == "tanh":
        x = keras.layers.Dense(target.dim, activation="tanh", kernel_initializer=out_init, name="g_out")(x)
        # Scale [-1, 1] up to the target's range, so the saved model yields data directly.
        x = keras.layers.Rescaling(target.scale, name="g_scale")(x)
    else:
        x = keras.layers.Dense(target.dim, kernel_initializer=out_init, name="g_out")(x)
    return keras.Model(z, x, name="generator")


def build_discriminator(cfg: RunConfig, target: Target) -> keras.Model:
    s = keras.Input((target.dim,), name="sample")
    x = s
    for k in range(cfg.d_hidden_layers):
        x = _hidden(x, cfg.d_hidden_nodes, cfg.activation, cfg.seed * 101 + 60 + k, f"d_hidden_{k}")
    # A raw score (logit); each loss reads it its own way.
    x = keras.layers.Dense(1, kernel_initializer=keras.initializers.GlorotUniform(seed=cfg.seed * 101 + 99),
                           name="d_out")(x)
    return keras.Model(s, x, name="discriminator")

