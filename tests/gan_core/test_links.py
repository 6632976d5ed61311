"""A run's settings as a link and back: exact, short, and forgiving of a bad value."""
import pytest

from gan_core import PRESETS, RunConfig
from gan_core.links import config_from_query, config_to_query
from gan_core.recommended import recommended_config


@pytest.mark.parametrize("config", [
    RunConfig(seed=3),
    recommended_config("ring8", seed=11).replace(latent_dist="uniform", g_learning_rate=0.0123456789),
    PRESETS["tutorial"].replace(seed=5),
    PRESETS["letters-tutorial"].replace(seed=2**31 - 1),
    PRESETS["sinusoids-tutorial"],
    RunConfig().replace(target="grid25", learning_rate=1e-5, batch_size=1024, beta1=0.0, seed=0),
])
def test_a_link_reads_back_as_exactly_the_same_configuration(config):
    query = config_to_query(config)
    back, others, problems = config_from_query(query)
    assert back == config and others == {} and problems == []


def test_a_link_names_only_what_differs_from_the_targets_recommendation():
    assert config_to_query(recommended_config("ring8", seed=4)) == {"target": "ring8", "seed": "4"}
    query = config_to_query(recommended_config("ring8", seed=4).replace(hidden_nodes=64))
    assert query == {"target": "ring8", "hidden_nodes": "64", "seed": "4"}


def test_a_target_alone_is_the_dropdowns_choice():
    config, _, problems = config_from_query({"target": "ring8"})
    assert config == recommended_config("ring8") and problems == []


def test_each_bad_value_falls_back_on_its_own_and_says_why():
    config, others, problems = config_from_query(
        {"target": "ring8", "latent_size": "abc", "learning-rate": "1e-3", "batch_size": "5000",
         "loss": "magic", "controls": "hidden"})
    assert config.target == "ring8" and config.g_learning_rate == 1e-3 == config.d_learning_rate
    assert config.latent_size == recommended_config("ring8").latent_size and config.batch_size == 128
    assert others == {"controls": "hidden"}
    assert len(problems) == 3
    assert any("latent size" in p and "'abc'" in p for p in problems)
    assert any("batch size" in p and "stays 128" in p for p in problems)


def test_an_unknown_target_and_a_repeated_name_are_refused_with_a_message():
    config, _, problems = config_from_query({"target": "moon-base", "seed": ["1", "2"]})
    assert config.target == "x2" and config.seed == 0
    assert any("moon-base" in p for p in problems) and any("seed" in p for p in problems)
