import time

import pytest

from app import create_app, new_session
from app.registry import SessionRegistry


@pytest.fixture
def dash_app():
    registry = SessionRegistry(max_sessions=6, factory=new_session, precompile=True)
    application = create_app(registry)
    registry.prefill()
    yield application
    registry.close_all()


def poll(predicate, timeout=30.0, interval=0.1):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            value = predicate()
        except Exception:  # element not there yet, graph not drawn yet
            value = None
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout} s")


def counter(duo) -> int:
    return int(duo.find_element("#step-counter").text.replace(",", ""))


def trace_lengths(duo, graph_id):
    return duo.driver.execute_script(
        f"var g = document.querySelector('#{graph_id} .js-plotly-plot');"
        "return g && g.data ? g.data.map(function (t) { return t.x.length; }) : null;")


def fake_points(duo):
    return duo.driver.execute_script(
        "var g = document.querySelector('#samples-graph .js-plotly-plot');"
        "return g.data[1].x.slice(0, 20).concat(g.data[1].y.slice(0, 20));")


def severe_logs(duo):
    return [entry for entry in duo.get_logs() or [] if entry.get("level") == "SEVERE"]


def viewport(duo, width: int, height: int) -> None:
    """The page's own viewport at exactly this size (a projector, a phone)."""
    duo.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                               {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600})


def the_session(dash_app):
    (session,) = dash_app.registry._sessions.values()
    return session


def status(duo) -> str:
    return duo.find_element("#status").text


def open_page(duo, dash_app, size=(1024, 768)):
    """Serve the app, open it at this window size and wait for the tab's session."""
    duo.start_server(dash_app)
    viewport(duo, *size)
    poll(lambda: "Ready" in status(duo))
    return the_session(dash_app)


def choose_target(duo, session, target_id: str, words: str) -> None:
    """Pick a target from the dropdown as a person does (its description contains `words`)."""
    duo.find_element("#target-function").click()
    poll(lambda: duo.find_element(f"[role='option'] [title*='{words}']")).click()
    poll(lambda: session.config.target == target_id)


@pytest.fixture
def second_browser(request, tmp_path):
    """Another person's browser beside dash_duo's (dash's own dash_br cannot be used with
    dash_duo: both make the same download folder)."""
    from dash.testing.browser import Browser

    with Browser(browser=request.config.getoption("webdriver"), headless=request.config.getoption("headless"),
                 options=request.config.hook.pytest_setup_options(),
                 download_path=str(tmp_path / "second-download"), percy_run=False) as browser:
        yield browser
