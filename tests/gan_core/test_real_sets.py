"""MNIST and Fashion-MNIST: read from the files on disk in their own formats (small files the
test writes), and reported, not crashed on, when absent or malformed."""
import gzip

import numpy as np
import pytest

from gan_core.cli import main
from gan_core.data import mnist
from gan_core.targets import get_target


def _idx(path, array):
    header = bytes([0, 0, 0x08, array.ndim]) + b"".join(int(d).to_bytes(4, "big") for d in array.shape)
    with gzip.open(path, "wb") as fh:
        fh.write(header + array.astype(np.uint8).tobytes())


@pytest.fixture(autouse=True)
def fresh_loaders():
    mnist.load_mnist.cache_clear()
    mnist.load_fashion.cache_clear()
    yield
    mnist.load_mnist.cache_clear()
    mnist.load_fashion.cache_clear()


def test_keras_mnist_npz_is_read_when_on_disk(tmp_path, monkeypatch):
    rng = np.random.default_rng(0)
    path = tmp_path / "mnist.npz"
    np.savez(path, x_train=rng.integers(0, 256, (6, 28, 28)), y_train=np.arange(6),
             x_test=rng.integers(0, 256, (2, 28, 28)), y_test=np.array([7, 8]))
    monkeypatch.setenv("GAN_MNIST_PATH", str(path))
    target = get_target("mnist")
    assert target.missing() is None
    images, labels, classes = target.loader()
    assert images.shape == (8, 28, 28) and images.min() >= -1 and images.max() <= 1
    assert list(labels) == [0, 1, 2, 3, 4, 5, 7, 8] and classes == tuple("0123456789")
    assert target.sample(rng, 3).shape == (3, 784)


def test_fashion_idx_files_are_read_when_installed(tmp_path, monkeypatch):
    rng = np.random.default_rng(1)
    _idx(tmp_path / "train-images-idx3-ubyte.gz", rng.integers(0, 256, (5, 28, 28)))
    _idx(tmp_path / "train-labels-idx1-ubyte.gz", np.arange(5))
    _idx(tmp_path / "t10k-images-idx3-ubyte.gz", rng.integers(0, 256, (3, 28, 28)))
    _idx(tmp_path / "t10k-labels-idx1-ubyte.gz", np.array([9, 9, 1]))
    monkeypatch.setenv("GAN_FASHION_MNIST_DIR", str(tmp_path))
    images, labels, classes = get_target("fashion-mnist").loader()
    assert images.shape == (8, 28, 28) and list(labels[-3:]) == [9, 9, 1] and classes[9] == "ankle boot"


def test_absent_sets_say_how_to_add_them_and_the_cli_refuses_in_one_line(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("GAN_MNIST_PATH", str(tmp_path / "none.npz"))
    monkeypatch.setenv("GAN_FASHION_MNIST_DIR", str(tmp_path / "none"))
    assert "mnist.npz" in get_target("mnist").missing()
    assert "apt install dataset-fashion-mnist" in get_target("fashion-mnist").missing()
    with pytest.raises(mnist.DataMissing, match="not on this server"):
        get_target("mnist").loader()
    assert main(["train", "--target", "fashion-mnist", "--steps", "1"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--target: Fashion-MNIST is not on this server" in err


def test_a_malformed_file_is_reported_not_crashed_on(tmp_path, monkeypatch):
    bad = tmp_path / "mnist.npz"
    np.savez(bad, x_train=np.zeros((4, 10, 10)), y_train=np.zeros(4))
    monkeypatch.setenv("GAN_MNIST_PATH", str(bad))
    with pytest.raises(mnist.DataMissing, match="28×28"):
        get_target("mnist").loader()
    (tmp_path / "junk.gz").write_bytes(b"not gzip at all")
    with pytest.raises(mnist.DataMissing, match="IDX"):
        mnist.read_idx(tmp_path / "junk.gz")
