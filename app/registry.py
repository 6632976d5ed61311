"""The server's one piece of shared mutable state: browser tab id -> training session.

Thread-safe. Ids are unguessable (secrets.token_urlsafe), so one user can never name
another's run. Sessions whose page has stopped calling in are paused after
`idle_pause_seconds` and closed and dropped after `evict_seconds`, by a janitor thread
that starts with the first session (never at import: gunicorn forks after import).

Compiling a new session's training step takes a few seconds, so the registry keeps
`spares` sessions built and compiled ahead (one at a time, by a "gan-spares" thread that
`prefill()` or the first `create()` starts): a new tab takes one, and its Start trains at once.
"""
from __future__ import annotations

import os
import re
import secrets
import threading
import time
from typing import Callable

from gan_core import TrainingSession

_ID = re.compile(r"^[A-Za-z0-9_-]{22,64}$")


class RegistryFull(RuntimeError):
    pass


class SessionRegistry:
    def __init__(self, max_sessions: int | None = None, idle_pause_seconds: float | None = None,
                 evict_seconds: float | None = None, factory: Callable[[], TrainingSession] | None = None,
                 clock: Callable[[], float] = time.monotonic, spares: int | None = None):
        env = os.environ.get
        self.max_sessions = int(max_sessions or env("GAN_MAX_SESSIONS", "32"))
        self.idle_pause_seconds = float(idle_pause_seconds or env("GAN_IDLE_PAUSE_SECONDS", "30"))
        self.evict_seconds = float(evict_seconds or env("GAN_EVICT_SECONDS", "600"))
        self.spares = max(0, int(env("GAN_SPARE_SESSIONS", "2") if spares is None else spares))
        self._factory = factory or (lambda: TrainingSession(precompile=True))
        self._clock = clock
        self._lock = threading.Lock()
        self._sessions: dict[str, TrainingSession] = {}
        self._seen: dict[str, float] = {}
        self._janitor: threading.Thread | None = None
        self._pool: list[TrainingSession] = []  # built and compiled, not yet handed out
        self._filler: threading.Thread | None = None
        self._want_spare = threading.Event()
        self._stop = threading.Event()
        self.started = time.time()

    def create(self) -> str:
        self.sweep()
        with self._lock:
            if len(self._sessions) >= self.max_sessions:
                raise RegistryFull(f"Server busy: {self.max_sessions} runs are active. Try again in a few minutes.")
            sid = secrets.token_urlsafe(16)
            self._sessions[sid] = None  # reserve the slot while the models are built
            self._seen[sid] = self._clock()
            spare = self._pool.pop() if self._pool else None
        self._want_spare.set()
        try:
            session = spare or self._factory()
        except BaseException:
            with self._lock:
                self._sessions.pop(sid, None)
                self._seen.pop(sid, None)
            raise
        with self._lock:
            self._sessions[sid] = session
            self._start_janitor()
            self._start_filler()
        return sid

    def prefill(self) -> None:
        """Start building the spare sessions now (the server calls this once it is up)."""
        with self._lock:
            self._start_filler()

    def get(self, sid: object) -> TrainingSession | None:
        """The session for this id, marking it alive; None for unknown or malformed ids."""
        if not isinstance(sid, str) or not _ID.match(sid):
            return None
        with self._lock:
            session = self._sessions.get(sid)
            if session is not None:
                self._seen[sid] = self._clock()
            return session

    def sweep(self) -> None:
        now = self._clock()
        to_pause, to_close = [], []
        with self._lock:
            for sid, seen in list(self._seen.items()):
                session = self._sessions.get(sid)
                if session is None:
                    continue
                idle = now - seen
                if idle >= self.evict_seconds:
                    to_close.append(session)
                    del self._sessions[sid], self._seen[sid]
                elif idle >= self.idle_pause_seconds:
                    to_pause.append(session)
        for session in to_pause:
            session.pause(f"Paused because this page stopped calling in for {self.idle_pause_seconds:g} s "
                          "(closed, asleep, or long in the background). Press Start to go on.")
        for session in to_close:
            session.close()

    def close_all(self) -> int:
        """Stop everything: the helper threads, then every session's worker. Returns how many
        sessions were closed."""
        self._stop.set()
        self._want_spare.set()
        with self._lock:
            filler = self._filler
        if filler is not None:
            filler.join(timeout=60)
        with self._lock:
            sessions = [s for s in self._sessions.values() if s is not None] + self._pool
            self._sessions.clear()
            self._seen.clear()
            self._pool = []
        for s in sessions:
            s.close()
        return len(sessions)

    def __len__(self) -> int:
        with self._lock:
            return len(self._sessions)

    def stats(self) -> dict:
        with self._lock:
            sessions = [s for s in self._sessions.values() if s is not None]
            spares = len(self._pool)
        running = sum(1 for s in sessions if s.state == "running")
        return {"sessions": len(sessions), "running": running, "max_sessions": self.max_sessions,
                "spares": spares, "uptime_seconds": round(time.time() - self.started, 1)}

    def _start_janitor(self) -> None:
        if self._janitor is None or not self._janitor.is_alive():
            period = max(0.05, min(5.0, self.idle_pause_seconds / 3))

            def loop():
                while not self._stop.wait(period):
                    self.sweep()

            self._janitor = threading.Thread(target=loop, name="gan-janitor", daemon=True)
            self._janitor.start()

    def _start_filler(self) -> None:  # under self._lock
        if self.spares and not self._stop.is_set() and (self._filler is None or not self._filler.is_alive()):
            self._filler = threading.Thread(target=self._fill, name="gan-spares", daemon=True)
            self._filler.start()

    def _fill(self) -> None:
        while not self._stop.is_set():
            with self._lock:
                wanted = len(self._pool) < self.spares
            if not wanted:
                self._want_spare.wait(1.0)
                self._want_spare.clear()
                continue
            try:
                session = self._factory()
            except Exception:  # a failing factory shows when a tab asks for a session
                self._stop.wait(5.0)
                continue
            while session.worker_alive and not self._stop.is_set():  # one compile at a time
                self._stop.wait(0.05)
            with self._lock:
                if not self._stop.is_set():
                    self._pool.append(session)
                    continue
            session.close()
