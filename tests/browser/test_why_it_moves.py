"""Why it moves, as a student uses it: D's surface behind the samples, G's arrows, the step
buttons (one iteration, one D step, one G step) and the timeline."""
from selenium.webdriver.common.keys import Keys

from tests.browser.conftest import choose_target, counter, fake_points, open_page, poll, severe_logs, status

GRAPH = "var g = document.querySelector('#samples-graph .js-plotly-plot');"
SURFACE = GRAPH + "var t = g && g.data && g.data[2]; return t && t.type == 'heatmap' && t.z.length ? JSON.stringify(t.z) : null;"
ARROWS = GRAPH + "var t = g && g.data && g.data[4]; return t && t.visible !== false ? t.x.length : 0;"
TITLE = "return document.querySelector('#samples-graph .gtitle').textContent"


def _surface(duo):
    return duo.driver.execute_script(SURFACE)


def test_the_surface_and_arrows_are_drawn_and_change_while_training(dash_duo, dash_app):
    session = open_page(dash_duo, dash_app)
    choose_target(dash_duo, session, "ring8", "Eight small Gaussians")
    assert _surface(dash_duo) is None  # nothing to explain before G has made anything
    dash_duo.find_element("#start-button").click()
    first = poll(lambda: counter(dash_duo) > 0 and _surface(dash_duo))
    poll(lambda: _surface(dash_duo) not in (None, first))  # D's verdict moves as it learns
    assert poll(lambda: dash_duo.driver.execute_script(ARROWS)) == 300  # 100 arrows: start, end, gap
    values = [v for row in __import__("json").loads(_surface(dash_duo)) for v in row]
    assert len(values) == 1600 and 0 <= min(values) and max(values) <= 100 and all(isinstance(v, int) for v in values)
    # the toggles switch the layers off and on again
    dash_duo.find_element("#show-arrows input").click()
    poll(lambda: dash_duo.driver.execute_script(ARROWS) == 0)
    dash_duo.find_element("#show-surface input").click()
    poll(lambda: dash_duo.driver.execute_script(GRAPH + "return g.data[2].visible") is False)
    dash_duo.find_element("#show-manifold input").click()
    poll(lambda: dash_duo.driver.execute_script(GRAPH + "return g.data[3].x.length") > 100)
    dash_duo.find_element("#show-surface input").click()
    poll(lambda: _surface(dash_duo) is not None and dash_duo.driver.execute_script(GRAPH + "return g.data[2].visible"))
    assert severe_logs(dash_duo) == []


def test_step_buttons_move_exactly_what_they_say(dash_duo, dash_app):
    session = open_page(dash_duo, dash_app)
    choose_target(dash_duo, session, "ring8", "Eight small Gaussians")
    dash_duo.find_element("#step-button").click()
    poll(lambda: counter(dash_duo) == 1 and _surface(dash_duo))
    assert session.snapshot().iteration == 1
    fakes, surface = fake_points(dash_duo), _surface(dash_duo)
    dash_duo.find_element("#step-button").click()  # one iteration: the counter by exactly one, the fakes move
    poll(lambda: counter(dash_duo) == 2 and fake_points(dash_duo) != fakes)
    assert "One iteration" in status(dash_duo)

    fakes, surface = fake_points(dash_duo), _surface(dash_duo)
    dash_duo.find_element("#step-d-button").click()  # D learns: the surface moves, the fakes stay
    poll(lambda: _surface(dash_duo) != surface)
    assert fake_points(dash_duo) == fakes and counter(dash_duo) == 2
    assert "discriminator step" in status(dash_duo)

    fakes, surface = fake_points(dash_duo), _surface(dash_duo)
    dash_duo.find_element("#step-g-button").click()  # G learns: the fakes move, the surface stays
    poll(lambda: fake_points(dash_duo) != fakes)
    assert _surface(dash_duo) == surface and counter(dash_duo) == 2
    assert "generator step" in status(dash_duo)
    assert session.snapshot().iteration == 2 and "Paused" in status(dash_duo)

    # a step while training pauses the run first, then steps
    dash_duo.find_element("#start-button").click()
    poll(lambda: counter(dash_duo) > 50)
    dash_duo.find_element("#step-button").click()
    poll(lambda: "Paused" in status(dash_duo) and "One iteration" in status(dash_duo))
    poll(lambda: counter(dash_duo) == session.snapshot().iteration)
    assert severe_logs(dash_duo) == []


def test_the_timeline_shows_an_earlier_moment_and_training_goes_on(dash_duo, dash_app):
    session = open_page(dash_duo, dash_app)
    choose_target(dash_duo, session, "ring8", "Eight small Gaussians")
    dash_duo.find_element("#start-button").click()
    poll(lambda: counter(dash_duo) > 3000, timeout=60)
    handle = dash_duo.find_element("#timeline-slider [role='slider']")
    handle.send_keys(Keys.HOME)  # the run's start
    poll(lambda: "iteration 0" in dash_duo.driver.execute_script(TITLE))
    start = session.frame(0).fake.astype(float)
    shown = dash_duo.driver.execute_script(GRAPH + "return g.data[1].x.slice(0, 20);")
    assert max(abs(a - b) for a, b in zip(shown, start[:20, 0])) < 2e-3  # the kept fakes of that moment
    assert "at 0 of" in dash_duo.find_element("#timeline-note").text
    # scrubbing does not stop training, and the picture stays at the chosen moment
    count = counter(dash_duo)
    poll(lambda: counter(dash_duo) > count + 500)
    assert "iteration 0" in dash_duo.driver.execute_script(TITLE) and "Training" in status(dash_duo)
    for _ in range(50):
        handle.send_keys(Keys.ARROW_RIGHT)  # halfway through the run so far
    poll(lambda: "at " in dash_duo.find_element("#timeline-note").text
         and "iteration 0" not in dash_duo.driver.execute_script(TITLE))
    handle.send_keys(Keys.END)  # back to live
    poll(lambda: dash_duo.find_element("#timeline-note").text == "live"
         and "iteration" not in dash_duo.driver.execute_script(TITLE))
    before = fake_points(dash_duo)
    poll(lambda: fake_points(dash_duo) != before)  # the live fakes move again
    assert severe_logs(dash_duo) == []


def _advanced(duo, name):
    return duo.find_element(f'#advanced-panel [id=\'{{"field":"{name}","type":"advanced"}}\']')


def _type(duo, name, text):
    """Select what the box holds and type over it, then Enter, as a person does."""
    box = _advanced(duo, name)
    box.click()
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys(text, Keys.ENTER)


def test_an_advanced_setting_changes_the_run_and_the_networks_diagram_follows(dash_duo, dash_app):
    session = open_page(dash_duo, dash_app)
    dash_duo.find_element("#advanced-panel summary").click()
    # D gets 3 hidden layers of 8: typed as a person types, Enter to apply
    _type(dash_duo, "d_hidden_layers", "3")
    poll(lambda: session.config.d_hidden_layers == 3)
    _type(dash_duo, "d_hidden_nodes", "8")
    poll(lambda: session.config.d_hidden_nodes == 8 and session.config.g_hidden_nodes == 16)
    poll(lambda: "New discriminator hidden nodes" in status(dash_duo))
    d_params = 2 * 8 + 8 + 2 * (8 * 8 + 8) + 8 + 1
    poll(lambda: f"{d_params:,} parameters" in dash_duo.find_element("#networks").text)
    # a choice from a drop-down: the loss
    _advanced(dash_duo, "loss").click()
    poll(lambda: next(o for o in dash_duo.find_elements("[role='option']") if o.text == "hinge")).click()
    poll(lambda: session.config.loss == "hinge")
    # a learning rate of G alone applies at once, without a reset
    dash_duo.find_element("#start-button").click()
    poll(lambda: counter(dash_duo) > 200)
    _type(dash_duo, "g_learning_rate", "2e-4")
    poll(lambda: session.config.g_learning_rate == 2e-4 and session.config.d_learning_rate == 1e-3)
    assert counter(dash_duo) > 200 and "Training" in status(dash_duo)  # not reset
    # a nonsense value is refused with a message and the box shows the run's value again
    _type(dash_duo, "g_learning_rate", "fast")
    poll(lambda: "Not applied" in status(dash_duo) and "generator learning rate" in status(dash_duo))
    poll(lambda: _advanced(dash_duo, "g_learning_rate").get_attribute("value") == "0.0002")
    assert session.config.g_learning_rate == 2e-4
    assert severe_logs(dash_duo) == []


def test_slow_motion_walks_through_the_phases_of_an_iteration(dash_duo, dash_app, monkeypatch):
    import gan_core.session as session_module
    monkeypatch.setattr(session_module, "SLOW_MOTION_SECONDS", 0.8)  # a loaded machine missed 0.4 s phases
    session = open_page(dash_duo, dash_app)
    assert not dash_duo.find_element("#phase-list").is_displayed()
    dash_duo.find_element("#slow-motion input").click()
    poll(lambda: dash_duo.find_element("#phase-list").is_displayed())
    dash_duo.find_element("#start-button").click()

    def highlighted():
        now = dash_duo.find_elements("#phase-list li.now")
        return now[0].text if now else None

    seen = []
    poll(lambda: (seen.append(highlighted()) or len({s for s in seen if s}) == 4), timeout=40, interval=0.05)
    assert "G's update moves the fakes" in " ".join(s for s in seen if s)
    poll(lambda: counter(dash_duo) >= 2)
    assert session.snapshot().iteration < 100  # one iteration in four phases (6 s), not thousands
    dash_duo.find_element("#slow-motion input").click()  # off: back to the Speed setting
    poll(lambda: not dash_duo.find_element("#phase-list").is_displayed())
    poll(lambda: counter(dash_duo) > 200)
    assert severe_logs(dash_duo) == []


def test_charts_can_be_switched_off_and_the_samples_take_the_room(dash_duo, dash_app):
    open_page(dash_duo, dash_app, size=(1920, 1080))
    width = lambda: dash_duo.find_element("#samples-graph").size["width"]  # noqa: E731
    before = poll(width)
    boxes = {b.get_attribute("value"): b for b in dash_duo.find_elements("#show-charts input")}
    assert set(boxes) == {"accuracy", "losses", "quality"}
    boxes["losses"].click()
    poll(lambda: not dash_duo.find_element("#loss-graph-card").is_displayed())
    assert dash_duo.find_element("#accuracy-graph-card").is_displayed()
    boxes["accuracy"].click()
    boxes["quality"].click()
    poll(lambda: not dash_duo.find_element("#quality-graph-card").is_displayed())
    poll(lambda: width() > 1.4 * before)  # no charts: the samples take the width
    boxes["losses"].click()
    poll(lambda: dash_duo.find_element("#loss-graph-card").is_displayed())
    assert severe_logs(dash_duo) == []
