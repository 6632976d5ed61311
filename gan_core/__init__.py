"""The GAN training engine: targets, models, losses, the fused train step, metrics, the
training session and the CLI. Knows nothing of Dash.

Importing this package does not load TensorFlow; `TrainingSession` and `GAN` do, on first use.
"""
from gan_core.config import FIELDS, PRESETS, ConfigError, Field, RunConfig, preset
from gan_core.targets import TARGETS, Target, get_target

__all__ = ["FIELDS", "PRESETS", "ConfigError", "Field", "RunConfig", "preset", "TARGETS", "Target",
           "get_target", "prepare_data", "TrainingSession", "SessionError", "Snapshot", "STATES",
           "describe_networks"]


def __getattr__(name):
    if name in ("TrainingSession", "SessionError", "Snapshot", "STATES", "HistoryPoint"):
        from gan_core import session
        return getattr(session, name)
    if name == "describe_networks":
        from gan_core import gan
        return gan.describe_networks
    raise AttributeError(name)


def prepare_data() -> None:
    """Render, load and cache every image set and its classifier (a server calls this in the
    background at start-up: the first student to pick letters does not wait ~20 s)."""
    from gan_core.kinds.images import prepare

    for target in TARGETS.values():
        if target.kind == "image" and not target.missing():
            prepare(target)
