"""State in the URL, as TensorFlow Playground keeps it: a page opens with the settings of its
query string (`/?target=ring8&latent_size=8&seed=3`, the config fields by name, read by
gan_core.links), and every change is written back into the address bar, so the address is
always a link to this run. "Copy link" copies it; opening it gives the same settings, seed
and numbers. `?controls=hidden` shows the graphs alone (slides, embedding).

Besides the config fields the query holds the page's own switches: `speed` (iterations per
second, or max), `surface`, `arrows`, `manifold` and `large` (1 or 0), `charts` (the charts
shown, e.g. accuracy,losses) and `smooth` (curves). A bad value falls back to its default and
the status line says which and why."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping
from urllib.parse import parse_qs, urlencode

from dash import ClientsideFunction, Input, Output, State, dcc, html, no_update

from app import ids
from app.registry import RegistryFull
from app.parts.controls import DEFAULT_SPEED_INDEX, SPEEDS, new_seed, run_query
from app.parts.live import CHARTS
from app.parts.toggles import TOGGLE_DEFAULTS, TOGGLES
from gan_core import TARGETS, RunConfig, get_target
from gan_core.config import clip_repr
from gan_core.links import config_from_query, has_seed

CHART_NAMES = tuple(name for _, name in CHARTS)
_SWITCHES = {name: toggle for toggle, name in TOGGLES}  # "surface" -> its checklist id
_ON, _OFF = ("1", "on", "true", "yes"), ("0", "off", "false", "no")


@dataclass(frozen=True)
class PageSettings:
    config: RunConfig
    seeded: bool  # the link names a seed (else the page draws one)
    speed: int  # position on the Speed slider
    views: frozenset  # the samples' layers shown: surface, arrows, manifold
    charts: tuple[str, ...]
    large: bool
    smooth: bool
    controls: bool  # False: ?controls=hidden, the graphs alone
    problems: tuple[str, ...]


def _flag(params: dict, name: str, default: bool, problems: list) -> bool:
    value = params.pop(name, None)
    if value is None:
        return default
    text = str(value).strip().lower() if isinstance(value, str) else ""
    if text in _ON or text in _OFF:
        return text in _ON
    problems.append(f"{name} must be 1 or 0; got {clip_repr(value)}; it stays {int(default)}")
    return default


def read(query: Mapping[str, Any]) -> PageSettings:
    """A page's settings from its query string (as Dash pages hands it over: str, or a list
    for a repeated name)."""
    config, params, problems = config_from_query(query)
    if config.target not in TARGETS:  # your data belongs to the page that loaded it
        problems.append("a link cannot carry someone's own data (it stays with the page that loaded it); "
                        "the target stays x2")
        config, _, _ = config_from_query({k: v for k, v in query.items() if k != "target"})
    elif get_target(config.target).missing():
        problems.append(f"{get_target(config.target).label} is not on this server; the target stays x2")
        config, _, _ = config_from_query({k: v for k, v in query.items() if k != "target"})
    speed = DEFAULT_SPEED_INDEX
    if "speed" in params:
        value = params.pop("speed")
        text = str(value).strip().lower() if isinstance(value, str) else ""
        allowed = {("max" if s is None else f"{s:g}"): i for i, s in enumerate(SPEEDS)}
        if text in allowed:
            speed = allowed[text]
        else:
            problems.append(f"speed must be one of {', '.join(allowed)}; got {clip_repr(value)}; it stays 1000")
    views = frozenset(name for toggle, name in TOGGLES if _flag(params, name, TOGGLE_DEFAULTS[toggle], problems))
    charts = CHART_NAMES
    if "charts" in params:
        value = params.pop("charts")
        names = [n.strip() for n in value.split(",") if n.strip()] if isinstance(value, str) else None
        if names is not None and all(n in CHART_NAMES or n == "none" for n in names):
            charts = tuple(n for n in CHART_NAMES if n in names)
        else:
            problems.append(f"charts must list {', '.join(CHART_NAMES)} or none; got {clip_repr(value)}; all are shown")
    large = _flag(params, "large", False, problems)
    smooth = _flag(params, "smooth", False, problems)
    controls = True
    if "controls" in params:
        value = params.pop("controls")
        if value in ("hidden", "shown"):
            controls = value == "shown"
        else:
            problems.append(f"controls must be hidden or shown; got {clip_repr(value)}")
    for name in params:
        problems.append(f"{clip_repr(name, 30)} is not a setting; it was ignored")
    return PageSettings(config, has_seed(query), speed, views, charts, large, smooth, controls, tuple(problems))


def problems_notice(problems) -> str:
    return ("From the link: " + "; ".join(problems) + ".") if problems else ""


def page_query(run: dict, views, charts, large, smooth, controls_shown: bool) -> str:
    """The whole link's query: the run's part, then the page's switches where not default."""
    params = {str(k): str(v) for k, v in run.items()} if isinstance(run, dict) else {}
    for toggle, name in TOGGLES:
        on = isinstance(views.get(toggle), list) and "on" in views.get(toggle)
        if on != TOGGLE_DEFAULTS[toggle]:
            params[name] = "1" if on else "0"
    shown = [n for n in CHART_NAMES if isinstance(charts, list) and n in charts]
    if tuple(shown) != CHART_NAMES:
        params["charts"] = ",".join(shown) or "none"
    if isinstance(large, list) and "large" in large:
        params["large"] = "1"
    if isinstance(smooth, list) and "smooth" in smooth:
        params["smooth"] = "1"
    if not controls_shown:
        params["controls"] = "hidden"
    return "?" + urlencode(params, safe=",")


def _parse_qs(search) -> dict:
    """The query string as Dash pages hands it to a layout (a repeated name: a list)."""
    if not isinstance(search, str):
        return {}
    parsed = parse_qs(search.removeprefix("?"), keep_blank_values=True)
    return {k: v[0] if len(v) == 1 else v for k, v in parsed.items()}


def button() -> html.Button:
    return html.Button("Copy link", id=ids.SHARE, n_clicks=0, className="btn-small",
                       title="Copy a link to this run: its settings, seed and view. Opening it gives the same run, "
                             "number for number.")


def info() -> html.Div:
    """The copied link and what happened, on their own row under the header."""
    return html.Div([
        dcc.Input(id=ids.SHARE_LINK, type="text", readOnly=True, value="", className="share-link",
                  style={"display": "none"}, name="share-link"),
        html.Span(id=ids.SHARE_NOTE, className="share-note", role="status"),
    ], className="share")


def register(app, registry) -> None:
    @app.callback(
        Output(ids.SESSION, "data"),
        Output(ids.TICK, "disabled", allow_duplicate=True),
        Output(ids.STATUS, "children", allow_duplicate=True),
        Output(ids.SEED, "value"),
        Output(ids.NOTICE, "data", allow_duplicate=True),
        Output(ids.RUN_QUERY, "data"),
        Input(ids.URL, "pathname"),
        State(ids.URL, "search"),
        State(ids.SESSION, "data"),
        prevent_initial_call="initial_duplicate",
    )
    def open_session(_path, search, sid):
        """The tab's run, with the settings of the page's link: a new tab gets a new session;
        a tab that follows a link to other settings (a preset of the gallery, Back) keeps its
        session, reset to them (and stops comparing: the new page shows no run B). Without a
        seed in the link the run draws its own."""
        settings = read(_parse_qs(search))
        session = registry.get(sid)
        if session is None:
            try:  # its networks are built ahead with the link's settings
                config = settings.config if settings.seeded else settings.config.replace(seed=new_seed())
                sid = registry.create(config)
            except RegistryFull as exc:
                return None, True, str(exc), no_update, no_update, no_update
            session = registry.get(sid)
        else:
            registry.end_compare(sid)  # the page drawn anew has no run B: neither has the tab
            sid = no_update
        seed = settings.config.seed if settings.seeded else None
        wanted = settings.config.replace(seed=session.config.seed if seed is None else seed)
        if wanted != session.config:
            session.reset(wanted.replace(seed=new_seed()) if seed is None and sid is no_update else wanted,
                          message="" if sid is not no_update else "New settings from this page's address: a new run.")
        session.set_speed(SPEEDS[settings.speed])
        notice = problems_notice(settings.problems)
        return (sid, False, no_update, session.config.seed, notice,
                run_query(session.config, session.speed))

    @app.callback(
        Output(ids.PAGE_QUERY, "data"),
        Input(ids.RUN_QUERY, "data"),
        *[Input(toggle, "value") for toggle, _ in TOGGLES],
        Input(ids.SHOW_CHARTS, "value"),
        Input(ids.LARGE_TYPE, "value"),
        Input(ids.VIEW_OPTIONS, "value"),
        State(ids.CONTROLS_SHOWN, "data"),
    )
    def write_link(run, *rest):
        toggles, (charts, large, smooth, shown) = rest[:len(TOGGLES)], rest[len(TOGGLES):]
        views = {toggle: value for (toggle, _), value in zip(TOGGLES, toggles)}
        return page_query(run, views, charts, large, smooth, shown is not False)

    # The address bar follows the page (replaceState: no navigation, no reload), and the
    # share box holds the whole link.
    app.clientside_callback(
        ClientsideFunction(namespace="gan", function_name="writeUrl"),
        Output(ids.SHARE_LINK, "value"),
        Input(ids.PAGE_QUERY, "data"),
    )
    app.clientside_callback(
        ClientsideFunction(namespace="gan", function_name="copyLink"),
        Output(ids.SHARE_NOTE, "children"),
        Output(ids.SHARE_LINK, "style"),
        Input(ids.SHARE, "n_clicks"),
        State(ids.SHARE_LINK, "value"),
        prevent_initial_call=True,
    )
