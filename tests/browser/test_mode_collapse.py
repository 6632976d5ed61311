"""Mode collapse as a student meets it: the gallery's lesson (the same ring one sample at a time,
then packed), packing in the advanced settings, and the PacGAN benchmark's targets."""
from selenium.webdriver.common.keys import Keys

from tests.browser.conftest import choose_target, counter, open_page, poll, severe_logs, status, trace_lengths


def _open_gallery(duo):
    if not duo.find_element("#preset-gallery").get_attribute("open"):
        duo.find_element("#preset-gallery summary").click()


def _preset(duo, title: str):
    _open_gallery(duo)
    return duo.driver.find_element("xpath", f"//*[@id='preset-gallery']//a[.//strong[text()=\"{title}\"]]")


def _advanced_box(duo, field: str):
    return duo.driver.find_element("css selector", f"[id*='\"field\":\"{field}\"']")


def test_the_lesson_of_packing_is_two_clicks_and_says_what_the_fakes_cover(dash_duo, dash_app):
    session = open_page(dash_duo, dash_app)
    _preset(dash_duo, "Collapse: one sample at a time").click()
    poll(lambda: session.config.target == "ring8" and session.config.latent_size == 2
         and session.config.g_learning_rate == 0.01 and session.config.packing == 1)
    assert "learning_rate=0.01" in dash_duo.driver.current_url
    dash_duo.find_element("#start-button").click()
    poll(lambda: counter(dash_duo) > 500 and "modes " in status(dash_duo) and "reverse KL" in status(dash_duo))
    assert "/8" in status(dash_duo)

    _preset(dash_duo, "Remedy: packs of four").click()
    poll(lambda: session.config.packing == 4 and session.config.latent_size == 2)
    assert "packing=4" in dash_duo.driver.current_url
    if not dash_duo.find_element("#advanced-panel").get_attribute("open"):
        dash_duo.find_element("#advanced-panel summary").click()
    poll(lambda: _advanced_box(dash_duo, "packing").get_attribute("value") == "4")
    dash_duo.find_element("#start-button").click()
    poll(lambda: counter(dash_duo) > 200 and session.state == "running")
    assert severe_logs(dash_duo) == []


def test_the_papers_grid_trains_to_scale_and_packing_is_refused_where_it_means_nothing(dash_duo, dash_app):
    session = open_page(dash_duo, dash_app)
    choose_target(dash_duo, session, "pacgan-grid", "25 Gaussians of σ 0.05")
    assert session.config.packing == 2 and session.config.lr_halflife == 15_000 and session.config.g_activation == "tanh"
    dash_duo.find_element("#start-button").click()
    poll(lambda: counter(dash_duo) > 200 and "annealed to" in status(dash_duo) and "/25" in status(dash_duo),
         timeout=90)
    poll(lambda: (trace_lengths(dash_duo, "samples-graph") or [0, 0])[1] > 0)
    layout = dash_duo.driver.execute_script(
        "const g = document.querySelector('#samples-graph .js-plotly-plot'); "
        "return [g._fullLayout.xaxis.range, g._fullLayout.yaxis.range];")
    (x0, x1), (y0, y1) = layout
    assert x0 < -4 and x1 > 4 and y0 < -4 and y1 > 4  # every mode on the plot
    dash_duo.find_element("#pause-button").click()
    poll(lambda: session.state == "paused")
    # The rate slider shows G's rate; its hint says D's differs, until the slider sets both
    rate_hint = lambda: dash_duo.find_element("#learning-rate-help").text  # noqa: E731
    assert "Now G 0.003, D 0.002" in rate_hint()
    box = dash_duo.find_element("#learning-rate-box")
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys("0.001", Keys.ENTER)
    poll(lambda: session.config.d_learning_rate == 1e-3 == session.config.g_learning_rate)
    poll(lambda: "Now G" not in rate_hint() and "Step size" in rate_hint())
    assert severe_logs(dash_duo) == []
