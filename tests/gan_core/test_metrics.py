import numpy as np

from gan_core.metrics import compute_metrics, grid_histogram, kl_js, uniform_w1
from gan_core.targets import get_target


def test_true_samples_score_near_perfect_and_wrong_ones_do_not():
    t = get_target("x2")
    good = t.sample(np.random.default_rng(1), 2000)
    bad = good.copy()
    bad[:, 1] += 0.1
    m_good, m_bad = compute_metrics(t, good), compute_metrics(t, bad)
    assert m_good["mean_abs_error"] < 1e-6 and m_good["w1_x"] < 0.01
    assert abs(m_bad["mean_abs_error"] - 0.1) < 1e-5
    assert m_bad["js"] > m_good["js"] and m_bad["wasserstein"] > m_good["wasserstein"]


def test_uniform_w1_measures_a_shift():
    x = np.random.default_rng(0).uniform(-0.5, 0.5, 5000)
    assert uniform_w1(x, -0.5, 0.5) < 0.01
    assert abs(uniform_w1(x + 0.2, -0.5, 0.5) - 0.2) < 0.01


def test_histogram_counts_every_sample_including_outliers():
    t = get_target("ring8")
    pts = np.array([[0.0, 0.0], [100.0, 100.0], [-100.0, 5.0]])
    h = grid_histogram(pts, t)
    assert h.sum() == 1.0 and np.count_nonzero(h) == 3


def test_kl_js_are_zero_for_equal_and_bounded_for_disjoint():
    p = np.zeros(900); p[0] = 1
    q = np.zeros(900); q[1] = 1
    assert kl_js(p, p) == (0.0, 0.0)
    kl, js = kl_js(p, q)
    assert kl > 10 and abs(js - np.log(2)) < 1e-6


def test_mode_collapse_is_counted():
    t = get_target("ring8")
    full = t.sample(np.random.default_rng(0), 2000)
    collapsed = np.tile(np.array(t.modes[0]), (2000, 1)) + np.random.default_rng(0).normal(0, 0.05, (2000, 2))
    assert compute_metrics(t, full)["modes_covered"] == 8
    m = compute_metrics(t, collapsed)
    assert m["modes_covered"] == 1 and m["high_quality_share"] > 0.95


def test_nonfinite_samples_do_not_crash():
    m = compute_metrics(get_target("x2"), np.array([[np.nan, 0.0], [0.1, 0.01]]))
    assert m == {"finite_share": 0.5}
