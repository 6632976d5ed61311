"""The real 28×28 sets, read when their files are on disk (nothing downloads here):

- `mnist`: Keras's cached `mnist.npz` (`~/.keras/datasets/mnist.npz`, or the path in
  $GAN_MNIST_PATH), arrays x_train, y_train (and x_test, y_test, which are added);
- `fashion-mnist`: the IDX files of Debian's `dataset-fashion-mnist` package
  (`/usr/share/datasets/fashion-mnist/`, or the folder in $GAN_FASHION_MNIST_DIR).

Absent, the targets are listed but disabled, with one line on how to add them.
"""
from __future__ import annotations

import gzip
import os
from functools import lru_cache
from pathlib import Path

import numpy as np

SIDE = 28
FASHION_CLASSES = ("T-shirt", "trouser", "pullover", "dress", "coat", "sandal", "shirt", "sneaker", "bag",
                   "ankle boot")


class DataMissing(RuntimeError):
    """An image set's files are not on this machine; the message says how to add them."""


def mnist_path() -> Path:
    return Path(os.environ.get("GAN_MNIST_PATH") or Path.home() / ".keras" / "datasets" / "mnist.npz")


def fashion_dir() -> Path:
    return Path(os.environ.get("GAN_FASHION_MNIST_DIR") or "/usr/share/datasets/fashion-mnist")


def mnist_missing() -> str | None:
    """None when MNIST is readable, else how to add it."""
    if mnist_path().is_file():
        return None
    return (f"MNIST is not on this server: put Keras's mnist.npz at {mnist_path()} "
            "(or set GAN_MNIST_PATH to it)")


def fashion_missing() -> str | None:
    if all((fashion_dir() / f"{part}.gz").is_file() for part in _FASHION_FILES):
        return None
    return ("Fashion-MNIST is not on this server: apt install dataset-fashion-mnist "
            "(or set GAN_FASHION_MNIST_DIR to a folder of its four IDX .gz files)")


_FASHION_FILES = ("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
                  "t10k-labels-idx1-ubyte")


def _checked(images: np.ndarray, labels: np.ndarray, source: str) -> tuple[np.ndarray, np.ndarray]:
    if images.ndim != 3 or images.shape[1:] != (SIDE, SIDE) or len(images) != len(labels) or not len(images):
        raise DataMissing(f"{source}: expected N images of 28×28 and N labels; got {images.shape} and {labels.shape}")
    return images, labels


def read_npz(path: Path) -> tuple[np.ndarray, np.ndarray]:
    try:
        with np.load(path) as f:
            images = np.concatenate([f["x_train"], f["x_test"]]) if "x_test" in f else f["x_train"]
            labels = np.concatenate([f["y_train"], f["y_test"]]) if "y_test" in f else f["y_train"]
    except (OSError, ValueError, KeyError) as exc:
        raise DataMissing(f"{path}: not a Keras mnist.npz ({exc})") from None
    return _checked(np.asarray(images), np.asarray(labels), str(path))


def read_idx(path: Path) -> np.ndarray:
    """One IDX file (gzipped), as the MNIST family ships: magic, dimensions, then uint8 data."""
    try:
        with gzip.open(path, "rb") as fh:
            data = fh.read()
        ndim = data[3]
        if data[:2] != b"\0\0" or data[2] != 0x08 or ndim not in (1, 3):
            raise ValueError("not an IDX file of unsigned bytes")
        shape = tuple(int.from_bytes(data[4 + 4 * k: 8 + 4 * k], "big") for k in range(ndim))
        array = np.frombuffer(data, np.uint8, offset=4 + 4 * ndim)
        return array.reshape(shape)
    except (OSError, ValueError, IndexError, EOFError) as exc:
        raise DataMissing(f"{path}: not a gzipped IDX file ({exc})") from None


def _as_set(images: np.ndarray, labels: np.ndarray, classes) -> tuple[np.ndarray, np.ndarray, tuple[str, ...]]:
    out = images.astype(np.float32) / 127.5 - 1.0
    out.setflags(write=False)
    return out, labels.astype(np.int64), tuple(classes)


@lru_cache(maxsize=1)
def load_mnist():
    missing = mnist_missing()
    if missing:
        raise DataMissing(missing)
    return _as_set(*read_npz(mnist_path()), [str(d) for d in range(10)])


@lru_cache(maxsize=1)
def load_fashion():
    missing = fashion_missing()
    if missing:
        raise DataMissing(missing)
    parts = [read_idx(fashion_dir() / f"{part}.gz") for part in _FASHION_FILES]
    images, labels = _checked(np.concatenate([parts[0], parts[2]]), np.concatenate([parts[1], parts[3]]),
                              str(fashion_dir()))
    return _as_set(images, labels, FASHION_CLASSES)
