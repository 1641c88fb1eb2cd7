"""Evaluation of digit classifiers: confusion matrix, accuracy per digit, mistakes, first-layer weights."""

import numpy as np
import pytest

from nnlab.mnist.evaluation import (
    confusion_matrix,
    evaluate,
    first_dense_weights,
    misclassified,
    per_class_accuracy,
    probabilities,
)
from nnlab.model.build import build_model
from nnlab.model.presets import PRESETS


def test_confusion_matrix_counts_every_pair():
    rng = np.random.default_rng(1)
    labels, predictions = rng.integers(0, 10, 500), rng.integers(0, 10, 500)
    expected = np.zeros((10, 10), dtype=int)
    for t, p in zip(labels, predictions, strict=True):
        expected[t, p] += 1
    confusion = confusion_matrix(labels, predictions)
    np.testing.assert_array_equal(confusion, expected)
    accuracy = per_class_accuracy(confusion)
    for digit in range(10):
        mask = labels == digit
        assert accuracy[digit] == pytest.approx((predictions[mask] == digit).mean())


def test_a_digit_without_images_has_no_accuracy():
    accuracy = per_class_accuracy(confusion_matrix(np.array([0, 1, 1]), np.array([0, 1, 2])))
    assert accuracy[0] == 1.0 and accuracy[1] == 0.5 and np.isnan(accuracy[5])


def test_misclassified_puts_the_most_confident_mistakes_first():
    probs = np.array([[0.9, 0.1], [0.2, 0.8], [0.4, 0.6], [0.05, 0.95]], dtype=np.float32)
    labels = np.array([0, 0, 0, 1])
    np.testing.assert_array_equal(misclassified(labels, probs), [1, 2])
    np.testing.assert_array_equal(misclassified(labels, probs, limit=1), [1])


@pytest.fixture(scope="module")
def dense_model():
    return build_model(PRESETS["Basic 784-128-10"], seed=3)


def test_evaluate_agrees_with_a_direct_computation(dense_model):
    import keras

    rng = np.random.default_rng(0)
    images = rng.random((2_500, 28, 28), dtype=np.float32)  # more than one slice of 2,048
    labels = rng.integers(0, 10, 2_500)
    result = evaluate(dense_model, images, labels)
    direct = np.asarray(dense_model(images, training=False))
    np.testing.assert_allclose(result.probabilities, direct, rtol=1e-5, atol=1e-6)
    assert result.accuracy == pytest.approx((direct.argmax(axis=1) == labels).mean())
    keras_loss = keras.losses.SparseCategoricalCrossentropy()(labels, direct)
    assert result.loss == pytest.approx(float(keras_loss), rel=1e-4)
    assert result.errors == int((direct.argmax(axis=1) != labels).sum())
    assert result.confusion.sum() == 2_500 and probabilities(dense_model, images[:0]).shape == (0, 10)


def test_first_layer_weights_are_images_for_a_dense_network_only(dense_model):
    weights = first_dense_weights(dense_model)
    assert weights.shape == (128, 28, 28)
    kernel = next(layer for layer in dense_model.layers if layer.weights).kernel.numpy()  # Dense(128)
    np.testing.assert_array_equal(weights[5].reshape(-1), kernel[:, 5])
    np.testing.assert_array_equal(first_dense_weights(dense_model, weights), np.zeros_like(weights))
    assert first_dense_weights(build_model(PRESETS["Small CNN"], seed=0)) is None
