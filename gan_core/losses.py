"""GAN losses on raw discriminator scores (logits), written out because tensorflow-gan
no longer imports on TF 2.21. Each loss knows where its decision threshold sits so
discriminator accuracy means the same thing across losses."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
import tensorflow as tf


@dataclass(frozen=True)
class GanLoss:
    name: str
    d_loss: Callable  # (real_scores, fake_scores, smoothing) -> scalar
    g_loss: Callable  # (fake_scores) -> scalar
    threshold: float | None  # score above which D says "real"; None: midway between means
    gradient_penalty: float = 0.0
    # D's scores as "how real", 0 (surely fake) to 1 (surely real), for the decision surface:
    # (scores, mean real score, mean fake score) -> array; the loss's own reading of a score
    realness: Callable = None


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-np.clip(x, -30.0, 30.0)))


def _critic_realness(scores, real_mean, fake_mean):
    """A critic's scores have no fixed scale: midway between its mean real and fake scores
    reads 0.5, and the two means about 0.12 and 0.88."""
    spread = max(abs(real_mean - fake_mean) / 2.0, 1e-6)
    return _sigmoid(2.0 * (scores - 0.5 * (real_mean + fake_mean)) / spread)


def _mean(x):
    """The mean over a batch of scores ([samples, 1]): a scalar; for stacked runs ([runs,
    samples, 1], gan_core.crowd) one mean per run."""
    return tf.reduce_mean(x, axis=(-2, -1))


def _bce_d(real, fake, smoothing):
    # BCE with real labels 1 - smoothing, fake labels 0, written on logits for stability.
    real_term = (1.0 - smoothing) * tf.nn.softplus(-real) + smoothing * tf.nn.softplus(real)
    return _mean(real_term) + _mean(tf.nn.softplus(fake))


LOSSES: dict[str, GanLoss] = {
    # G maximises log D(G(z)): the usual, non-saturating choice.
    "nsgan": GanLoss("nsgan", _bce_d, lambda fake: _mean(tf.nn.softplus(-fake)), 0.0,
                     realness=lambda s, r, f: _sigmoid(s)),
    # G minimises log(1 - D(G(z))) = -softplus(fake): the original game, saturates early.
    "minimax": GanLoss("minimax", _bce_d, lambda fake: -_mean(tf.nn.softplus(fake)), 0.0,
                       realness=lambda s, r, f: _sigmoid(s)),
    "lsgan": GanLoss(
        "lsgan",
        lambda real, fake, s: 0.5 * _mean(tf.square(real - (1.0 - s))) + 0.5 * _mean(tf.square(fake)),
        lambda fake: 0.5 * _mean(tf.square(fake - 1.0)),
        0.5,
        realness=lambda s, r, f: np.clip(s, 0.0, 1.0),  # D regresses real to 1, fake to 0
    ),
    # A critic, not a classifier: accuracy uses the midpoint of the two mean scores.
    "wgan-gp": GanLoss("wgan-gp", lambda real, fake, s: _mean(fake) - _mean(real),
                       lambda fake: -_mean(fake), None, gradient_penalty=10.0,
                       realness=_critic_realness),
    "hinge": GanLoss(
        "hinge",
        lambda real, fake, s: _mean(tf.nn.relu(1.0 - real)) + _mean(tf.nn.relu(1.0 + fake)),
        lambda fake: -_mean(fake),
        0.0,
        realness=lambda s, r, f: np.clip((s + 1.0) / 2.0, 0.0, 1.0),  # the margins at -1 and 1
    ),
}
