import pytest

from gan_core.config import FIELD_BY_NAME, FIELDS, PRESETS, ConfigError, RunConfig, describe_fields, preset


def test_defaults_come_from_the_field_table():
    cfg = RunConfig()
    for f in FIELDS:
        assert getattr(cfg, f.name) == f.default


@pytest.mark.parametrize("changes, field, words", [
    ({"latent_size": 0}, "latent_size", "1 to 128"),
    ({"latent_size": 129}, "latent_size", "1 to 128"),
    ({"hidden_nodes": 513}, "g_hidden_nodes", "1 to 512"),
    ({"g_learning_rate": 2.0}, "g_learning_rate", "1e-05 to 1"),
    ({"batch_size": 4}, "batch_size", "8 to 1024"),
    ({"d_steps": 11}, "d_steps", "1 to 10"),
    ({"label_smoothing": 0.5}, "label_smoothing", "0 to 0.3"),
    ({"loss": "mse"}, "loss", "nsgan"),
    ({"target": "nope"}, "target", "ring8"),
    ({"latent_size": "abc"}, "latent_size", "number"),
    ({"latent_size": 2.5}, "latent_size", "whole number"),
    ({"learning_rate": float("nan")}, "g_learning_rate", "finite"),
    ({"latent_size": True}, "latent_size", "number"),
    ({"latent_size": [3]}, "latent_size", "number"),
    ({"latent_size": 10**400}, "latent_size", "number"),  # too large for a float: no OverflowError
    ({"learning_rate": 1e308}, "g_learning_rate", "1e-05 to 1"),
    ({"balance": 0.3}, "balance", "0 (off) or from 0.5"),
    ({"target": "letters", "architecture": "dcgan", "hidden_nodes": 128}, "g_hidden_nodes", "at most 64"),
    ({"optimizer": "adagrad"}, "g_optimizer", "rmsprop"),
])
def test_invalid_values_are_refused_with_field_and_range(changes, field, words):
    with pytest.raises(ConfigError) as info:
        RunConfig().replace(**changes)
    assert info.value.field == field
    assert FIELD_BY_NAME[field].label in str(info.value)  # in words: "generator hidden nodes"
    assert words in str(info.value)
    assert len(str(info.value)) < 200


def test_a_huge_invalid_value_is_never_echoed_whole():
    for value in ("x" * 1_000_000, list(range(100_000)), 10**400):
        with pytest.raises(ConfigError) as info:
            RunConfig().replace(latent_size=value)
        assert len(str(info.value)) < 200


def test_changed_fields_are_said_in_words():
    assert describe_fields({"g_hidden_nodes", "d_hidden_nodes"}) == "hidden nodes (G and D)"
    assert describe_fields({"d_hidden_nodes", "latent_size"}) == "discriminator hidden nodes, latent size"


def test_unknown_setting_is_refused():
    with pytest.raises(ConfigError, match="unknown setting"):
        RunConfig().replace(colour="red")


def test_aliases_set_generator_and_discriminator_together():
    cfg = RunConfig().replace(hidden_nodes=40, learning_rate=0.01, **{"hidden-layers": 3})
    assert (cfg.g_hidden_nodes, cfg.d_hidden_nodes) == (40, 40)
    assert (cfg.g_learning_rate, cfg.d_learning_rate) == (0.01, 0.01)
    assert (cfg.g_hidden_layers, cfg.d_hidden_layers) == (3, 3)


def test_loose_input_is_coerced():
    cfg = RunConfig.from_dict({"latent_size": "7", "learning_rate": "0.002"})
    assert cfg.latent_size == 7 and isinstance(cfg.latent_size, int)
    assert cfg.g_learning_rate == pytest.approx(0.002)


def test_tutorial_preset_is_the_tutorial():
    t = preset("tutorial")
    assert (t.target, t.latent_size, t.latent_dist) == ("x2", 5, "gaussian")
    assert (t.g_hidden_layers, t.g_hidden_nodes, t.d_hidden_layers, t.d_hidden_nodes) == (1, 15, 1, 25)
    assert (t.g_activation, t.d_activation, t.g_optimizer, t.d_optimizer, t.loss, t.batch_size) == ("relu", "relu", "adam", "adam", "nsgan", 64)
    assert t.g_learning_rate == t.d_learning_rate == 1e-3


def test_presets_are_valid_and_unknown_preset_refused():
    assert {"default", "tutorial"} <= set(PRESETS)
    with pytest.raises(ConfigError, match="preset"):
        preset("fastest")
