"""GAN losses on raw discriminator scores (logits), written out because tensorflow-gan
no longer imports on TF 2.21. Each loss knows where its decision threshold sits so
discriminator accuracy means the same thing across losses."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import tensorflow as tf


@dataclass(frozen=True)
class GanLoss:
    name: str
    d_loss: Callable  # (real_scores, fake_scores, smoothing) -> scalar
    g_loss: Callable  # (fake_scores) -> scalar
    threshold: float | None  # score above which D says "real"; None: midway between means
    gradient_penalty: float = 0.0


def _mean(x):
    return tf.reduce_mean(x)


def _bce_d(real, fake, smoothing):
    # BCE with real labels 1 - smoothing, fake labels 0, written on logits for stability.
    real_term = (1.0 - smoothing) * tf.nn.softplus(-real) + smoothing * tf.nn.softplus(real)
    return _mean(real_term) + _mean(tf.nn.softplus(fake))


LOSSES: dict[str, GanLoss] = {
    # G maximises log D(G(z)): the usual, non-saturating choice.
    "nsgan": GanLoss("nsgan", _bce_d, lambda fake: _mean(tf.nn.softplus(-fake)), 0.0),
    # G minimises log(1 - D(G(z))) = -softplus(fake): the original game, saturates early.
    "minimax": GanLoss("minimax", _bce_d, lambda fake: -_mean(tf.nn.softplus(fake)), 0.0),
    "lsgan": GanLoss(
        "lsgan",
        lambda real, fake, s: 0.5 * _mean(tf.square(real - (1.0 - s))) + 0.5 * _mean(tf.square(fake)),
        lambda fake: 0.5 * _mean(tf.square(fake - 1.0)),
        0.5,
    ),
    # A critic, not a classifier: accuracy uses the midpoint of the two mean scores.
    "wgan-gp": GanLoss("wgan-gp", lambda real, fake, s: _mean(fake) - _mean(real),
                       lambda fake: -_mean(fake), None, gradient_penalty=10.0),
    "hinge": GanLoss(
        "hinge",
        lambda real, fake, s: _mean(tf.nn.relu(1.0 - real)) + _mean(tf.nn.relu(1.0 + fake)),
        lambda fake: -_mean(fake),
        0.0,
    ),
}
