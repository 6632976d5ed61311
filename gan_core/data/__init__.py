"""Image data that ships offline (nothing downloads at run time), rendered or loaded at first
use and cached on disk: letters drawn from Pillow's own font, scikit-learn's handwritten
digits. Every loader returns (images in [-1, 1] as float32 (n, side, side), integer labels,
class names)."""
from __future__ import annotations

import os
from pathlib import Path


def cache_dir() -> Path:
    """Where rendered data and trained classifiers are kept ($GAN_CACHE_DIR, else ~/.cache)."""
    path = Path(os.environ.get("GAN_CACHE_DIR") or Path.home() / ".cache" / "gan-dashboard")
    path.mkdir(parents=True, exist_ok=True)
    return path
