"""A person's own points: refused with a clear message when they cannot be used, otherwise a
target of their own that the engine learns, judged against the points themselves."""
import numpy as np
import pytest

from gan_core import ConfigError, RunConfig
from gan_core.data.custom import DataError, parse_csv, register
from gan_core.metrics import compute_metrics
from gan_core.recommended import recommended_config


@pytest.mark.parametrize("raw, words", [
    (b"hello\nworld\n", "is not numbers"),
    (b"x,y\n" + b"1,nan\n" * 20, "not a finite number"),
    (b"1,2,3\n" * 20, "found rows of 3"),
    (b"1\n" * 20, "the same point"),
    (b"1,2\n3\n" * 10, "found rows of 1, 2"),
    (b"1,2\n" * 5, "at least 10 points"),
    (b"1,2\n" * 20, "the same point"),
    (b"1,2\n" * 20_001, "at most 20,000"),
    (b"1,2\n" * 300_000, "MB; at most 1 MB"),
    (b"\xff\xfe\x00", "not text"),
])
def test_unusable_files_say_why(raw, words):
    with pytest.raises(DataError, match=words):
        parse_csv(raw)


def test_a_header_is_optional_and_spaces_do_not_matter():
    rows = "\n".join(f" {i * 0.1:.2f} , {i % 3}" for i in range(12))
    assert parse_csv(("x,y\n" + rows).encode()).shape == (12, 2) == parse_csv(rows.encode()).shape


def test_your_data_is_a_target_the_engine_learns():
    from gan_core.gan import GAN

    rng = np.random.default_rng(0)
    points = np.concatenate([rng.normal((3, 3), 0.2, (400, 2)), rng.normal((-3, 1), 0.2, (400, 2))])
    target = register(points)
    assert target.id.startswith("data-") and target.x_range[0] < -3 and target.x_range[1] > 3
    config = recommended_config(target.id, seed=1)
    assert RunConfig().replace(target=target.id).target == target.id
    with pytest.raises(ConfigError):
        RunConfig().replace(target="data-0000000000000000")  # not kept: refused like any unknown target
    gan = GAN(config)
    before = compute_metrics(target, gan.generate(1000))["wasserstein"]
    gan.train(4000)
    after = compute_metrics(target, gan.generate(1000))["wasserstein"]
    assert after < 0.3 * before, (before, after)


def test_one_column_is_values_that_the_engine_learns_as_a_distribution():
    from gan_core.gan import GAN

    values = np.random.default_rng(0).normal(2.0, 0.5, 400)
    target = register(parse_csv(("value\n" + "\n".join(f"{v:.4f}" for v in values)).encode()))
    assert target.kind == "values" and target.dim == 1
    gan = GAN(recommended_config(target.id, seed=2))
    assert gan.explain(target.data[:10], gan.generate(10)) is None  # no plane to shade
    before = compute_metrics(target, gan.generate(1000))["wasserstein"]
    gan.train(3000)
    after = compute_metrics(target, gan.generate(1000))["wasserstein"]
    assert after < 0.2 * before, (before, after)
