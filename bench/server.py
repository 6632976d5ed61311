"""The dashboard as a deployment runs it: the Procfile's `web:` command on a free loopback
port, in its own process group, timed from launch to the first page a browser could load."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent


class ServerError(RuntimeError):
    pass


def procfile_command(procfile: Path = ROOT / "Procfile") -> str:
    for line in procfile.read_text().splitlines():
        kind, _, command = line.partition(":")
        if kind.strip() == "web" and command.strip():
            return command.strip()
    raise ServerError(f"{procfile} has no 'web:' line")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`with Server(env={...}) as server:` runs the Procfile command; `server.url`,
    `server.startup_seconds` (launch to page, layout and callbacks served) and `server.rss_mb()`."""

    def __init__(self, env: dict[str, str] | None = None, timeout: float = 120.0):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, "PORT": str(self.port), **(env or {})}
        self.timeout = timeout
        self.startup_seconds = float("nan")
        self.process: subprocess.Popen | None = None
        self.log = Path(tempfile.gettempdir()) / f"gan-dashboard-{self.port}.log"

    def __enter__(self) -> "Server":
        command = procfile_command()
        log = open(self.log, "wb")
        started = time.perf_counter()
        # bash -c like a PaaS runs the Procfile line; its own session so the whole group stops.
        self.process = subprocess.Popen(["bash", "-c", f"exec {command}"], cwd=ROOT, env=self.env,
                                        stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        try:
            self._wait_for_page(started)
        except BaseException:
            self.stop()
            raise
        self.startup_seconds = time.perf_counter() - started
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def _wait_for_page(self, started: float) -> None:
        paths = ["/", "/_dash-layout", "/_dash-dependencies"]
        while paths:
            if self.process.poll() is not None:
                raise ServerError(f"the server exited with status {self.process.returncode}; see {self.log}:\n"
                                  + self.log.read_text()[-2000:])
            if time.perf_counter() - started > self.timeout:
                raise ServerError(f"no page within {self.timeout:.0f} s; see {self.log}")
            try:
                if requests.get(self.url + paths[0], timeout=5).status_code == 200:
                    paths.pop(0)
                    continue
            except (requests.ConnectionError, requests.Timeout):
                # Refused, or accepted into the backlog while the worker still imports
                # TensorFlow (a busy machine takes longer than one read timeout): ask again.
                pass
            time.sleep(0.05)

    def health(self) -> dict:
        return requests.get(self.url + "/healthz", timeout=10).json()

    def wait_until_compiled(self, timeout: float = 120.0) -> None:
        """Let the server finish compiling the default network shape (and its batched step
        for every crowd size), so it is idle."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            health = self.health()
            if health.get("compiled_ahead") and not health.get("warming_up"):
                return
            time.sleep(0.2)

    def rss_mb(self) -> float:
        import psutil

        try:
            procs = psutil.Process(self.process.pid)
            return sum(p.memory_info().rss for p in [procs, *procs.children(recursive=True)]) / 2**20
        except psutil.Error:
            return float("nan")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        except ProcessLookupError:
            pass
