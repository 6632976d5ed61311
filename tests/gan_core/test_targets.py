import numpy as np
import pytest

from gan_core.targets import TARGETS, get_target

SPEC_IDS = {"x2", "ring8", "sinusoids"}


def test_contract_ids_exist_with_their_meaning():
    assert SPEC_IDS <= set(TARGETS)
    assert TARGETS["x2"].kind == "function" and TARGETS["x2"].x_domain == (-0.5, 0.5)
    assert TARGETS["ring8"].kind == "points" and len(TARGETS["ring8"].modes) == 8
    assert TARGETS["sinusoids"].kind == "sequence" and TARGETS["sinusoids"].dim == 50


# Sets whose files are not on this machine (MNIST, Fashion-MNIST) are read from small files
# the test writes, in tests/gan_core/test_real_sets.py.
@pytest.mark.parametrize("target_id", [t for t, v in TARGETS.items() if not v.missing()])
def test_every_target_samples_reproducibly_and_sensibly(target_id):
    t = TARGETS[target_id]
    a = t.sample(np.random.default_rng(3), 500)
    b = t.sample(np.random.default_rng(3), 500)
    assert a.shape == (500, t.dim) and a.dtype == np.float32
    assert np.array_equal(a, b)
    assert np.isfinite(a).all()
    assert t.label and t.description.endswith(".")
    if t.dim == 2:
        # nearly every sample lies inside the natural plot ranges
        inside = ((a[:, 0] >= t.x_range[0]) & (a[:, 0] <= t.x_range[1])
                  & (a[:, 1] >= t.y_range[0]) & (a[:, 1] <= t.y_range[1]))
        assert inside.mean() > 0.97


def test_function_targets_lie_on_their_curve():
    for t in TARGETS.values():
        if t.kind == "function":
            s = t.sample(np.random.default_rng(0), 200)
            assert np.allclose(s[:, 1], t.f(s[:, 0]), atol=1e-5)
            assert s[:, 0].min() >= t.x_domain[0] and s[:, 0].max() <= t.x_domain[1]


def test_sinusoids_follow_the_tutorial_formula():
    s = get_target("sinusoids").sample(np.random.default_rng(0), 20)
    assert s.min() >= 0 and s.max() <= 1


def test_unknown_target_names_the_choices():
    with pytest.raises(KeyError, match="ring8"):
        get_target("spiral")
