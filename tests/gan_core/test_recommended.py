"""Every target learns at its recommended configuration within 10,000 iterations on seeds
0-4: its objective metric reaches the bound set in gan_core/recommended.py. Two runs at a
time (TensorFlow releases the GIL), so the 65 runs take about two minutes on 2 cores."""
from concurrent.futures import ThreadPoolExecutor

import pytest

from gan_core.recommended import RECOMMENDED, SEEDS, changes_for, check, objective, recommended_config, shortfalls
from gan_core.targets import TARGETS

# Image targets train for minutes: their objective is the benchmark's (python -m bench images);
# the PacGAN table's targets are judged over ten longer trials (python -m gan_core paper).
QUICK = [t for t in RECOMMENDED if TARGETS[t].kind != "image" and TARGETS[t].train_size is None]


@pytest.fixture(scope="module")
def results():
    jobs = [(t, s) for t in QUICK for s in SEEDS]
    with ThreadPoolExecutor(2) as pool:
        return {(r["target"], r["seed"]): r for r in pool.map(lambda job: check(*job), jobs)}


@pytest.mark.parametrize("target", QUICK)
def test_target_learns_at_its_recommended_configuration(results, target):
    missed = {seed: results[(target, seed)]["missed"] for seed in SEEDS}
    assert not any(missed.values()), f"{target}: {missed}"


def test_a_recommendation_starts_from_the_defaults_and_keeps_the_seed():
    cfg = recommended_config("poly4", seed=7)
    assert cfg.seed == 7 and cfg.target == "poly4" and cfg.g_hidden_nodes == 64 == cfg.d_hidden_nodes
    assert changes_for("x2")["latent_size"] == 5 and "seed" not in changes_for("x2")
    assert changes_for("ring8")["latent_dist"] == "gaussian"
    # fields named beside an alias keep their own values (G's rate is not D's on the grid)
    assert (changes_for("grid25")["g_learning_rate"], changes_for("grid25")["d_learning_rate"]) == (3e-3, 2e-3)
    paper_grid = changes_for("pacgan-grid")
    assert (paper_grid["g_learning_rate"], paper_grid["d_learning_rate"], paper_grid["g_activation"],
            paper_grid["d_activation"]) == (3e-3, 2e-3, "tanh", "leaky_relu")


def test_an_objective_says_what_is_missing():
    assert objective("ring8")["modes_covered"] == ("min", 7)
    assert shortfalls("ring8", {"modes_covered": 8, "high_quality_share": 0.9}) == []
    (missing,) = shortfalls("ring8", {"modes_covered": 6, "high_quality_share": 0.9})
    assert "modes_covered 6" in missing and "at least 7" in missing
