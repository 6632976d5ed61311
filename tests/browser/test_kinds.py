"""Each kind of target trained and watched in the browser: curves move as lines."""
from tests.browser.conftest import choose_target, counter, open_page, poll, severe_logs, status

CURVE_Y = ("var g = document.querySelector('#samples-graph .js-plotly-plot');"
           "return g && g.data && g.data.length == 2 && g.data[1].mode == 'lines' ? g.data[1].y.slice(0, 50) : null;")


def test_sinusoid_curves_are_drawn_as_lines_and_move_while_training(dash_duo, dash_app):
    session = open_page(dash_duo, dash_app)
    choose_target(dash_duo, session, "sinusoids", "sin(offset")
    poll(lambda: dash_duo.driver.execute_script(
        "var g = document.querySelector('#samples-graph .js-plotly-plot');"
        "return g.data[0].mode == 'lines' && g.data[0].y.length > 100;"))
    names = poll(lambda: dash_duo.driver.execute_script(
        "return document.querySelector('#quality-graph .js-plotly-plot').data.map(function (t) { return t.name; });"))
    assert "sinusoid fit residual" in names and "frequency W1 vs real" in names
    dash_duo.find_element("#start-button").click()
    poll(lambda: counter(dash_duo) > 0, timeout=60)
    first = poll(lambda: dash_duo.driver.execute_script(CURVE_Y))
    poll(lambda: counter(dash_duo) > 1000, timeout=60)
    later = poll(lambda: dash_duo.driver.execute_script(CURVE_Y))
    assert first != later  # G's curves morph as it learns
    assert dash_duo.driver.execute_script(  # and are drawn: every value has its x
        "var t = document.querySelector('#samples-graph .js-plotly-plot').data[1]; return t.x.length == t.y.length;")
    assert "fit residual" in status(dash_duo)
    # The tutorial's rolling mean, as a view option shown for curves only.
    smooth = dash_duo.find_element("#view-options input")
    smooth.click()
    poll(lambda: "smoothed" in dash_duo.driver.execute_script(
        "return document.querySelector('#samples-graph .js-plotly-plot').data[1].name"))
    dash_duo.find_element("#pause-button").click()
    poll(lambda: "Paused" in status(dash_duo))
    assert severe_logs(dash_duo) == []


def test_the_curve_options_are_hidden_for_points(dash_duo, dash_app):
    open_page(dash_duo, dash_app)
    assert not dash_duo.find_element("#view-options").is_displayed()


FAKE_SPRITE = "return document.querySelector('#samples-graph .js-plotly-plot').data[1].source || null;"


def test_digits_are_drawn_as_an_image_grid_that_changes_while_training(dash_duo, dash_app):
    session = open_page(dash_duo, dash_app)
    choose_target(dash_duo, session, "digits", "handwritten digits")
    poll(lambda: dash_duo.driver.execute_script(
        "var g = document.querySelector('#samples-graph .js-plotly-plot');"
        "return g.data[0].type == 'image' && g.data[0].source.length > 100;"), timeout=60)
    dash_duo.find_element("#start-button").click()
    poll(lambda: counter(dash_duo) > 0, timeout=90)
    first = poll(lambda: dash_duo.driver.execute_script(FAKE_SPRITE))
    poll(lambda: counter(dash_duo) > 60 and dash_duo.driver.execute_script(FAKE_SPRITE) != first, timeout=90)
    poll(lambda: "recognisable" in status(dash_duo) and "as asked" in status(dash_duo), timeout=30)
    # conditional (the digits' recommendation): each fake's corner says the digit G was asked
    # for (after the two titles and the 25 + 10 verdicts); the grid cycles through the digits
    captions = dash_duo.driver.execute_script(
        "var g = document.querySelector('#samples-graph .js-plotly-plot');"
        "return g.layout.annotations.slice(37, 47).map(function (a) { return a.text; });")
    assert captions == [str(d) for d in range(10)], captions
    dash_duo.find_element("#pause-button").click()
    poll(lambda: "Paused" in status(dash_duo))
    assert severe_logs(dash_duo) == []
