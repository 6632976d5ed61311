"""The server's one piece of shared mutable state: browser tab id -> training session.

Thread-safe. Ids are unguessable (secrets.token_urlsafe), so one user can never name
another's run.

Opening a page costs almost nothing: its session is lazy (settings and the real samples,
no networks, no thread), and any number of such tabs may exist (`max_tabs`, the oldest idle
ones dropped first). Only a run that is *started* takes one of the `max_sessions` training
places, through `admit()`. When the places are full, a place held by a tab that stopped
calling in (closed, asleep) is taken back from it; one client address may hold at most
`max_per_client` places, so a single client cannot take them all. Sessions whose page has
stopped calling in are paused after `idle_pause_seconds` and dropped after `evict_seconds`,
by a janitor thread that starts with the first session (never at import: gunicorn forks
after import).

Compiling a network shape's training step takes a few seconds, once per process; `prefill()`
compiles the default shape in the background as the server starts, so the first Start of
the day trains at once.
"""
from __future__ import annotations

import collections
import os
import re
import secrets
import threading
import time
from typing import Callable

from gan_core import TrainingSession

_ID = re.compile(r"^[A-Za-z0-9_-]{22,64}$")


CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread from a projector
CODE_LENGTH = 8


def normalise_code(code: object) -> str:
    """A code as typed or read aloud: any case, with or without the dash or spaces."""
    if not isinstance(code, str) or len(code) > 40:
        return ""
    text = code.upper().replace("-", "").replace(" ", "")
    return text if len(text) == CODE_LENGTH and all(c in CODE_ALPHABET for c in text) else ""


def pretty_code(code: str) -> str:
    return f"{code[:4]}-{code[4:]}"


class RegistryFull(RuntimeError):
    pass


class SessionRegistry:
    def __init__(self, max_sessions: int | None = None, idle_pause_seconds: float | None = None,
                 evict_seconds: float | None = None, factory: Callable[[], TrainingSession] | None = None,
                 clock: Callable[[], float] = time.monotonic, precompile: bool | None = None,
                 max_per_client: int | None = None, max_tabs: int | None = None):
        env = os.environ.get
        self.max_sessions = int(max_sessions or env("GAN_MAX_SESSIONS", "32"))
        # A class behind one school router shares an address: leave it room, but not all.
        self.max_per_client = int(max_per_client or env("GAN_MAX_SESSIONS_PER_CLIENT")
                                  or max(1, self.max_sessions - 2))
        self.max_tabs = int(max_tabs or env("GAN_MAX_TABS") or 8 * self.max_sessions)
        self.idle_pause_seconds = float(idle_pause_seconds or env("GAN_IDLE_PAUSE_SECONDS", "30"))
        self.evict_seconds = float(evict_seconds or env("GAN_EVICT_SECONDS", "600"))
        self.precompile = (env("GAN_PRECOMPILE", "1") != "0") if precompile is None else precompile
        self._factory = factory or (lambda: TrainingSession(lazy=True))
        self._clock = clock
        self._lock = threading.Lock()
        self._sessions: dict[str, TrainingSession] = {}
        self._seen: dict[str, float] = {}
        self._client: dict[str, str] = {}  # sid -> client address, for places taken
        self._prepared: set[str] = set()  # tabs whose networks are built ahead, no place yet
        self._codes: dict[str, str] = {}  # presentation code -> the presenting tab's sid
        self._partners: dict[str, tuple[str, dict]] = {}  # a tab's sid -> (its run B's sid, B's changes)
        self._ended: collections.OrderedDict[str, str] = collections.OrderedDict()  # code -> why it ended
        self._janitor: threading.Thread | None = None
        self._warmer: threading.Thread | None = None
        self._compiled_ahead = False
        self._stop = threading.Event()
        self.started = time.time()

    # ---- tabs ---------------------------------------------------------------------
    def create(self, config=None) -> str:
        """A new tab's session (with `config`, e.g. a link's settings, else the factory's):
        lazy, so it takes no training place until it is started.
        Its networks are built ahead in the background while fewer than `max_sessions` tabs
        wait with built networks (so a class pressing Start together trains at once, and a
        flood of page loads costs bounded memory and no thread)."""
        session = self._factory()
        if config is not None:
            session.reset(config)
        sid = secrets.token_urlsafe(16)
        dropped = []
        with self._lock:
            if self.precompile and len(self._prepared) < self.max_sessions:
                session.prepare()
                self._prepared.add(sid)
            self._sessions[sid] = session
            self._seen[sid] = self._clock()
            while len(self._sessions) > self.max_tabs:  # drop the longest-unseen tab without a place
                idle = [s for s in self._sessions if s != sid and s not in self._client]
                if not idle:
                    break
                old = min(idle, key=self._seen.__getitem__)
                dropped.append(self._drop_locked(old))
            self._start_janitor()
        for s in dropped:
            s.close()
        return sid

    def get(self, sid: object) -> TrainingSession | None:
        """The session for this id, marking it alive; None for unknown or malformed ids."""
        if not isinstance(sid, str) or not _ID.match(sid):
            return None
        with self._lock:
            session = self._sessions.get(sid)
            if session is not None:
                self._seen[sid] = self._clock()
            return session

    def admit(self, sid: str, client: str = "") -> None:
        """Let this tab's run take a training place (before Start or a step); raises
        RegistryFull with a message for the page when none can be had."""
        released = None
        with self._lock:
            session = self._sessions.get(sid)
            if session is None or sid in self._client:
                return
            held = [s for s in self._client if s in self._sessions]
            if sum(self._client[s] == client for s in held) >= self.max_per_client:
                raise RegistryFull(f"Not started: this address already trains {self.max_per_client} runs "
                                   "on this server. Pause or close one of them first.")
            if len(held) >= self.max_sessions:
                now = self._clock()
                away = [s for s in held if now - self._seen[s] >= self.idle_pause_seconds]
                if not away:
                    raise RegistryFull(f"Server busy: {self.max_sessions} runs are training. "
                                       "Try again in a minute; your settings are kept.")
                oldest = min(away, key=self._seen.__getitem__)
                del self._client[oldest]
                released = self._sessions[oldest]
            self._client[sid] = client
            self._prepared.discard(sid)
        if released is not None:
            released.release("Your run was stopped to give its place to another user while this page "
                             "was away. Press Start to begin again.")

    # ---- comparing ----------------------------------------------------------------
    def compare(self, sid: str, changes: dict, config) -> TrainingSession:
        """This tab's second run (B), with `config` (the tab's own with `changes`): made on
        first use, then reset to it. B is an ordinary session of its own: it takes a training
        place when started, and the janitor pauses and drops it when the tab goes away."""
        with self._lock:
            if sid not in self._sessions:
                raise KeyError("no such session")
            held = self._partners.get(sid)
            partner = self._sessions.get(held[0]) if held else None
        if partner is None:
            b_sid = self.create(config)
            partner = self.get(b_sid)
        else:
            b_sid = held[0]
            if partner.config != config:
                partner.reset(config)
        with self._lock:
            self._partners[sid] = (b_sid, dict(changes))
        return partner

    def partner(self, sid: object) -> tuple[str, TrainingSession, dict] | None:
        """(B's sid, B, B's changes) of a comparing tab, marking B alive; None otherwise."""
        with self._lock:
            held = self._partners.get(sid) if isinstance(sid, str) else None
            if held is None or held[0] not in self._sessions:
                return None
            self._seen[held[0]] = self._clock()
            return held[0], self._sessions[held[0]], held[1]

    def end_compare(self, sid: str) -> None:
        with self._lock:
            held = self._partners.pop(sid, None)
            partner = self._drop_locked(held[0]) if held and held[0] in self._sessions else None
        if partner is not None:
            partner.close()

    # ---- presenting ---------------------------------------------------------------
    def present(self, sid: str) -> str:
        """This tab's run, presented: a code that lets any page follow it read-only (the same
        code while it presents). 8 characters of 32 (40 bits): a stranger cannot find a
        live code by trying, and a code gives no control over anything."""
        with self._lock:
            if sid not in self._sessions:
                raise KeyError("no such session")
            for code, owner in self._codes.items():
                if owner == sid:
                    return code
            code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
            self._codes[code] = sid
            return code

    def stop_presenting(self, sid: str, why: str = "The presenter stopped presenting.") -> None:
        with self._lock:
            self._end_locked([c for c, owner in self._codes.items() if owner == sid], why)

    def presenting(self, sid: object) -> str | None:
        with self._lock:
            return next((c for c, owner in self._codes.items() if owner == sid), None)

    def presented(self, code: object) -> tuple[TrainingSession | None, str]:
        """The session a code shows, or None and why (ended, or never was). A run being
        watched is in use: its followers keep it from being paused as idle when the
        presenter's own tab sleeps in the background (browsers slow a hidden tab's timers to
        once a minute), and from being dropped."""
        code = normalise_code(code)
        with self._lock:
            sid = self._codes.get(code) if code else None
            if sid is not None and sid in self._sessions:
                self._seen[sid] = self._clock()
                return self._sessions[sid], ""
            if code in self._ended:
                return None, self._ended[code]
        return None, "There is no presentation with this code. Check the code, or ask for the link again."

    def _end_locked(self, codes, why: str) -> None:
        for code in codes:
            self._codes.pop(code, None)
            self._ended[code] = why
        while len(self._ended) > 10_000:
            self._ended.popitem(last=False)

    def sweep(self) -> None:
        now = self._clock()
        to_pause, to_close = [], []
        with self._lock:
            for sid, seen in list(self._seen.items()):
                session = self._sessions[sid]
                idle = now - seen
                if idle >= self.evict_seconds:
                    to_close.append(self._drop_locked(sid))
                elif idle >= self.idle_pause_seconds:
                    to_pause.append(session)
        for session in to_pause:
            session.pause(f"Paused because this page stopped calling in for {self.idle_pause_seconds:g} s "
                          "(closed, asleep, or long in the background). Press Start to go on.")
        for session in to_close:
            session.close()

    def _drop_locked(self, sid: str) -> TrainingSession:
        self._end_locked([c for c, owner in self._codes.items() if owner == sid],
                         "The presenter's page has closed, so the presentation has ended.")
        self._seen.pop(sid, None)
        self._partners.pop(sid, None)  # its run B, unseen from now on, follows it out
        self._client.pop(sid, None)
        self._prepared.discard(sid)
        return self._sessions.pop(sid)

    # ---- the server ---------------------------------------------------------------
    def prefill(self, crowd: bool = False) -> None:
        """Compile the default network shape now, in the background (the server calls this
        once it is up), so the first Start trains at once; with `crowd`, then its batched
        step for every batch size (gan_core/crowd.py: about 10 s of one core), so a class that
        starts together trains at full speed from its first minute."""
        with self._lock:
            if not self.precompile or self._stop.is_set() or self._warmer is not None:
                return
            self._warmer = threading.Thread(target=self._warm, args=(crowd,), name="gan-warm-up", daemon=True)
            self._warmer.start()

    def _warm(self, crowd: bool = False) -> None:
        try:
            session = self._factory()
            session.step(1)  # builds and compiles the shape every new tab starts with
            config = session.config
            session.close()
            with self._lock:
                self._compiled_ahead = True
            if crowd:
                from gan_core.gan import shared_step

                batched = shared_step(config).crowd
                if batched is not None:
                    batched.compile_all(stop=self._stop.is_set)
        except Exception:  # a failing factory shows when a tab asks for a session
            pass

    def close_all(self) -> int:
        """Stop everything: the helper threads, then every session's worker. Returns how many
        sessions were closed."""
        self._stop.set()
        with self._lock:
            warmer = self._warmer
        if warmer is not None:
            warmer.join(timeout=120)
        with self._lock:
            sessions = list(self._sessions.values())
            self._sessions.clear()
            self._seen.clear()
            self._client.clear()
            self._prepared.clear()
            self._end_locked(list(self._codes), "The server has stopped.")
        for s in sessions:
            s.close()
        return len(sessions)

    def __len__(self) -> int:
        with self._lock:
            return len(self._sessions)

    def stats(self) -> dict:
        with self._lock:
            sessions = list(self._sessions.values())
            places = sum(1 for s in self._client if s in self._sessions)
            compiled = self._compiled_ahead
            warming = self._warmer is not None and self._warmer.is_alive()
            presenting = len(self._codes)
        running = sum(1 for s in sessions if s.state == "running")
        return {"sessions": len(sessions), "training_places_taken": places, "running": running,
                "max_sessions": self.max_sessions, "compiled_ahead": compiled, "warming_up": warming,
                "presenting": presenting,
                "uptime_seconds": round(time.time() - self.started, 1)}

    def _start_janitor(self) -> None:  # under self._lock
        if not self._stop.is_set() and (self._janitor is None or not self._janitor.is_alive()):
            period = max(0.05, min(5.0, self.idle_pause_seconds / 3))

            def loop():
                while not self._stop.wait(period):
                    self.sweep()

            self._janitor = threading.Thread(target=loop, name="gan-janitor", daemon=True)
            self._janitor.start()
