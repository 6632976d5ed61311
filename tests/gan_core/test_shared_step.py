"""Runs of one network shape share one compiled step, and never each other's state."""
import os
import subprocess
import sys

import keras
import numpy as np
import pytest
import tensorflow as tf

from gan_core.config import RunConfig
from gan_core.gan import GAN, shared_step
from gan_core.optimizers import OptimizerState, apply


def _weights(gan):
    return [v.numpy().copy() for v in gan.G.trainable_variables + gan.D.trainable_variables]


def test_same_shape_shares_the_step_and_a_new_shape_gets_its_own():
    a, b = GAN(RunConfig(seed=0)), GAN(RunConfig(seed=5, g_learning_rate=3e-3))
    assert a._step is b._step  # seed and learning rate are values, not shape
    assert GAN(RunConfig(latent_size=6))._step is not a._step
    assert shared_step(RunConfig(loss="lsgan")) is not a._step


def test_interleaved_runs_train_exactly_as_if_alone():
    alone = GAN(RunConfig(seed=0))
    for _ in range(3):
        alone.train(50)
    mine, other = GAN(RunConfig(seed=0)), GAN(RunConfig(seed=1, d_learning_rate=1e-2))
    for _ in range(3):
        mine.train(50)
        other.train(50)  # same compiled step, its own weights and optimizer state
    for x, y in zip(_weights(alone), _weights(mine)):
        np.testing.assert_array_equal(x, y)
    assert not all(np.array_equal(x, y) for x, y in zip(_weights(mine), _weights(other)))


def test_a_run_in_a_crowd_trains_exactly_as_if_alone():
    """Sessions train at once on the cores (a worker thread each, as a class's tabs do): what
    one run learns never depends on who trains beside it."""
    from gan_core import TrainingSession

    def fakes_after_steps(session):
        try:
            return session.step(1_000).fake.copy()
        finally:
            session.close()

    alone = fakes_after_steps(TrainingSession(RunConfig(seed=3), speed=None))
    crowd = [TrainingSession(RunConfig(seed=s, d_learning_rate=3e-3), speed=None) for s in range(3)]
    try:
        for other in crowd:
            other.start()  # flat out, beside it
        assert all(other.wait_until(lambda s: s.iteration > 0, timeout=60) for other in crowd)
        beside = fakes_after_steps(TrainingSession(RunConfig(seed=3), speed=None))
        assert all(other.snapshot().state == "running" for other in crowd)
    finally:
        for other in crowd:
            other.close()
    np.testing.assert_array_equal(alone, beside)


def test_the_server_gives_tensorflow_a_thread_per_core_and_a_command_one():
    """With one thread for TensorFlow's ops, every run of a process queued for it (twenty tabs
    used one of two cores); a command line run is fastest with one."""
    code = ("import os, sys; sys.argv = ['x']; import gan_core.gan as g, tensorflow as tf; "
            "print(tf.config.threading.get_intra_op_parallelism_threads(), g._cores())")
    env = {k: v for k, v in os.environ.items() if k != "GAN_TF_INTRA_THREADS"}
    threads, cores = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                                    timeout=120).stdout.split()
    assert threads == cores
    command = "import os, gan_core.cli as c; c.main(['targets']); print('threads', os.environ['GAN_TF_INTRA_THREADS'])"
    out = subprocess.run([sys.executable, "-c", command], capture_output=True, text=True, env=env, timeout=120).stdout
    assert out.strip().endswith("threads 1")


@pytest.mark.parametrize("kind", ["adam", "rmsprop", "sgd"])
def test_update_rule_matches_keras(kind):
    rng = np.random.default_rng(0)
    values = [rng.normal(size=(4, 3)).astype(np.float32), rng.normal(size=(3,)).astype(np.float32)]
    reference = [keras.Variable(v) for v in values]
    keras_opt = {"adam": keras.optimizers.Adam(learning_rate=0.01, beta_1=0.5),
                 "rmsprop": keras.optimizers.RMSprop(learning_rate=0.01),
                 "sgd": keras.optimizers.SGD(learning_rate=0.01)}[kind]
    state = OptimizerState.create(kind, 0.01, reference)
    ours = [tf.constant(v) for v in values]
    slots = [s.read_value() for s in state.slots]
    for step in range(5):
        grads = [tf.constant(rng.normal(size=v.shape).astype(np.float32)) for v in values]
        keras_opt.apply_gradients(zip(grads, reference))
        ours, slots = apply(kind, 0.5, ours, grads, slots, tf.constant(0.01), tf.constant(step, tf.int64))
    for r, o in zip(reference, ours):
        np.testing.assert_allclose(r.numpy(), o.numpy(), rtol=1e-5, atol=1e-6)


def test_balance_skips_the_update_of_whichever_side_is_good_enough():
    free = GAN(RunConfig(seed=0)).train(300)
    assert (free.d_updates, free.g_updates) == (1.0, 1.0)
    balanced = GAN(RunConfig(seed=0, balance=0.7)).train(300)
    assert 0.0 < balanced.d_updates < 1.0 and 0.0 < balanced.g_updates <= 1.0
    # a D that is never good enough always trains; so does a G that never fools it
    strict = GAN(RunConfig(seed=0, balance=0.99)).train(100)
    assert strict.d_updates > 0.9


def test_a_skipped_update_leaves_the_weights_as_they_were():
    gan = GAN(RunConfig(seed=0, balance=0.5, d_pretrain=0))
    d_before = [v.numpy().copy() for v in gan.D.trainable_variables]
    for _ in range(20):
        result = gan.train(1)
        d_now = [v.numpy().copy() for v in gan.D.trainable_variables]
        moved = not all(np.array_equal(x, y) for x, y in zip(d_before, d_now))
        assert moved == (result.d_updates == 1.0)
        d_before = d_now
