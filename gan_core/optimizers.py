"""Adam, RMSprop and SGD as pure update rules on tensors, their state in a run's own variables.

Why not `keras.optimizers`: the fused train step is compiled once per network shape and
shared by every run in the process (a classroom of identical runs compiles once, not thirty
times), so it must take each run's weights *and* optimizer state as arguments. Keras 3
offers that only through `Optimizer.stateless_apply`, which its TensorFlow backend refuses.
The rules below are Keras's own (keras/src/optimizers/adam.py, rmsprop.py and sgd.py without
momentum), with the same defaults, so a run trains as `keras.optimizers.Adam` would train it.
"""
from __future__ import annotations

from dataclasses import dataclass

import tensorflow as tf

ADAM_BETA2 = 0.999
ADAM_EPSILON = 1e-7
RMSPROP_RHO = 0.9
RMSPROP_EPSILON = 1e-7


@dataclass(frozen=True)
class OptimizerState:
    """One network's optimizer: learning rate and step count, plus Adam's two moments."""
    learning_rate: tf.Variable
    step: tf.Variable
    slots: tuple[tf.Variable, ...]  # Adam: first then second moments; RMSprop: second; SGD: none

    @classmethod
    def create(cls, kind: str, learning_rate: float, weights) -> "OptimizerState":
        per_weight = {"sgd": 0, "rmsprop": 1, "adam": 2}[kind]
        slots = tuple(tf.Variable(tf.zeros(w.shape, w.dtype), trainable=False)
                      for _ in range(per_weight) for w in weights)
        return cls(tf.Variable(float(learning_rate), dtype=tf.float32, trainable=False),
                   tf.Variable(0, dtype=tf.int64, trainable=False), slots)

    @property
    def variables(self) -> list[tf.Variable]:
        return [self.learning_rate, self.step, *self.slots]


def apply(kind: str, beta1: float, weights: list, grads: list, slots: list, learning_rate, step):
    """One update: (new weights, new slots). `step` counts updates already made."""
    if kind == "sgd":
        return [w - learning_rate * g for w, g in zip(weights, grads)], slots
    if kind == "rmsprop":
        new_w, new_v = [], []
        for w, g, v in zip(weights, grads, slots):
            v = RMSPROP_RHO * v + (1.0 - RMSPROP_RHO) * tf.square(g)
            new_w.append(w - learning_rate * g / tf.sqrt(v + RMSPROP_EPSILON))
            new_v.append(v)
        return new_w, new_v
    n = len(weights)
    t = tf.cast(step + 1, tf.float32)
    alpha = learning_rate * tf.sqrt(1.0 - ADAM_BETA2 ** t) / (1.0 - beta1 ** t)
    new_w, new_m, new_v = [], [], []
    for w, g, m, v in zip(weights, grads, slots[:n], slots[n:]):
        m = m + (g - m) * (1.0 - beta1)
        v = v + (tf.square(g) - v) * (1.0 - ADAM_BETA2)
        new_w.append(w - (m * alpha) / (tf.sqrt(v) + ADAM_EPSILON))
        new_m.append(m)
        new_v.append(v)
    return new_w, new_m + new_v
