"""The judge of generated images: a small convolutional classifier of the real set.

It is trained at first use (letters: about a minute on one core; digits: seconds) and kept
in the cache as a Keras `.keras` file beside its statistics of the real set. It names a
picture's class, or "none of them": that extra class is learnt from pictures that are no
class at all, as an untrained or confused G draws them (noise, real pixels shuffled, two
real images blended, real images smeared), so a blob is not named a letter with confidence.
Its training shifts the real images by up to two pixels, so a letter drawn a pixel to the
side is still that letter (a dense classifier, tried first, lost a fifth of the real letters
to a one-pixel shift and named blobs as letters).

Measured on the letters (1,000 real images): 94 % recognisable (a class at ≥ 90 %), 39 of
40 classes; shifted by one pixel 93 %, thickened strokes 84 %; noise, blends of two letters
and smeared letters 0-9 %.
"""
from __future__ import annotations

import threading
from functools import lru_cache

import numpy as np

from gan_core.targets import Target

VERSION = 3  # part of the cache file's name: a changed judge is retrained, never mixed up
EPOCHS = 10
RECOGNISABLE = 0.9  # top class probability of a recognisable image
_lock = threading.Lock()


class Judge:
    """A trained classifier of one image set and its figures on the real images."""

    def __init__(self, model, classes, real_mean, real_cov, real_recognisable):
        import keras

        self.model = model
        self._features = keras.Model(model.input, model.get_layer("features").output)
        self.side = int(model.input.shape[1])
        self.classes = tuple(str(c) for c in classes)
        self.real_mean, self.real_cov, self.real_recognisable = real_mean, real_cov, float(real_recognisable)
        self._run_lock = threading.Lock()

    def _run(self, net, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, np.float32).reshape(-1, self.side, self.side, 1)
        with self._run_lock:
            return np.concatenate([net(x[i:i + 1000], training=False).numpy() for i in range(0, len(x), 1000)]
                                  or [np.zeros((0, 1), np.float32)]).astype(np.float64)

    def features(self, x: np.ndarray) -> np.ndarray:
        """The classifier's last hidden layer: the space of the Fréchet distance."""
        return self._run(self._features, x)

    def probabilities(self, x: np.ndarray) -> np.ndarray:
        """One column per class, and a last one for "none of them"."""
        return self._run(self.model, x)

    def recognise(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(recognisable, class) per image: a class named with ≥ 90 % confidence, not "none"."""
        probs = self.probabilities(x)
        top = probs.argmax(axis=1)
        return (probs.max(axis=1) >= RECOGNISABLE) & (top < len(self.classes)), top


def judge(target: Target) -> Judge:
    with _lock:
        return _judge(target)


@lru_cache(maxsize=4)
def _judge(target: Target) -> Judge:
    import keras

    from gan_core.data import cache_dir

    stem = cache_dir() / f"judge-{target.id}-v{VERSION}-{target.dim}"
    model_path, stats_path = stem.with_suffix(".keras"), stem.with_suffix(".npz")
    if model_path.exists() and stats_path.exists():
        with np.load(stats_path) as f:
            return Judge(keras.models.load_model(model_path), f["classes"], f["real_mean"], f["real_cov"],
                         f["real_recognisable"])
    made = train_judge(target)
    # written under temporary names, then renamed: a half-written file is never read
    tmp_model, tmp_stats = stem.with_suffix(".tmp.keras"), stem.with_suffix(".tmp.npz")
    made.model.save(tmp_model)
    np.savez(tmp_stats, classes=np.array(made.classes), real_mean=made.real_mean, real_cov=made.real_cov,
             real_recognisable=made.real_recognisable)
    tmp_model.replace(model_path)
    tmp_stats.replace(stats_path)
    return made


def build_model(side: int, n_classes: int, seed: int = 0):
    import keras

    he = lambda k: keras.initializers.HeUniform(seed=seed + k)  # noqa: E731
    inp = keras.Input((side, side, 1), name="image")
    x = keras.layers.RandomTranslation(2 / side, 2 / side, fill_mode="constant", fill_value=-1.0, seed=seed,
                                       name="shift")(inp)  # active in training only
    x = keras.layers.Conv2D(16, 3, padding="same", activation="relu", kernel_initializer=he(1), name="conv_0")(x)
    x = keras.layers.MaxPooling2D(name="pool_0")(x)
    x = keras.layers.Conv2D(32, 3, padding="same", activation="relu", kernel_initializer=he(2), name="conv_1")(x)
    x = keras.layers.MaxPooling2D(name="pool_1")(x)
    x = keras.layers.Flatten(name="flat")(x)
    x = keras.layers.Dense(128, activation="relu", kernel_initializer=he(3), name="features")(x)
    x = keras.layers.Dropout(0.3, seed=seed + 4, name="drop")(x)
    out = keras.layers.Dense(n_classes + 1, activation="softmax", name="classes",
                             kernel_initializer=keras.initializers.GlorotUniform(seed=seed + 5))(x)
    return keras.Model(inp, out, name="judge")


def train_judge(target: Target, epochs: int = EPOCHS) -> Judge:
    images, labels, classes = target.loader()
    side = target.side
    x = images.reshape(len(images), -1).astype(np.float32)
    rng = np.random.default_rng(0)
    negatives = not_images(x, rng, 3 * len(x) // len(classes)).astype(np.float32)
    inputs = np.concatenate([x, negatives]).reshape(-1, side, side, 1)
    answers = np.concatenate([labels, np.full(len(negatives), len(classes))])
    model = build_model(side, len(classes))
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    for _ in range(epochs):  # our own shuffle: the same judge on every run, whatever the global seeds
        order = rng.permutation(len(inputs))
        model.fit(inputs[order], answers[order], batch_size=128, epochs=1, shuffle=False, verbose=0)
    made = Judge(model, classes, None, None, 0.0)
    feats = made.features(x)
    made.real_mean, made.real_cov = feats.mean(axis=0), np.cov(feats, rowvar=False)
    made.real_recognisable = float(made.recognise(x)[0].mean())
    return made


def not_images(x: np.ndarray, rng: np.random.Generator, n: int) -> np.ndarray:
    """Pictures that are none of the classes, as an untrained or confused G draws them: noise,
    real pixels shuffled, two real images blended (a blurry average of shapes), and real
    images smeared. Trained as a class of their own, they keep the classifier from naming a
    blob as a letter with 90 % confidence."""
    side = int(round(np.sqrt(x.shape[1])))
    pick = lambda: x[rng.integers(0, len(x), n)]  # noqa: E731
    noise = rng.uniform(-1.0, 1.0, x[:n].shape)
    shuffled = rng.permuted(pick(), axis=1)
    blended = 0.5 * (pick() + pick())
    smeared = pick().reshape(n, side, side)
    for axis in (1, 2):
        smeared = sum(np.roll(smeared, k, axis=axis) for k in range(-2, 3)) / 5.0
    parts = [noise, shuffled, blended, smeared.reshape(n, -1)]
    return np.concatenate([p[: n // 4 + 1] for p in parts])[:n]


def frechet(mean_a, cov_a, mean_b, cov_b) -> float:
    from scipy import linalg

    eye = 1e-6 * np.eye(len(cov_a))  # dead ReLU features make the covariances singular
    cov_a, cov_b = cov_a + eye, cov_b + eye
    root = np.real(linalg.sqrtm(cov_a @ cov_b))
    return float(np.sum((mean_a - mean_b) ** 2) + np.trace(cov_a + cov_b - 2.0 * root))
