"""The dashboard as a person uses it, in headless Chromium."""
import threading
import time

from selenium.webdriver.common.keys import Keys

from tests.browser.conftest import counter, fake_points, poll, severe_logs, trace_lengths


def _open(duo, dash_app):
    duo.start_server(dash_app)
    poll(lambda: "Ready" in duo.find_element("#status").text)
    poll(lambda: trace_lengths(duo, "samples-graph")[:2] == [500, 0])  # no fakes before the first step


def test_start_pause_reset_as_a_user(dash_duo, dash_app):
    _open(dash_duo, dash_app)
    assert counter(dash_duo) == 0

    dash_duo.find_element("#start-button").click()
    poll(lambda: counter(dash_duo) > 200)
    poll(lambda: trace_lengths(dash_duo, "samples-graph")[:2] == [500, 500])  # the fakes appear
    poll(lambda: trace_lengths(dash_duo, "accuracy-graph")[0] >= 3)  # accuracy points arrive
    poll(lambda: trace_lengths(dash_duo, "loss-graph")[3] >= 3)  # and D's and G's losses
    before = fake_points(dash_duo)
    poll(lambda: fake_points(dash_duo) != before)  # and move
    assert "Training" in dash_duo.find_element("#status").text

    dash_duo.find_element("#pause-button").click()
    (session,) = dash_app.registry._sessions.values()
    poll(lambda: "Paused" in dash_duo.find_element("#status").text)
    # A tick sent just before the click may still land; the page settles on the final count.
    frozen = poll(lambda: counter(dash_duo) == session.snapshot().iteration and counter(dash_duo))
    time.sleep(1.0)
    assert counter(dash_duo) == frozen == session.snapshot().iteration > 0
    assert "Paused" in dash_duo.find_element("#status").text

    dash_duo.find_element("#reset-button").click()
    poll(lambda: counter(dash_duo) == 0)
    poll(lambda: trace_lengths(dash_duo, "accuracy-graph") == [0, 0, 0, 0])
    poll(lambda: trace_lengths(dash_duo, "loss-graph") == [0, 0, 0, 0])
    poll(lambda: trace_lengths(dash_duo, "samples-graph")[:2] == [500, 0])  # the fakes are cleared
    assert "Ready" in dash_duo.find_element("#status").text
    assert severe_logs(dash_duo) == []


def test_changing_latent_size_resets_with_the_new_size(dash_duo, dash_app):
    _open(dash_duo, dash_app)
    dash_duo.find_element("#start-button").click()
    poll(lambda: counter(dash_duo) > 100)
    handle = dash_duo.find_element("#latent-size [role='slider']")
    handle.send_keys(Keys.ARROW_RIGHT)
    poll(lambda: "latent size" in dash_duo.find_element("#status").text)
    (session,) = [s for s in dash_app.registry._sessions.values()]
    assert session.config.latent_size == 6
    assert session.state == "running"  # a running run goes on with the new setup


def test_two_browsers_are_independent(dash_duo, dash_app):
    _open(dash_duo, dash_app)
    first = dash_duo.driver.current_window_handle
    dash_duo.driver.switch_to.new_window("tab")
    dash_duo.driver.get(dash_duo.server_url)
    poll(lambda: "Ready" in dash_duo.find_element("#status").text)
    dash_duo.find_element("#start-button").click()
    poll(lambda: counter(dash_duo) > 100)
    dash_duo.driver.switch_to.window(first)
    time.sleep(0.5)
    assert counter(dash_duo) == 0 and "Ready" in dash_duo.find_element("#status").text
    assert len(dash_app.registry) == 2


def test_divergence_shows_a_message_and_the_server_keeps_serving(dash_duo, dash_app):
    _open(dash_duo, dash_app)
    (session,) = [s for s in dash_app.registry._sessions.values()]
    session.configure(optimizer="sgd", loss="lsgan")  # settings the sliders do not show
    handle = dash_duo.find_element("#learning-rate [role='slider']")
    handle.send_keys(Keys.END)  # learning rate 1
    poll(lambda: session.config.g_learning_rate == 1.0)
    dash_duo.find_element("#start-button").click()
    poll(lambda: "diverged" in dash_duo.find_element("#status").text.lower(), timeout=60)
    assert "learning rate" in dash_duo.find_element("#status").text
    dash_duo.find_element("#reset-button").click()
    poll(lambda: "Ready" in dash_duo.find_element("#status").text)
    # As the advice says: a safe learning rate, then Start (at 1 the new run could diverge
    # again before a tick ever shows "Training").
    handle.send_keys(Keys.HOME)
    poll(lambda: session.config.g_learning_rate == 1e-5)
    dash_duo.find_element("#start-button").click()
    poll(lambda: "Training" in dash_duo.find_element("#status").text and session.snapshot().iteration > 0)


def test_ticks_never_overlap_and_a_slow_server_still_updates_the_page(dash_duo, dash_app, monkeypatch):
    """A tick slower than the interval (a loaded classroom server) must slow the page down,
    not freeze it: Dash drops a reply whose interval fired again meanwhile."""
    from gan_core.session import TrainingSession

    plain, lock = TrainingSession.snapshot, threading.Lock()
    in_flight, most = [0], [0]

    def slow_snapshot(self, since=-1):
        if since == 1 << 62:  # commands and helpers, not the tick
            return plain(self, since)
        with lock:
            in_flight[0] += 1
            most[0] = max(most[0], in_flight[0])
        try:
            time.sleep(0.4)  # longer than the interval
            return plain(self, since)
        finally:
            with lock:
                in_flight[0] -= 1

    _open(dash_duo, dash_app)
    monkeypatch.setattr(TrainingSession, "snapshot", slow_snapshot)
    dash_duo.find_element("#start-button").click()
    first = poll(lambda: counter(dash_duo))
    poll(lambda: counter(dash_duo) > first)  # the page keeps moving, one slow tick at a time
    assert most[0] == 1


def test_the_loss_chart_switches_to_a_log_axis_and_keeps_it_while_training(dash_duo, dash_app):
    _open(dash_duo, dash_app)
    dash_duo.find_element("#start-button").click()
    poll(lambda: trace_lengths(dash_duo, "loss-graph")[0] >= 3)
    axis_type = "return document.querySelector('#loss-graph .js-plotly-plot').layout.yaxis.type;"
    button = poll(lambda: next((b for b in dash_duo.find_elements("#loss-graph .updatemenu-button")
                                if "Log" in b.text), None))
    button.click()
    poll(lambda: dash_duo.driver.execute_script(axis_type) == "log")
    grown = trace_lengths(dash_duo, "loss-graph")[0]
    poll(lambda: trace_lengths(dash_duo, "loss-graph")[0] > grown)  # new points keep arriving
    assert dash_duo.driver.execute_script(axis_type) == "log"
    dash_duo.find_element("#pause-button").click()
    assert severe_logs(dash_duo) == []
