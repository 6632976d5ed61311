"""Classroom and sharing, as a teacher and students use it with two browsers: a copied link
reproduces the run, presets are one click, the controls can be hidden."""
import csv
import json
from pathlib import Path

import keras
import numpy as np
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys

from tests.browser.conftest import counter, fake_points, open_page, poll, severe_logs, status, trace_lengths


def _type(duo, box_id, text):
    box = duo.find_element(f"#{box_id}")
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys(text)
    box.send_keys(Keys.ENTER)


def _value(browser, element_id) -> str:
    return browser.find_element(f"#{element_id}").get_attribute("value")


def _newest(dash_app):
    """The session of the page opened last (dash_duo.start_server opens one of its own first)."""
    return list(dash_app.registry._sessions.values())[-1]


def _steps(browser, n: int) -> None:
    for k in range(1, n + 1):
        browser.find_element("#step-button").click()
        poll(lambda: counter(browser) == k)


def test_a_copied_link_gives_the_same_settings_and_numbers_in_another_browser(dash_duo, second_browser, dash_app):
    session = open_page(dash_duo, dash_app)
    _type(dash_duo, "latent-size-box", "3")
    poll(lambda: session.config.latent_size == 3)
    _type(dash_duo, "seed", "4242")
    poll(lambda: session.config.seed == 4242)
    dash_duo.find_element("#share-button").click()
    link = poll(lambda: _value(dash_duo, "share-link"))
    assert "latent_size=3" in link and "seed=4242" in link and "Link copied" in dash_duo.find_element("#share-note").text
    assert dash_duo.driver.current_url == link  # the address bar is the link
    _steps(dash_duo, 3)
    first = fake_points(dash_duo)

    second_browser.driver.get(link)
    poll(lambda: "Ready" in status(second_browser))
    assert _value(second_browser, "latent-size-box") == "3" and _value(second_browser, "seed") == "4242"
    assert len(dash_app.registry) == 2
    _steps(second_browser, 3)
    assert fake_points(second_browser) == first
    assert severe_logs(dash_duo) == []


def test_a_link_with_bad_values_falls_back_and_says_why(dash_duo, dash_app):
    dash_duo.start_server(dash_app)
    dash_duo.driver.get(dash_duo.server_url + "/?target=ring8&latent_size=abc&hidden_nodes=64&surface=2&colour=red")
    poll(lambda: "Ready" in status(dash_duo))
    session = _newest(dash_app)
    assert session.config.target == "ring8" and session.config.g_hidden_nodes == 64
    assert session.config.latent_size == 5  # ring8's recommended latent size
    words = poll(lambda: "From the link" in status(dash_duo) and status(dash_duo))
    assert "latent size" in words and "surface" in words and "'colour' is not a setting" in words
    assert _value(dash_duo, "hidden-nodes-box") == "64"
    # The address bar is rewritten to what the run uses.
    poll(lambda: "latent_size" not in dash_duo.driver.current_url and "hidden_nodes=64" in dash_duo.driver.current_url)


def test_controls_hidden_shows_the_graphs_alone(dash_duo, dash_app):
    dash_duo.start_server(dash_app)
    dash_duo.driver.get(dash_duo.server_url + "/?target=sine&controls=hidden&large=1")
    poll(lambda: "Ready" in status(dash_duo))
    assert not dash_duo.find_element(".settings").is_displayed()
    assert not dash_duo.find_element("header").is_displayed()
    assert dash_duo.find_element("#samples-graph").is_displayed()
    assert dash_duo.find_element("#accuracy-graph").is_displayed()
    dash_duo.find_element("#start-button").click()
    poll(lambda: counter(dash_duo) > 0)
    assert "large" in dash_duo.find_element("#app-root").get_attribute("class")
    assert "controls-hidden" in dash_duo.find_element("#app-root").get_attribute("class")


def test_followers_watch_the_presenters_run_read_only_across_resets_until_it_stops(
        dash_duo, second_browser, dash_app):
    session = open_page(dash_duo, dash_app)
    dash_duo.find_element("#present-button").click()
    link = poll(lambda: dash_duo.find_element("#follow-code a").get_attribute("href"))
    assert "/follow/" in link and dash_duo.find_element("#present-button").text == "Stop presenting"

    follower = second_browser
    follower.driver.get(link)
    poll(lambda: follower.find_element("#samples-graph .js-plotly-plot"))
    assert follower.driver.find_elements("css selector", "#start-button") == []
    assert follower.driver.find_elements("css selector", ".settings") == []
    assert len(dash_app.registry) == 1  # a follower is not a session

    dash_duo.find_element("#start-button").click()
    poll(lambda: counter(follower) > 50)
    assert "Training" in status(follower)
    dash_duo.find_element("#reset-button").click()
    poll(lambda: counter(follower) == 0 and "Ready" in status(follower))
    # A setting changed by the presenter reaches the follower too.
    _type(dash_duo, "latent-size-box", "2")
    poll(lambda: session.config.latent_size == 2)
    dash_duo.find_element("#start-button").click()
    poll(lambda: counter(follower) > 0)

    dash_duo.find_element("#present-button").click()  # stop presenting
    poll(lambda: "stopped presenting" in status(follower))
    assert dash_duo.find_element("#present-button").text == "Present"
    assert severe_logs(follower) == []


def test_a_wrong_code_shows_nothing_and_controls_nothing(dash_duo, dash_app):
    dash_duo.start_server(dash_app)
    dash_duo.driver.get(dash_duo.server_url + "/follow/ABCD-EFGH")
    poll(lambda: "no presentation with this code" in status(dash_duo))
    assert dash_duo.driver.find_elements("css selector", "#start-button") == []


def _downloaded(duo, suffix: str, before=()):
    folder = Path(duo.download_path)
    return poll(lambda: next((p for p in folder.glob(f"*{suffix}") if p.name not in before
                              and p.stat().st_size > 0), None))


def test_downloads_hold_the_run_and_a_saved_run_loads_back(dash_duo, dash_app, tmp_path):
    session = open_page(dash_duo, dash_app)
    _type(dash_duo, "seed", "77")
    poll(lambda: session.config.seed == 77)
    _steps(dash_duo, 3)

    dash_duo.find_element("#download-samples").click()
    rows = list(csv.reader(_downloaded(dash_duo, ".csv").read_text().splitlines()))
    assert rows[0] == ["source", "x", "y"]
    sources = [r[0] for r in rows[1:]]
    assert sources.count("real") == len(session.snapshot().real) and sources.count("fake") == len(session.snapshot().fake)
    assert all(np.isfinite(float(v)) for r in rows[1:] for v in r[1:])

    dash_duo.find_element("#download-run").click()
    run_file = _downloaded(dash_duo, ".json")
    record = json.loads(run_file.read_text())
    assert record["settings"]["seed"] == 77 and record["iteration"] == 3 and len(record["history"]) >= 1

    dash_duo.find_element("#download-generator").click()
    model = keras.models.load_model(_downloaded(dash_duo, ".keras"))
    noise = np.random.default_rng(0).uniform(-1, 1, (10, session.config.latent_size)).astype("float32")
    assert model.predict(noise, verbose=0).shape == (10, 2)

    # Change the settings, then load the saved run: its settings and seed come back.
    _type(dash_duo, "latent-size-box", "7")
    poll(lambda: session.config.latent_size == 7)
    dash_duo.find_element("#load-run input[type='file']").send_keys(str(run_file))
    poll(lambda: session.config.latent_size == 5 and session.config.seed == 77)
    poll(lambda: _value(dash_duo, "latent-size-box") == "5" and _value(dash_duo, "seed") == "77")
    poll(lambda: "New settings from this page's address" in status(dash_duo))
    # Not a run: a message, and nothing changes.
    bad = tmp_path / "notes.json"
    bad.write_text('{"hello": 1}')
    dash_duo.find_element("#load-run input[type='file']").send_keys(str(bad))
    poll(lambda: "Not loaded" in dash_duo.find_element("#export-note").text)
    assert session.config.latent_size == 5 and session.config.seed == 77


def test_a_gallery_preset_is_one_click_and_keeps_the_tab(dash_duo, dash_app):
    session = open_page(dash_duo, dash_app)
    dash_duo.find_element("#preset-gallery summary").click()
    dash_duo.find_element("#preset-gallery a.preset[href='/?target=ring8']").click()
    poll(lambda: session.config.target == "ring8" and "target=ring8" in dash_duo.driver.current_url)
    poll(lambda: "Ring of 8" in dash_duo.find_element("#target-function").text)
    assert _value(dash_duo, "hidden-nodes-box") == "32"  # ring8's recommended width
    assert len(dash_app.registry) == 1
    dash_duo.find_element("#start-button").click()
    poll(lambda: counter(dash_duo) > 0)
    # The x² tutorial, exactly: its networks.
    dash_duo.find_element("#preset-gallery summary").click() if not dash_duo.find_element(
        "#preset-gallery").get_attribute("open") else None
    dash_duo.find_element("#preset-gallery a.preset").click()
    poll(lambda: session.config.target == "x2" and session.config.g_hidden_nodes == 15
         and session.config.d_hidden_nodes == 25 and session.config.g_activation == "relu")
    poll(lambda: counter(dash_duo) == 0)


def test_compare_trains_a_second_run_beside_the_first_with_a_setting_changed(dash_duo, dash_app):
    session = open_page(dash_duo, dash_app)
    dash_duo.find_element("#compare-button").click()
    poll(lambda: dash_duo.find_element("#compare-area").is_displayed())
    assert _value(dash_duo, "compare-changes") == "learning_rate=0.01"
    assert "B changes learning rate (G and D) 0.01 (A: 0.001)." == dash_duo.find_element("#compare-note").text
    assert len(dash_app.registry) == 2
    b = dash_app.registry.partner(list(dash_app.registry._sessions)[0])[1]
    assert b.config == session.config.replace(learning_rate=0.01)  # the same seed too

    dash_duo.find_element("#start-button").click()
    poll(lambda: counter(dash_duo) > 20 and int(dash_duo.find_element("#compare-counter").text) > 20)
    assert b.state == "running" and "Training" in dash_duo.find_element("#compare-status").text
    poll(lambda: len(trace_lengths(dash_duo, "compare-samples-graph") or []) > 1
         and trace_lengths(dash_duo, "compare-samples-graph")[1] > 0)
    dash_duo.find_element("#pause-button").click()
    poll(lambda: b.state == "paused" and session.state == "paused")

    # A's settings reach B, B's change kept on top; B's change can be edited.
    _type(dash_duo, "latent-size-box", "3")
    poll(lambda: b.config.latent_size == 3 and b.config.g_learning_rate == 0.01)
    _type(dash_duo, "compare-changes", "loss=lsgan, batch_size=32")
    poll(lambda: b.config.loss == "lsgan" and b.config.batch_size == 32 and b.config.g_learning_rate == 0.001)
    _type(dash_duo, "compare-changes", "zzz")
    poll(lambda: "Not applied" in dash_duo.find_element("#compare-note").text)
    assert b.config.loss == "lsgan"

    dash_duo.find_element("#compare-button").click()  # stop comparing
    poll(lambda: not dash_duo.find_element("#compare-area").is_displayed())
    poll(lambda: len(dash_app.registry) == 1)
    assert severe_logs(dash_duo) == []


def _upload(duo, path):
    duo.find_element("#upload-data input[type='file']").send_keys(str(path))


def test_an_uploaded_csv_becomes_the_real_data_and_a_bad_one_changes_nothing(dash_duo, dash_app, tmp_path):
    session = open_page(dash_duo, dash_app)
    rng = np.random.default_rng(0)
    points = np.concatenate([rng.normal((4, 4), 0.3, (300, 2)), rng.normal((-4, -4), 0.3, (300, 2))])
    good = tmp_path / "two.csv"
    good.write_text("x,y\n" + "\n".join(f"{x:.4f},{y:.4f}" for x, y in points))
    _upload(dash_duo, good)
    poll(lambda: session.config.target.startswith("data-"))
    poll(lambda: "your data (two.csv)" in dash_duo.find_element("#target-function").text)
    assert "600 points" in dash_duo.find_element("#upload-note").text
    def real_x():
        return dash_duo.driver.execute_script(
            "var g = document.querySelector('#samples-graph .js-plotly-plot'); return g.data[0].x;")
    poll(lambda: min(real_x()) < -3 and max(real_x()) > 3)  # the plot shows the uploaded clusters
    shown = session.snapshot().real
    assert np.abs(shown[:, None, :] - points[None, :, :]).max(axis=2).min(axis=1).max() < 1e-3  # uploaded points
    mine = session.config
    dash_duo.find_element("#start-button").click()
    poll(lambda: counter(dash_duo) > 200)
    dash_duo.find_element("#pause-button").click()
    poll(lambda: "W1" in status(dash_duo) or "JS" in status(dash_duo))

    bad_files = {"notes.csv": ("hello there\nthis is not data\n", "is not numbers"),
                 "nan.csv": ("x,y\n" + "1,nan\n" * 20, "not a finite number"),
                 "three.csv": ("1,2,3\n" * 20, "found rows of 3")}
    for name, (text, words) in bad_files.items():
        path = tmp_path / name
        path.write_text(text)
        _upload(dash_duo, path)
        poll(lambda: "Not used" in dash_duo.find_element("#upload-note").text
             and words in dash_duo.find_element("#upload-note").text)
        assert session.config == mine
    big = tmp_path / "big.csv"
    big.write_text("1.000000001,2.000000001\n" * 210_000)  # 5 MB
    _upload(dash_duo, big)
    poll(lambda: "5.0 MB" in dash_duo.find_element("#upload-note").text)
    assert session.config == mine and session.snapshot().iteration > 200


def test_a_distribution_drawn_with_the_mouse_becomes_the_real_data(dash_duo, dash_app):
    session = open_page(dash_duo, dash_app)
    dash_duo.find_element("#draw-data").click()
    poll(lambda: "Draw strokes" in dash_duo.find_element("#upload-note").text)
    # The stroke as Plotly's drawing tool records it (selenium's pointer cannot drive that
    # tool's drag layer in headless Chromium): an open path across the plot, in data units.
    assert dash_duo.driver.execute_script(
        "var g = document.querySelector('#samples-graph .js-plotly-plot');"
        "return g.layout.dragmode;") == "drawopenpath"
    dash_duo.driver.execute_script(
        "var g = document.querySelector('#samples-graph .js-plotly-plot');"
        "Plotly.relayout(g, {shapes: [{type: 'path', path: 'M-0.4,0.3L-0.2,0.2L0,0.15L0.2,0.2L0.4,0.3'}]});")
    dash_duo.find_element("#use-drawing").click()
    poll(lambda: session.config.target.startswith("data-"))
    poll(lambda: "your drawing" in dash_duo.find_element("#target-function").text)
    real = session.snapshot().real
    assert np.ptp(real[:, 0]) > 3 * np.ptp(real[:, 1]) * 0.5  # wider than tall, like the stroke
    dash_duo.find_element("#start-button").click()
    poll(lambda: counter(dash_duo) > 100)


def test_an_uploaded_column_of_numbers_is_learned_as_values(dash_duo, dash_app, tmp_path):
    session = open_page(dash_duo, dash_app)
    path = tmp_path / "heights.csv"
    path.write_text("height\n" + "\n".join(f"{v:.3f}" for v in np.random.default_rng(1).normal(170, 8, 500)))
    _upload(dash_duo, path)
    poll(lambda: session.config.target.startswith("data-") and "500 values" in dash_duo.find_element("#upload-note").text)
    poll(lambda: dash_duo.driver.execute_script(
        "var g = document.querySelector('#samples-graph .js-plotly-plot'); return g.data[0].type;") == "histogram")
    dash_duo.find_element("#start-button").click()
    poll(lambda: counter(dash_duo) > 300)
    poll(lambda: "W1" in status(dash_duo))
    assert severe_logs(dash_duo) == []
