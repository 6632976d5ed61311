"""A run's settings as a link's query string, and back: `target=ring8&latent_size=8&seed=3`.

Links are written relative to the target's recommended settings (what choosing it from the
dashboard's list gives), so `?target=ring8` is exactly that choice and a link only names
what was changed on top. The seed is always written: the same link gives the same numbers.
Reading is as loose as a person types (field names or aliases, `-` or `_`) and as strict as
the one config table: each value is applied on its own, so one bad value keeps its
recommended setting, says why, and the others still apply.
"""
from __future__ import annotations

from typing import Any, Mapping

from gan_core.config import ALIASES, FIELD_BY_NAME, FIELDS, ConfigError, RunConfig, clip_repr
from gan_core.recommended import recommended_config

_ORDER = {f.name: i for i, f in enumerate(FIELDS)}


def _position(name: str) -> int:
    return _ORDER[ALIASES[name][0]] if name in ALIASES else _ORDER[name]


def config_from_query(params: Mapping[str, Any]) -> tuple[RunConfig, dict[str, Any], list[str]]:
    """(configuration, the parameters that are not settings, a sentence per refused value).
    Without a `seed` the configuration's seed is 0: the caller draws one (see `has_seed`)."""
    settings, others, problems = {}, {}, []
    for key, value in params.items():
        name = str(key).replace("-", "_")
        (settings if name in FIELD_BY_NAME or name in ALIASES else others)[name] = value
    target = settings.pop("target", None)
    config = recommended_config(RunConfig().target)
    if target is not None:
        try:
            config = recommended_config(RunConfig().replace(target=target).target)
        except ConfigError as exc:
            problems.append(f"{exc}; the target stays {config.target}")
    for name in sorted(settings, key=_position):
        try:
            config = config.replace(**{name: settings[name]})
        except ConfigError as exc:
            first = ALIASES.get(name, (name,))[0]
            problems.append(f"{exc}; it stays {format_setting(getattr(config, first))}")
    return config, others, problems


def has_seed(params: Mapping[str, Any]) -> bool:
    return "seed" in params


def config_to_query(config: RunConfig) -> dict[str, str]:
    """The shortest query that reads back as exactly this configuration."""
    base = recommended_config(config.target).to_dict()
    values = config.to_dict()
    out, done = {"target": config.target}, {"target", "seed"}
    for alias, pair in ALIASES.items():
        first, second = (values[n] for n in pair)
        if first == second and any(values[n] != base[n] for n in pair):
            out[alias] = format_setting(first)
            done.update(pair)
    for f in FIELDS:
        if f.name not in done and values[f.name] != base[f.name]:
            out[f.name] = format_setting(values[f.name])
    out["seed"] = str(config.seed)
    return out


def format_setting(value: Any) -> str:
    """A value as a link writes it, read back equal: 0.001, 1e-05, 64, ring8."""
    if isinstance(value, float):
        return str(int(value)) if value == int(value) and abs(value) < 1e15 else repr(value)
    return clip_repr(value, 80) if not isinstance(value, (str, int)) else str(value)
