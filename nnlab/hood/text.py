"""Movie-review sentiment: the TensorFlow "text classification" tutorial on IMDB.

A review is a list of word indices in the ``keras.datasets.imdb`` format: 1 marks
the start, 2 an unknown (out-of-vocabulary) word, 0 is padding, and a word whose
rank in the IMDB word index is ``r`` (1 = most frequent) is ``r + 3``. Only the
``NUM_WORDS`` most frequent words are kept. Reviews are padded (or cut) to
``MAXLEN`` words. The model::

    Embedding(10000, 16)      each word -> a learnt vector of 16 numbers
    GlobalAveragePooling1D    the review -> the mean of its word vectors
    Dense(16, relu)
    Dense(1, sigmoid)         P(positive)

trained with Adam on binary cross-entropy; the first 10,000 training reviews are
held out for validation.

IMDB is downloaded by Keras on first use (about 17 MB) and cached in
``~/.keras/datasets``. Without it, :func:`load_imdb` raises :class:`ImdbMissingError`
saying what is missing and how to get it. :func:`generated_reviews` makes a
small dataset in the same format, with made-up reviews whose sentiment words
decide the label, for tests and for offline use.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

NUM_WORDS = 10_000
MAXLEN = 256
EMBEDDING_DIM = 16
VALIDATION = 10_000
PAD, START, OOV, INDEX_FROM = 0, 1, 2, 3
IMDB_FILES = ("imdb.npz", "imdb_word_index.json")
IMDB_URL = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
MAX_REVIEW_CHARS = 5000


class ImdbMissingError(FileNotFoundError):
    """IMDB is not on this machine (or could not be read); the message says how to get it."""


@dataclass
class TextData:
    """Padded reviews (int32, ``(n, maxlen)``), labels (0 negative, 1 positive) and the word index used."""

    source: str
    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    word_index: dict[str, int]
    num_words: int = NUM_WORDS


def keras_datasets_dir() -> Path:
    """Where Keras caches datasets: ``$KERAS_HOME/datasets``, else ``~/.keras/datasets`` (``/tmp`` if home is read-only)."""
    if "KERAS_HOME" in os.environ:
        base = Path(os.environ["KERAS_HOME"])
    else:
        home = Path.home()
        base = (home if os.access(home, os.W_OK) else Path("/tmp")) / ".keras"
    return base / "datasets"


def imdb_missing() -> list[str]:
    """The IMDB files not in the Keras cache (empty when both are there)."""
    folder = keras_datasets_dir()
    return [name for name in IMDB_FILES if not (folder / name).is_file()]


def missing_message(missing: list[str] | None = None) -> str:
    """What is missing and the ways to get it, in plain words."""
    missing = imdb_missing() if missing is None else missing
    folder = keras_datasets_dir()
    return (
        f"The IMDB movie reviews are not on this machine: {', '.join(missing)} not found in {folder}. "
        "On a computer with internet, press Download (Keras fetches about 17 MB once and caches it), or run "
        "`python -c \"import keras; keras.datasets.imdb.load_data(); keras.datasets.imdb.get_word_index()\"`. "
        f"Offline, copy {' and '.join(IMDB_FILES)} (from {IMDB_URL}) into {folder}."
    )


def pad(sequences, maxlen: int = MAXLEN) -> np.ndarray:
    """``(n, maxlen)`` int32: each sequence's first ``maxlen`` words, then zeros (padding after, as the tutorial)."""
    out = np.full((len(sequences), maxlen), PAD, dtype=np.int32)
    for row, sequence in enumerate(sequences):
        kept = list(sequence)[:maxlen]
        out[row, : len(kept)] = kept
    return out


def _split(x_train, y_train, x_test, y_test, word_index, source, n_val) -> TextData:
    return TextData(source=source, x_train=pad(x_train[n_val:]), y_train=np.asarray(y_train[n_val:], np.float32),
                    x_val=pad(x_train[:n_val]), y_val=np.asarray(y_train[:n_val], np.float32),
                    x_test=pad(x_test), y_test=np.asarray(y_test, np.float32), word_index=word_index)


def load_imdb(download: bool = False) -> TextData:
    """IMDB through ``keras.datasets.imdb`` (top ``NUM_WORDS`` words), padded, with a validation split.

    Without ``download`` only the cached files are used; a missing file raises
    :class:`ImdbMissingError` at once instead of trying the network.
    """
    missing = imdb_missing()
    if missing and not download:
        raise ImdbMissingError(missing_message(missing))
    try:
        import keras

        (x_train, y_train), (x_test, y_test) = keras.datasets.imdb.load_data(num_words=NUM_WORDS)
        word_index = keras.datasets.imdb.get_word_index()
    except Exception as error:  # no network, a damaged file, a full disk: all end in the same advice
        raise ImdbMissingError(f"Could not get IMDB ({type(error).__name__}: {error}). {missing_message()}") from None
    return _split(x_train, y_train, x_test, y_test, word_index, "IMDB", VALIDATION)


POSITIVE_WORDS = ("great", "excellent", "wonderful", "loved", "best", "brilliant", "beautiful", "superb", "enjoyed",
                  "fun", "moving", "perfect", "masterpiece", "funny", "amazing")
NEGATIVE_WORDS = ("bad", "awful", "boring", "worst", "terrible", "waste", "poor", "dull", "stupid", "horrible",
                  "mess", "predictable", "disappointing", "weak", "annoying")
NEUTRAL_WORDS = ("the", "a", "and", "of", "to", "is", "in", "it", "this", "that", "was", "as", "with", "for", "but",
                 "movie", "film", "one", "story", "plot", "actors", "scene", "character", "director", "time",
                 "watch", "people", "ending", "music", "really", "just", "there", "about", "some", "from")


def generated_word_index() -> dict[str, int]:
    """Word -> rank (1 = most frequent), as ``keras.datasets.imdb.get_word_index()``: neutral words first."""
    words = NEUTRAL_WORDS + tuple(w for pair in zip(POSITIVE_WORDS, NEGATIVE_WORDS, strict=True) for w in pair)
    return {word: rank for rank, word in enumerate(words, start=1)}


def generated_reviews(n_train: int = 3000, n_test: int = 1000, n_val: int = 1000, seed: int = 0) -> TextData:
    """Made-up reviews in the IMDB format: mostly neutral words, sentiment words that mostly agree with the label.

    Each word is neutral with probability 0.8, else a sentiment word agreeing with
    the label with probability 0.8 (so a few reviews mislead, as real ones do).
    Lengths vary from 10 to 400 words, so padding and cutting both happen.
    """
    rng = np.random.default_rng(seed)
    index = generated_word_index()
    neutral = np.array([index[w] + INDEX_FROM for w in NEUTRAL_WORDS])
    positive = np.array([index[w] + INDEX_FROM for w in POSITIVE_WORDS])
    negative = np.array([index[w] + INDEX_FROM for w in NEGATIVE_WORDS])

    def review(label: int) -> list[int]:
        length = int(rng.integers(10, 400))
        words = rng.choice(neutral, length)
        sentiment = rng.random(length) >= 0.8
        agree = rng.random(length) < 0.8
        own, other = (positive, negative) if label == 1 else (negative, positive)
        words[sentiment & agree] = rng.choice(own, int(np.sum(sentiment & agree)))
        words[sentiment & ~agree] = rng.choice(other, int(np.sum(sentiment & ~agree)))
        return [START] + words.tolist()

    labels = rng.integers(0, 2, n_train + n_test)
    sequences = [review(int(label)) for label in labels]
    return _split(sequences[:n_train], labels[:n_train], sequences[n_train:], labels[n_train:], index,
                  "generated", n_val)


def tokenize(text: str) -> list[str]:
    """Lower-case words (letters, digits and apostrophes); HTML line breaks dropped. Plain string work, never eval."""
    text = re.sub(r"<br\s*/?>", " ", str(text)[:MAX_REVIEW_CHARS].lower())
    return re.findall(r"[a-z0-9]+(?:'[a-z]+)?", text)


def encode_review(text: str, word_index: dict[str, int], num_words: int = NUM_WORDS) -> list[int]:
    """Typed text -> word indices in the IMDB format: ``[1, rank + 3, ...]``, 2 for unknown or rare words."""
    encoded = [START]
    for word in tokenize(text):
        rank = word_index.get(word)
        index = rank + INDEX_FROM if rank is not None else OOV
        encoded.append(index if index < num_words else OOV)
    return encoded


def decode_review(sequence, word_index: dict[str, int]) -> str:
    """Word indices -> text; ``[START]``, ``[?]`` (unknown) and padding shown as such (padding dropped)."""
    words = {rank + INDEX_FROM: word for word, rank in word_index.items()}
    words.update({START: "[START]", OOV: "[?]"})
    return " ".join(words.get(int(i), "[?]") for i in sequence if int(i) != PAD)


def binary_accuracy(labels, probabilities):
    """Share of reviews where ``P(positive) > 0.5`` matches the label."""
    import tensorflow as tf

    predicted = tf.cast(tf.reshape(probabilities, [-1]) > 0.5, tf.float32)
    return tf.reduce_mean(tf.cast(tf.equal(predicted, tf.cast(tf.reshape(labels, [-1]), tf.float32)), tf.float32))


def binary_cross_entropy(labels, probabilities):
    """Mean of ``-(y log p + (1 - y) log(1 - p))``, ``p`` clipped to [1e-7, 1 - 1e-7]."""
    import tensorflow as tf

    p = tf.clip_by_value(tf.reshape(tf.cast(probabilities, tf.float32), [-1]), 1e-7, 1 - 1e-7)
    y = tf.cast(tf.reshape(labels, [-1]), tf.float32)
    return -tf.reduce_mean(y * tf.math.log(p) + (1 - y) * tf.math.log(1 - p))


def build_text_model(num_words: int = NUM_WORDS, dim: int = EMBEDDING_DIM, seed: int = 0):
    """The tutorial's model, compiled with Adam and binary cross-entropy."""
    import keras

    init = keras.initializers  # Keras' default initialisers, seeded here (no process-wide seed)
    model = keras.Sequential([
        keras.Input(shape=(None,), dtype="int32"),
        # padding (0) is masked: left out of the average, so a short typed review is not drowned in zeros
        keras.layers.Embedding(num_words, dim, mask_zero=True,
                               embeddings_initializer=init.RandomUniform(-0.05, 0.05, seed=seed)),
        keras.layers.GlobalAveragePooling1D(),
        keras.layers.Dense(16, activation="relu", kernel_initializer=init.GlorotUniform(seed=seed + 1)),
        keras.layers.Dense(1, activation="sigmoid", kernel_initializer=init.GlorotUniform(seed=seed + 2)),
    ])
    model.compile(optimizer=keras.optimizers.Adam(), loss=keras.losses.BinaryCrossentropy(), metrics=["accuracy"])
    return model


def text_run(model, data: TextData, epochs: int = 20, batch_size: int = 512):
    """An :class:`~nnlab.training.live.EpochRun` training ``model`` on ``data``; its held-out figures after
    each epoch (``test_loss``, ``test_accuracy`` of the history) are on the validation set."""
    from nnlab.hood.naive_tf import evaluator, keras_train_step
    from nnlab.training.live import EpochRun

    labels = data.y_train.reshape(-1, 1)
    evaluate = evaluator(model, data.x_val, data.y_val, loss=binary_cross_entropy, metric=binary_accuracy)
    return EpochRun(f"sentiment ({data.source})", keras_train_step(model, binary_accuracy), data.x_train, labels,
                    batch_size, epochs, evaluate, model=model)


def sentiment(model, text: str, word_index: dict[str, int], num_words: int = NUM_WORDS) -> tuple[float, list[int]]:
    """``P(positive)`` for a typed review, and the indices the model saw."""
    encoded = encode_review(text, word_index, num_words)[:MAXLEN]
    probability = model(pad([encoded]), training=False)
    return float(np.asarray(probability).reshape(-1)[0]), encoded


# ---- what the model learnt: the word vectors on a plane, and how much each word pushes ----------------

MAP_WORDS = 1000  # the most frequent words drawn on the map
LABELLED = 8  # words labelled at each end


def log_odds(probabilities) -> np.ndarray:
    """``log(p / (1 - p))``, the sigmoid's input, with ``p`` clipped to [1e-7, 1 - 1e-7]: 0 is undecided,
    each +1 multiplies the odds of "positive" by e."""
    p = np.clip(np.asarray(probabilities, dtype=np.float64).reshape(-1), 1e-7, 1 - 1e-7)
    return np.log(p / (1 - p))


def word_vectors(model) -> np.ndarray:
    """The embedding table, ``(num_words, 16)``: row ``i`` is the learnt vector of word index ``i``."""
    return np.asarray(model.layers[0].get_weights()[0])


def pca_2d(vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The rows of ``vectors`` projected on their two principal directions, and the share of the variance each
    direction holds.

    With the rows centred, ``X = U S V^T`` (SVD): the directions are the first two rows of ``V^T``, the
    coordinates ``X V[:, :2] = U[:, :2] S[:2]``, the shares ``S_k^2 / sum S^2``. Each direction's sign is
    chosen so that its largest coordinate is positive (SVD's sign is arbitrary).
    """
    centred = np.asarray(vectors, dtype=np.float64) - np.mean(vectors, axis=0)
    u, s, _ = np.linalg.svd(centred, full_matrices=False)
    coords = u[:, :2] * s[:2]
    flip = np.sign(coords[np.argmax(np.abs(coords), axis=0), [0, 1]])
    total = float(np.sum(s ** 2))
    return coords * np.where(flip == 0, 1, flip), (s[:2] ** 2) / total if total else np.zeros(2)


@dataclass(frozen=True)
class WordMap:
    """The most frequent words on the PCA plane of their vectors, each with its own push (the log-odds the
    model gives a review made of that word alone); the ``LABELLED`` most positive and most negative words."""

    words: tuple[str, ...]
    coords: np.ndarray  # (n, 2)
    scores: np.ndarray  # (n,) log-odds
    explained: np.ndarray  # (2,) shares of the variance
    positive: tuple[str, ...]
    negative: tuple[str, ...]


def word_map(model, word_index: dict[str, int], num_words: int = NUM_WORDS, max_words: int = MAP_WORDS,
             labelled: int = LABELLED) -> WordMap:
    """The map of the ``max_words`` most frequent words the model knows (one batched call of the model)."""
    known = sorted((rank, word) for word, rank in word_index.items() if rank + INDEX_FROM < num_words)[:max_words]
    words = tuple(word for _, word in known)
    indices = np.array([rank + INDEX_FROM for rank, _ in known], dtype=np.int32)
    coords, explained = pca_2d(word_vectors(model)[indices])
    scores = log_odds(model(indices.reshape(-1, 1), training=False))
    order = np.argsort(scores)
    k = min(labelled, len(words) // 2)
    return WordMap(words, coords, scores, explained, positive=tuple(words[i] for i in order[::-1][:k]),
                   negative=tuple(words[i] for i in order[:k]))


@dataclass(frozen=True)
class WordPush:
    word: str  # as typed (lower case)
    known: bool  # False: the model reads it as [?]
    push: float  # log-odds of the review minus log-odds without this word


def word_pushes(model, text: str, word_index: dict[str, int],
                num_words: int = NUM_WORDS) -> tuple[float, list[WordPush]]:
    """``P(positive)`` of a typed review and how much each of its words pushes it: the change in log-odds when
    that word is left out (positive: towards "positive"). All the reviews-without-one-word go through the model
    in one batch."""
    words = tokenize(text)[: MAXLEN - 1]
    encoded = encode_review(" ".join(words), word_index, num_words)
    if not words:
        return 0.5, []
    variants = [encoded] + [encoded[: i + 1] + encoded[i + 2:] for i in range(len(words))]
    z = log_odds(model(pad(variants, maxlen=len(encoded)), training=False))
    probability = float(1 / (1 + np.exp(-z[0])))
    return probability, [WordPush(word, index != OOV, float(z[0] - z[i + 1]))
                         for i, (word, index) in enumerate(zip(words, encoded[1:], strict=True))]
