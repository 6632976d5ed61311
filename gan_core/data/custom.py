"""A person's own data: 2-D points (kind `points`) or 1-D values (kind `values`) from a CSV
file, or points drawn with the mouse, kept as a target of its own under an unguessable id, so
that only the page that made it names it.

The samples are the points themselves, drawn with replacement; the metrics use them as the
reference (sliced W1, KL and JS on a grid over their own bounds). At most `KEPT` sets are
kept on a server, the oldest forgotten first.
"""
from __future__ import annotations

import csv
import io
import math
import re
import secrets

import numpy as np

from gan_core.targets import Target, add_custom

MAX_BYTES = 1_000_000
MAX_ROWS = 20_000
MIN_ROWS = 10


class DataError(ValueError):
    """The data cannot be used; the message says why, in words for the page."""


def parse_csv(raw: bytes) -> np.ndarray:
    """Rows of 2 numbers (x, y), a header line optional: an (n, 2) float array, or DataError."""
    if len(raw) > MAX_BYTES:
        raise DataError(f"the file is {len(raw) / 1e6:.1f} MB; at most {MAX_BYTES / 1e6:g} MB")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DataError("the file is not text (a CSV of numbers is expected)") from None
    try:
        rows = [r for r in csv.reader(io.StringIO(text)) if any(c.strip() for c in r)]
    except csv.Error as exc:
        raise DataError(f"the file is not a readable CSV ({exc})") from None
    if rows and not _numeric(rows[0]):
        rows = rows[1:]  # a header
    if not rows:
        raise DataError("the file holds no rows of numbers")
    if len(rows) > MAX_ROWS:
        raise DataError(f"the file has {len(rows):,} rows; at most {MAX_ROWS:,}")
    for k, row in enumerate(rows, start=1):
        if not _numeric(row):
            raise DataError(f"row {k} is not numbers: {', '.join(c.strip()[:20] for c in row)[:60]}")
    widths = {len(r) for r in rows}
    if widths not in ({1}, {2}):
        raise DataError("every row must hold one number (values) or two (x and y); found rows of "
                        + ", ".join(map(str, sorted(widths))))
    values = []
    for k, row in enumerate(rows, start=1):
        numbers = tuple(float(c) for c in row)
        if not all(math.isfinite(v) for v in numbers):
            raise DataError(f"row {k} holds a value that is not a finite number ({', '.join(c.strip() for c in row)})")
        values.append(numbers)
    return check_points(np.asarray(values, dtype=np.float64))


def _numeric(row) -> bool:
    try:
        [float(c) for c in row]
    except ValueError:
        return False
    return True


def check_points(points: np.ndarray) -> np.ndarray:
    points = np.asarray(points, dtype=np.float64)
    if points.ndim != 2 or points.shape[1] not in (1, 2):
        raise DataError("values (one column) or 2-D points (x, y) are needed")
    if len(points) < MIN_ROWS:
        raise DataError(f"at least {MIN_ROWS} points are needed; got {len(points)}")
    if len(points) > MAX_ROWS:
        raise DataError(f"at most {MAX_ROWS:,} points; got {len(points):,}")
    if not np.all(np.isfinite(points)):
        raise DataError("every value must be a finite number")
    if np.ptp(points, axis=0).max() == 0:
        raise DataError("all the points are the same point; a GAN needs a spread to learn")
    return points


MAX_STROKES = 50
DRAWN_POINTS = 1000
_NUMBER_PAIR = re.compile(r"(-?[0-9.]+(?:e-?[0-9]+)?)\s*,\s*(-?[0-9.]+(?:e-?[0-9]+)?)")


def from_strokes(strokes, spread: float, n: int = DRAWN_POINTS, seed: int = 0) -> np.ndarray:
    """Points along strokes drawn with the mouse (SVG paths "M x,y L x,y …", as Plotly's
    drawing tools write them), as GAN Lab makes a drawn distribution: `n` points spread over
    the strokes by length, each moved by Gaussian noise of `spread`."""
    if not isinstance(strokes, list) or not strokes:
        raise DataError("draw at least one stroke on the plot first")
    if len(strokes) > MAX_STROKES:
        raise DataError(f"at most {MAX_STROKES} strokes; got {len(strokes)}")
    lines = []
    for stroke in strokes:
        if not isinstance(stroke, str) or len(stroke) > 50_000:
            raise DataError("a stroke could not be read")
        xy = np.array([(float(a), float(b)) for a, b in _NUMBER_PAIR.findall(stroke)], dtype=np.float64)
        if len(xy) == 0 or not np.all(np.isfinite(xy)):
            raise DataError("a stroke could not be read")
        lines.append(xy)
    lengths = [np.linalg.norm(np.diff(xy, axis=0), axis=1) for xy in lines]
    totals = np.array([seg.sum() + spread for seg in lengths])  # a dot still gets its share
    rng = np.random.default_rng(seed)
    counts = rng.multinomial(n, totals / totals.sum())
    out = []
    for xy, seg, k in zip(lines, lengths, counts):
        if len(xy) == 1 or seg.sum() == 0:
            out.append(np.repeat(xy[:1], k, axis=0))
            continue
        at = rng.uniform(0, seg.sum(), k)
        cum = np.concatenate([[0.0], np.cumsum(seg)])
        i = np.clip(np.searchsorted(cum, at, side="right") - 1, 0, len(seg) - 1)
        t = ((at - cum[i]) / np.where(seg[i] > 0, seg[i], 1.0))[:, None]
        out.append(xy[i] + t * (xy[i + 1] - xy[i]))
    points = np.concatenate(out) + rng.normal(0.0, spread, (n, 2))
    return check_points(points)


def register(points: np.ndarray, label: str = "your data") -> Target:
    """The points (or values: one column) as a target of their own; its id names it (and only
    it) from now on."""
    points = check_points(points).astype(np.float32)
    points.setflags(write=False)
    low, high = points.min(axis=0), points.max(axis=0)
    centre, half = (low + high) / 2, np.maximum((high - low) / 2, 1e-3) * 1.15

    def sampler(rng, n):
        return points[rng.integers(0, len(points), n)]

    dim = points.shape[1]
    words = "values" if dim == 1 else "points"
    x_range = (float(centre[0] - half[0]), float(centre[0] + half[0]))
    y_range = (float(centre[1] - half[1]), float(centre[1] + half[1])) if dim == 2 else (0.0, 1.0)
    target = Target(f"data-{secrets.token_hex(8)}", label,
                    f"{label[:1].upper()}{label[1:]}: {len(points):,} {words} of your own, drawn with replacement.",
                    "points" if dim == 2 else "values", dim, x_range, y_range, sampler, data=points)
    add_custom(target)
    return target
