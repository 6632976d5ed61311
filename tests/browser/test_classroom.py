"""Classroom and sharing, as a teacher and students use it with two browsers: a copied link
reproduces the run, presets are one click, the controls can be hidden."""
from selenium.webdriver.common.keys import Keys

from tests.browser.conftest import counter, fake_points, open_page, poll, severe_logs, status


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
