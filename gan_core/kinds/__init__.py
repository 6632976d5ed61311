"""Kinds of data, each one module: its networks, its metrics and how its samples are written.

A target declares its kind (`function`, `points`, `sequence`, `image`); `kind_of(target)` gives the
module, whose public face is the same for every kind:

- `build_generator(cfg, target)`, `build_discriminator(cfg, target)`: Keras models;
- `metrics(target, samples)`: every objective metric that applies, keyed by name;
- `csv_header(target)`: the column names of `train --samples-csv`;
- `SHOWN`: how many fakes of the fixed batch the page shows each publication (None: all);
- `EVALUATED`: how many fresh real and fake samples D's accuracy is measured on per publication;
- `fused_loop(cfg)`: whether the training loop compiles whole with XLA.

Adding a kind means adding its module and a line below; the dashboard has the twin registry
in app/views/.
"""
from __future__ import annotations

from types import ModuleType

from gan_core.kinds import images, points, sequences, values
from gan_core.targets import KIND_ARCHITECTURES, Target

KINDS: dict[str, ModuleType] = {"function": points, "points": points, "sequence": sequences, "image": images,
                                "values": values}

assert set(KINDS) <= set(KIND_ARCHITECTURES)


def kind_of(target: Target) -> ModuleType:
    return KINDS[target.kind]
