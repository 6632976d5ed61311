"""The Procfile command, run as a PaaS runs it: gunicorn serves the page, /healthz, a
user's run, and stops cleanly on SIGTERM with a run still training."""
import glob
import time

import psutil
import pytest

from bench.client import Tab
from bench.server import Server

pytestmark = pytest.mark.usefixtures("no_leaked_threads")


def test_procfile_serves_the_dashboard_and_stops_cleanly():
    with Server(env={"GAN_MAX_SESSIONS": "3"}) as server:
        health = server.health()
        assert health["status"] == "ok" and health["max_sessions"] == 3 and "uptime_seconds" in health

        tab = Tab(server.url)
        reply = tab.load()
        assert tab.props["session-id.data"] and reply.server_ms >= 0
        tab.click("start-button")
        for _ in range(300):  # ticking as the page does, for up to a minute
            tab.interval("tick")
            if int(str(tab.props.get("step-counter.children", 0)).replace(",", "")) > 0:
                break
            time.sleep(0.2)
        assert int(str(tab.props["step-counter.children"]).replace(",", "")) > 0  # it trains behind gunicorn
        assert server.health()["running"] == 1
        # the request threads yield the CPU to training (gunicorn.conf.py); training does not
        assert {0, 5} <= _thread_nices(server)

        page = tab.http.get(server.url + "/").text
        assert "GAN training dashboard" in page
        # No dev tools in production: a broken callback request gets no traceback.
        broken = tab.http.post(server.url + "/_dash-update-component", data="{not json",
                               headers={"Content-Type": "application/json"})
        assert broken.status_code == 400 and "Traceback" not in broken.text
        tab.close()
    assert server.process.returncode == 0
    log = server.log.read_text()
    assert "Stopped 1 training sessions before exit" in log  # the tab's run
    assert "SIGABRT" not in log and "terminate called" not in log


def _thread_nices(server) -> set[int]:
    """The nice values of the gunicorn worker's threads (Linux: /proc/<pid>/task/*/stat)."""
    worker = max(psutil.Process(server.process.pid).children(recursive=True), key=lambda p: p.memory_info().rss)
    nices = set()
    for stat in glob.glob(f"/proc/{worker.pid}/task/*/stat"):
        try:
            nices.add(int(open(stat).read().rsplit(")", 1)[1].split()[16]))
        except (OSError, IndexError, ValueError):  # a thread that ended meanwhile
            pass
    return nices


def test_a_request_thread_yields_the_cpu_once_and_the_setting_is_checked(monkeypatch):
    import os
    import threading

    import app

    seen = []

    def serve():
        app.yield_to_training()
        app.yield_to_training()  # a thread is lowered once, not once a request
        seen.append(os.getpriority(os.PRIO_PROCESS, threading.get_native_id()))

    thread = threading.Thread(target=serve)
    thread.start()
    thread.join()
    assert seen == [app.REQUEST_NICE] and app.REQUEST_NICE == 5
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == 0  # the caller's own thread untouched
    for text, nice in (("0", 0), ("12", 12), ("40", 19), ("-3", 0), ("lots", 5)):
        monkeypatch.setenv("GAN_REQUEST_NICE", text)
        assert app._request_nice() == nice


def test_python_m_app_serves_the_page_through_its_yielding_request_handler(tmp_path):
    import subprocess
    import sys

    import requests

    from bench.server import ROOT, free_port

    port = free_port()
    log = open(tmp_path / "app.log", "w")
    proc = subprocess.Popen([sys.executable, "-m", "app", "--port", str(port)], cwd=ROOT, stdout=log, stderr=log)
    try:
        end = time.monotonic() + 90
        while True:
            try:
                if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=5).ok:
                    break
            except requests.ConnectionError:
                pass
            assert time.monotonic() < end and proc.poll() is None, (tmp_path / "app.log").read_text()[-2000:]
            time.sleep(0.3)
        assert "GAN training dashboard" in requests.get(f"http://127.0.0.1:{port}/", timeout=10).text
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()
