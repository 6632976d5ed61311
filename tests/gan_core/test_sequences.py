"""The sequence kind: the sinusoid tutorial's networks, its D pre-training, the curve
metrics, and a generator that actually learns curves."""
import numpy as np
import pytest

from gan_core.config import PRESETS, ConfigError, RunConfig
from gan_core.gan import GAN, build_networks
from gan_core.kinds.sequences import Conv1DMatmul, fit_sinusoids, sequence_x
from gan_core.metrics import compute_metrics, reference_sample
from gan_core.targets import get_target

SINUSOIDS = get_target("sinusoids")


def _curves(mul, offset=0.3):
    x = sequence_x(SINUSOIDS)
    return np.sin(offset + x[None, :] * np.asarray(mul)[:, None]) / 2 + 0.5


def test_the_fit_finds_each_curves_frequency_and_leaves_no_residual_on_real_curves():
    mul = np.array([1.0, 1.37, 1.9])
    residual, frequency = fit_sinusoids(SINUSOIDS, _curves(mul))
    assert residual.max() < 0.005 and np.abs(frequency - mul).max() <= 0.005
    noise = np.random.default_rng(0).uniform(0, 1, (50, 50))
    assert fit_sinusoids(SINUSOIDS, noise)[0].mean() > 0.2  # not a sinusoid at all


def test_metrics_tell_real_curves_from_collapsed_and_from_noisy_ones():
    real = compute_metrics(SINUSOIDS, reference_sample(SINUSOIDS)[:500])
    assert real["fit_residual"] < 0.005 and real["frequency_w1"] < 0.03 and not real["collapsed"]
    one_curve = compute_metrics(SINUSOIDS, np.repeat(_curves([1.5]), 500, axis=0))
    assert one_curve["fit_residual"] < 0.005  # a perfect sinusoid...
    assert one_curve["frequency_w1"] > 0.2 and one_curve["collapsed"]  # ...but one for every noise
    wiggly = reference_sample(SINUSOIDS)[:500] + np.random.default_rng(1).normal(0, 0.1, (500, 50))
    assert compute_metrics(SINUSOIDS, wiggly)["fit_residual"] > 0.08


def test_the_tutorial_preset_builds_the_tutorials_networks():
    cfg = PRESETS["sinusoids-tutorial"]
    G, D = build_networks(cfg)
    # G: 10 → Dense(200, tanh) → Dense(50, tanh); D: Conv1D(50, 5, ReLU) → Dropout(0.25) → Dense(50) → score
    assert G.count_params() == 10 * 200 + 200 + 200 * 50 + 50
    assert D.count_params() == (5 * 50 + 50) + (46 * 50 * 50 + 50) + 51
    assert any(isinstance(layer, Conv1DMatmul) for layer in D.layers)
    assert [layer.rate for layer in D.layers if layer.__class__.__name__ == "Dropout"] == [0.25]
    assert (cfg.g_optimizer, cfg.d_optimizer, cfg.latent_dist, cfg.batch_size) == ("sgd", "adam", "uniform01", 32)


def test_the_convolution_matches_keras_conv1d():
    import keras

    x = np.random.default_rng(0).normal(size=(3, 50, 2)).astype("float32")
    ours, theirs = Conv1DMatmul(4, 5), keras.layers.Conv1D(4, 5)
    expected_shape = tuple(theirs(x).shape)
    got = np.asarray(ours(x))
    theirs.set_weights(ours.get_weights())
    assert got.shape == expected_shape and np.allclose(got, np.asarray(theirs(x)), atol=1e-6)


def test_conv_is_refused_for_points_and_uniform01_noise_is_non_negative():
    with pytest.raises(ConfigError, match="architecture conv is not available for function targets"):
        RunConfig(architecture="conv")
    gan = GAN(RunConfig(target="sinusoids", latent_dist="uniform01"))
    z = gan.latent(1000)
    assert z.min() >= 0 and z.max() <= 1 and z.mean() > 0.4


def test_pretraining_trains_d_alone_before_the_first_iteration():
    gan = GAN(RunConfig(target="sinusoids", architecture="conv", d_hidden_layers=1, d_hidden_nodes=8,
                        d_pretrain=30, d_dropout=0.25))
    g_before = [w.copy() for w in gan.G.get_weights()]
    gan.train(1)
    assert gan.iteration == 1 and gan.pretrained == 30
    assert int(gan.d_opt.step.numpy()) == 31 and int(gan.g_opt.step.numpy()) == 1
    assert any(not np.array_equal(a, b) for a, b in zip(g_before, gan.G.get_weights()))
    gan.train(2)
    assert int(gan.d_opt.step.numpy()) == 33  # pre-training happens once


def test_a_run_with_dropout_is_reproducible():
    cfg = PRESETS["sinusoids-tutorial"].replace(d_pretrain=5, seed=4)
    a, b = GAN(cfg), GAN(cfg)
    a.train(20)
    b.train(20)
    assert np.array_equal(a.fake_view(), b.fake_view())


def test_the_recommended_sinusoid_generator_learns_curves():
    from gan_core.recommended import recommended_config

    gan = GAN(recommended_config("sinusoids", seed=1))
    before = compute_metrics(gan.target, gan.fake_view())
    gan.train(3000)
    after = compute_metrics(gan.target, gan.fake_view())
    assert after["fit_residual"] < 0.6 * before["fit_residual"]
    assert after["fit_residual"] < 0.1 and after["frequency_w1"] < 0.2
    assert after["frequency_spread"] > 0.15  # the real U[1, 2] has 0.29: not one curve for all noise
