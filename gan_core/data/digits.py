"""Real handwritten digits that ship offline: scikit-learn's copy of the UCI digits (1,797
images of 8×8, grey levels 0-16, from 43 writers).

Shown and trained at 16×16, upsampled bilinearly once: at 8×8 a digit is a blocky mosaic
that a student barely reads, and a convolutional G and D get only one halving of size; at
16×16 the strokes read as strokes and the nets get two (4 → 8 → 16) while an image is still
a third of a 28×28 letter's pixels. No information is added or lost.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np

SIDE = 16


@lru_cache(maxsize=1)
def load() -> tuple[np.ndarray, np.ndarray, tuple[str, ...]]:
    from PIL import Image
    from sklearn.datasets import load_digits

    data = load_digits()
    images = np.stack([np.asarray(Image.fromarray((img / 16.0 * 255).astype(np.uint8)).resize(
        (SIDE, SIDE), Image.BILINEAR), dtype=np.float32) / 255.0 for img in data.images])
    images = images * 2.0 - 1.0
    images.setflags(write=False)
    return images, data.target.astype(np.int64), tuple(str(d) for d in range(10))
