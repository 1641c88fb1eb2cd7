"""Random distortions used to train the bundled digit reader (nnlab.digits.augment)."""

from __future__ import annotations

import numpy as np
import pytest

from nnlab.datasets import load_mnist
from nnlab.digits import augment
from nnlab.digits.preprocess import centre_of_mass


@pytest.fixture(scope="module")
def batch():
    (x, _), _ = load_mnist()
    return x[:64].astype(np.float32) / 255.0


def test_no_distortion_changes_nothing(batch):
    np.testing.assert_allclose(augment.distort(batch, augment.NO_DISTORTION).numpy(), batch, atol=1e-5)


def test_a_pure_shift_moves_the_centre_of_mass(batch):
    import tensorflow as tf

    n = len(batch)
    zeros = tf.zeros([n])
    matrices = augment.affine_matrices(zeros, zeros, tf.ones([n]), tf.ones([n]), tf.fill([n], 2.0), tf.fill([n], -1.0), 28)
    moved = augment.warp(augment.change_thickness(batch, tf.ones([n], tf.int32)), matrices).numpy()
    before = np.array([centre_of_mass(image) for image in batch])
    after = np.array([centre_of_mass(image) for image in moved])
    np.testing.assert_allclose(after - before, np.tile([-1.0, 2.0], (n, 1)), atol=0.15)  # (row, column)


def test_rotation_by_90_degrees_turns_the_image(batch):
    import tensorflow as tf

    n = len(batch)
    zeros, ones = tf.zeros([n]), tf.ones([n])
    turned = augment.warp(batch, augment.affine_matrices(tf.fill([n], np.pi / 2), zeros, ones, ones, zeros, zeros, 28))
    # with rows pointing down, +90 degrees takes the pixel at (row, col) to (col, 27 - row)
    np.testing.assert_allclose(turned.numpy(), np.rot90(batch, k=-1, axes=(1, 2)), atol=1e-4)


@pytest.mark.parametrize("choice, more_ink", [(0, False), (2, True), (3, True)])
def test_thickness_changes_the_amount_of_ink(batch, choice, more_ink):
    import tensorflow as tf

    out = augment.change_thickness(batch, tf.fill([len(batch)], choice)).numpy()
    assert ((out.sum(axis=(1, 2)) > batch.sum(axis=(1, 2))) == more_ink).all()


def test_random_distortions_stay_in_range_and_keep_the_digit(batch):
    out = augment.distort(batch).numpy()
    assert out.shape == batch.shape and out.min() >= 0.0 and out.max() <= 1.0
    assert not np.allclose(out, batch)
    correlations = [np.corrcoef(a.ravel(), b.ravel())[0, 1] for a, b in zip(out, batch, strict=True)]
    assert np.median(correlations) > 0.3  # distorted, still the same digit roughly in place
