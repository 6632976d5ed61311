"""The page's part of a link: its switches read with messages, written only where not default;
every gallery entry is a valid link."""
from urllib.parse import parse_qsl, urlsplit

from app import ids
from app.parts import gallery, share
from gan_core.links import config_from_query


def test_page_switches_are_read_and_bad_ones_said():
    s = share.read({"target": "sine", "speed": "max", "surface": "0", "manifold": "1", "charts": "accuracy",
                    "large": "1", "controls": "hidden", "seed": "9"})
    assert s.config.target == "sine" and s.config.seed == 9 and s.seeded
    assert share.SPEEDS[s.speed] is None and s.views == {"arrows", "manifold"}
    assert s.charts == ("accuracy",) and s.large and not s.controls and s.problems == ()
    bad = share.read({"speed": "fast", "surface": "maybe", "charts": "pie", "controls": "gone", "zoom": "2"})
    assert bad.speed == share.DEFAULT_SPEED_INDEX and "surface" in bad.views and bad.controls
    assert len(bad.problems) == 5 and not bad.seeded


def test_the_page_query_names_only_what_is_not_default():
    views = {ids.SHOW_SURFACE: ["on"], ids.SHOW_ARROWS: ["on"], ids.SHOW_MANIFOLD: []}
    run = {"target": "x2", "seed": "5"}
    assert share.page_query(run, views, list(share.CHART_NAMES), [], [], True) == "?target=x2&seed=5"
    views[ids.SHOW_SURFACE] = []
    query = share.page_query(run, views, ["losses"], ["large"], [], False)
    assert dict(parse_qsl(query[1:])) == {"target": "x2", "seed": "5", "surface": "0", "charts": "losses",
                                          "large": "1", "controls": "hidden"}
    # and it reads back as the same page
    again = share.read(dict(parse_qsl(query[1:])))
    assert again.views == {"arrows"} and again.charts == ("losses",) and again.large and not again.controls


def test_every_gallery_entry_is_a_link_to_its_preset_without_a_seed():
    assert len(gallery.PRESETS_SHOWN) >= 14
    for preset in gallery.PRESETS_SHOWN:
        query = dict(parse_qsl(urlsplit(preset.href).query))
        assert "seed" not in query
        config, others, problems = config_from_query(query)
        assert problems == [] and others == {}
        assert config == preset.config.replace(seed=0), preset.title


def test_a_link_never_carries_someones_own_data():
    import numpy as np

    from gan_core.data.custom import register

    mine = register(np.random.default_rng(0).normal(size=(50, 2)))
    s = share.read({"target": mine.id, "latent_size": "3"})
    assert s.config.target == "x2" and s.config.latent_size == 3
    assert any("own data" in p for p in s.problems)
