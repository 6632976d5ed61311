"""28×28 grey letters A–Z and a–z, as in the letters tutorial, drawn from the TrueType font
that ships inside Pillow (`ImageFont.load_default(size=…)`), each with its own random
rotation, shear, scale, offset and stroke width so that they look hand-drawn and no two are
alike. Rendering is deterministic per seed: the same images on every machine with the same
Pillow, made once (a few seconds) and cached.

Some letters look the same in both cases once drawn small and jittered (c and C, o and O, …,
and I and l, two bars in a sans-serif font). Their two cases share one class, so "which letter
is this" has an answer: 52 letters, 40 classes.
"""
from __future__ import annotations

import string
from functools import lru_cache

import numpy as np

from gan_core.data import cache_dir

SIDE = 28
PER_LETTER = 250  # 13,000 images in all
ALIKE = "cosuvwxzkpy"  # lower case drawn as a smaller upper case
LETTERS = string.ascii_uppercase + string.ascii_lowercase
_RENDER = 4 * SIDE  # drawn large, then shrunk: smooth edges


def class_of(letter: str) -> str:
    """The class a letter counts as: alike cases merged, and l counts as I."""
    if letter == "l":
        return "I"
    return letter.upper() if letter.lower() in ALIKE else letter


CLASSES = sorted({class_of(c) for c in LETTERS}, key=LETTERS.index)


def render(letter: str, rng: np.random.Generator) -> np.ndarray:
    """One jittered letter as a SIDE×SIDE float image in [0, 1] (ink is 1)."""
    from PIL import Image, ImageDraw

    size = int(_RENDER * rng.uniform(0.55, 0.8))
    font = _font(size)
    canvas = Image.new("L", (_RENDER, _RENDER), 0)
    draw = ImageDraw.Draw(canvas)
    stroke = int(rng.integers(1, 5))
    box = draw.textbbox((0, 0), letter, font=font, stroke_width=stroke)
    w, h = box[2] - box[0], box[3] - box[1]
    draw.text(((_RENDER - w) / 2 - box[0], (_RENDER - h) / 2 - box[1]), letter, fill=255, font=font,
              stroke_width=stroke, stroke_fill=255)
    shear = rng.uniform(-0.25, 0.25)
    angle = np.deg2rad(rng.uniform(-12, 12))
    scale = rng.uniform(0.9, 1.1)
    shift = rng.uniform(-0.07, 0.07, 2) * _RENDER
    # The inverse map Pillow wants: output pixel -> input pixel, about the centre.
    c, s = np.cos(angle), np.sin(angle)
    forward = np.array([[c, -s + shear], [s, c]]) * scale
    inverse = np.linalg.inv(forward)
    centre = np.array([_RENDER / 2, _RENDER / 2])
    offset = centre - inverse @ (centre + shift)
    canvas = canvas.transform(canvas.size, Image.AFFINE, (*inverse[0], offset[0], *inverse[1], offset[1]),
                              resample=Image.BILINEAR)
    small = canvas.resize((SIDE, SIDE), Image.LANCZOS)
    return np.asarray(small, dtype=np.float32) / 255.0


@lru_cache(maxsize=8)
def _font(size: int):
    from PIL import ImageFont

    return ImageFont.load_default(size=size)


def make(per_letter: int = PER_LETTER, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Render per_letter images of every letter: (images in [0, 1], letter indices)."""
    rng = np.random.default_rng(seed)
    images = np.empty((per_letter * len(LETTERS), SIDE, SIDE), np.float32)
    labels = np.repeat(np.arange(len(LETTERS)), per_letter)
    for i, k in enumerate(labels):
        images[i] = render(LETTERS[k], rng)
    return images, labels


@lru_cache(maxsize=1)
def load() -> tuple[np.ndarray, np.ndarray, tuple[str, ...]]:
    """The letters set in [-1, 1], its class labels (alike cases merged) and class names."""
    import PIL

    path = cache_dir() / f"letters-v1-{PER_LETTER}-pillow{PIL.__version__}.npz"
    if path.exists():
        with np.load(path) as f:
            images, letters = f["images"], f["letters"]
    else:
        images, letters = make()
        tmp = path.with_suffix(".tmp.npz")
        np.savez_compressed(tmp, images=images, letters=letters)
        tmp.replace(path)
    index = {name: k for k, name in enumerate(CLASSES)}
    labels = np.array([index[class_of(LETTERS[k])] for k in letters], np.int64)
    images = images * 2.0 - 1.0
    images.setflags(write=False)
    return images, labels, tuple(CLASSES)
