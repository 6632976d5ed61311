"""Runs of one shape train in batches (gan_core.crowd), each exactly as it would alone."""
import threading

import numpy as np
import pytest
import tensorflow as tf

from gan_core import profile
from gan_core.config import RunConfig
from gan_core.crowd import _Job, _latent, eligible
from gan_core.gan import GAN
from gan_core.metrics import compute_metrics
from gan_core.targets import get_target

RING = RunConfig(target="ring8", seed=3)


def _job(gan, k):
    """A chunk of k iterations as `GAN._chunk` hands it to the crowd."""
    flat = gan._draw_real(gan.rng, k * gan.cfg.d_steps * gan.cfg.batch_size * gan.cfg.packing)
    gan._real[:k] = flat.reshape(gan._real[:k].shape)
    key = tuple(int(x) for x in gan.rng.integers(0, 2**32, 2))
    return _Job(gan._state, gan._real.copy(), k, key, True)


def test_a_run_in_a_batch_of_six_learns_exactly_what_it_learns_alone():
    alone = GAN(RING)
    alone.train(300)
    mine = GAN(RING)
    others = [GAN(RING.replace(seed=s, g_learning_rate=3e-3)) for s in (0, 1, 2, 4, 5)]
    before = [o.fake_view() for o in others]
    # other lengths too: the shorter ones stop while the batch goes on, and mine is unchanged
    mine._crowd._train([_job(mine, 300)] + [_job(o, 100 + 50 * i) for i, o in enumerate(others)])
    np.testing.assert_array_equal(alone.fake_view(), mine.fake_view())
    assert all(not np.array_equal(b, o.fake_view()) for b, o in zip(before, others))
    assert mine._state[2][1].numpy() == alone._state[2][1].numpy() == 300  # G's Adam step count


def test_threads_that_train_at_once_share_batches_and_stay_their_own(no_leaked_threads):
    alone = GAN(RING)
    alone.train(600)
    gans = [GAN(RING)] + [GAN(RING.replace(seed=s, d_learning_rate=3e-3)) for s in range(3)]
    gans[0]._crowd.train(gans[0]._state, gans[0]._real, 0, (0, 0))  # compiled before the race
    before = profile.totals()
    threads = [threading.Thread(target=g.train, args=(600,), name="test-crowd") for g in gans]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    batched = {name: v for name, v in profile.difference(before, profile.totals())["spans"].items()
               if name.startswith("crowd: batch of")}
    assert any(not name.endswith(" 1") for name in batched)  # at least one batch held several runs
    np.testing.assert_array_equal(alone.fake_view(), gans[0].fake_view())
    assert all(g.iteration == 600 for g in gans)


def test_runs_in_a_crowd_still_learn():
    gan = GAN(RunConfig(target="x2", seed=1))
    first = compute_metrics(gan.target, gan.generate(2000))["mean_abs_error"]
    gan.train(3000)
    assert compute_metrics(gan.target, gan.generate(2000))["mean_abs_error"] < min(0.05, first / 2)


@pytest.mark.parametrize("dist", ["gaussian", "uniform", "uniform01"])
def test_the_noise_has_its_distribution_and_each_run_its_own(dist):
    keys = tf.constant([[1, 2], [3, 4], [1, 2]], tf.uint32)
    z = _latent(dist, keys, tf.constant(7, tf.uint32), 2000, 5).numpy()
    assert z.shape == (3, 2000, 5)
    np.testing.assert_array_equal(z[0], z[2])  # the same key, the same draws
    assert abs(np.corrcoef(z[0].ravel(), z[1].ravel())[0, 1]) < 0.05
    flat = z[0].ravel()
    if dist == "gaussian":
        assert abs(flat.mean()) < 0.05 and abs(flat.std() - 1) < 0.05 and abs(np.mean(flat ** 4) - 3) < 0.3
    else:
        low = 0.0 if dist == "uniform01" else -1.0
        assert low <= flat.min() and flat.max() <= 1.0
        counts = np.histogram(flat, bins=10, range=(low, 1.0))[0]
        assert counts.min() > 0.85 * counts.mean()
    later = _latent(dist, keys, tf.constant(8, tf.uint32), 2000, 5).numpy()
    assert abs(np.corrcoef(z[0].ravel(), later[0].ravel())[0, 1]) < 0.05  # the next draw is fresh


def test_what_the_batched_step_does_not_know_trains_alone():
    for changes in ({"balance": 0.8}, {"d_dropout": 0.2}, {"loss": "wgan-gp"}, {"g_batch_norm": "on"}):
        cfg = RING.replace(**changes)
        assert not eligible(cfg, get_target(cfg.target))
        gan = GAN(cfg)
        assert gan._crowd is None
        assert gan.train(20).finite
    for changes in ({"packing": 3}, {"d_steps": 2, "loss": "lsgan"}, {"g_output": "tanh", "activation": "tanh"},
                    {"optimizer": "rmsprop"}, {"optimizer": "sgd"}, {"lr_halflife": 100}, {"target": "sine"}):
        cfg = RING.replace(**changes)
        assert eligible(cfg, get_target(cfg.target)), changes
        gan = GAN(cfg)
        assert gan._crowd is not None and gan.train(20).finite


def test_a_run_that_diverges_in_a_batch_diverges_alone():
    alone = GAN(RING)
    alone.train(200)
    mine, wild = GAN(RING), GAN(RING.replace(seed=9))
    kernel = wild._state[0][0]
    kernel.assign(tf.fill(kernel.shape, np.float32(np.nan)))  # G's first layer: NaN
    results = mine._crowd._train([_job(mine, 200), _job(wild, 200)])
    finite = results[2]
    assert finite[0] and not finite[1]  # the wild run's NaN stays its own; mine is untouched
    np.testing.assert_array_equal(alone.fake_view(), mine.fake_view())
