"""Random distortions of MNIST-style images, so that a network learns digits as people draw them.

Each image of a batch gets its own random

* **stroke thickness**: grey-level erosion ``min`` or dilation ``max`` over a ``k x k``
  neighbourhood (a max-pool with stride 1): dilation by 2x2 or 3x3 makes the strokes
  about 1 or 2 pixels thicker, erosion by 2x2 about 1 pixel thinner;
* **affine warp** about the image centre ``c``: a point ``p`` of the digit moves to
  ``c + R(theta) Sh(k) S(sx, sy) (p - c) + t``, a rotation by ``theta``, a horizontal shear
  ``k`` (the slant of handwriting), a scaling and a shift ``t`` in pixels. Each output pixel
  reads the input bilinearly at the inverse image of its position; outside is background 0.

Everything is vectorised TensorFlow (no Python loop over images), for use inside
``tf.data.Dataset.map`` on whole batches. TensorFlow is imported inside the functions.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Distortion:
    """Ranges of the random distortions; each value is drawn uniformly in ``[-x, x]`` or ``[lo, hi]``."""

    max_rotation_deg: float = 15.0
    scale: tuple[float, float] = (0.85, 1.15)
    max_aspect: float = 0.1  # sx / sy = 1 + u, |u| <= max_aspect
    max_shear: float = 0.2
    max_shift_px: float = 2.0
    # probabilities of: erode 2x2, unchanged, dilate 2x2, dilate 3x3
    thickness_probs: tuple[float, float, float, float] = (0.1, 0.5, 0.25, 0.15)


NO_DISTORTION = Distortion(0.0, (1.0, 1.0), 0.0, 0.0, 0.0, (0.0, 1.0, 0.0, 0.0))


def change_thickness(images, choice):
    """Per image, ``choice`` 0: erode 2x2, 1: unchanged, 2: dilate 2x2, 3: dilate 3x3.

    ``images`` is ``(B, H, W)`` float32 with ink > 0 on background 0; ``choice`` ``(B,)`` int.
    """
    import tensorflow as tf

    x = images[..., tf.newaxis]
    options = tf.stack([
        -tf.nn.max_pool2d(-x, 2, 1, "SAME"),
        x,
        tf.nn.max_pool2d(x, 2, 1, "SAME"),
        tf.nn.max_pool2d(x, 3, 1, "SAME"),
    ], axis=1)[..., 0]  # (B, 4, H, W)
    pick = tf.one_hot(choice, 4, dtype=images.dtype)[:, :, tf.newaxis, tf.newaxis]
    return tf.reduce_sum(options * pick, axis=1)


def affine_matrices(theta, shear, sx, sy, tx, ty, size: int):
    """The ``(B, 8)`` inverse maps (output pixel -> input pixel) that ``ImageProjectiveTransformV3`` wants.

    Forward map ``p -> c + M (p - c) + t`` with ``M = R(theta) Sh(shear) S(sx, sy)``;
    its inverse ``q -> c + M^-1 (q - c - t)``, written as ``[a0 a1 a2 b0 b1 b2 0 0]``
    with ``x_in = a0 x + a1 y + a2`` and ``y_in = b0 x + b1 y + b2`` (x column, y row).
    """
    import tensorflow as tf

    cos, sin = tf.cos(theta), tf.sin(theta)
    # M = [[cos, -sin], [sin, cos]] @ [[1, shear], [0, 1]] @ [[sx, 0], [0, sy]]
    m00, m01 = cos * sx, (cos * shear - sin) * sy
    m10, m11 = sin * sx, (sin * shear + cos) * sy
    det = m00 * m11 - m01 * m10
    i00, i01, i10, i11 = m11 / det, -m01 / det, -m10 / det, m00 / det
    c = (size - 1) / 2.0
    qx, qy = c + tx, c + ty  # where the centre goes
    a2 = c - (i00 * qx + i01 * qy)
    b2 = c - (i10 * qx + i11 * qy)
    zeros = tf.zeros_like(theta)
    return tf.stack([i00, i01, a2, i10, i11, b2, zeros, zeros], axis=1)


def warp(images, matrices):
    """Apply ``(B, 8)`` projective matrices to ``(B, H, W)`` images, bilinear, zero outside."""
    import tensorflow as tf

    size = tf.shape(images)[1:3]
    out = tf.raw_ops.ImageProjectiveTransformV3(
        images=images[..., tf.newaxis], transforms=matrices, output_shape=size,
        fill_value=0.0, interpolation="BILINEAR", fill_mode="CONSTANT")
    return out[..., 0]


def distort(images, distortion: Distortion = Distortion()):
    """A randomly distorted copy of a ``(B, 28, 28)`` float32 batch in [0, 1] (see the module docstring).

    Uses TensorFlow's global random ops, so ``keras.utils.set_random_seed`` makes it repeatable.
    """
    import tensorflow as tf

    d = distortion
    images = tf.convert_to_tensor(images, tf.float32)
    batch = tf.shape(images)[0]

    def uniform(lo, hi):
        return tf.random.uniform([batch], lo, hi)

    logits = tf.math.log(tf.constant([max(p, 1e-9) for p in d.thickness_probs], tf.float32))
    choice = tf.random.categorical(tf.tile(logits[tf.newaxis], [batch, 1]), 1)[:, 0]
    thick = change_thickness(images, tf.cast(choice, tf.int32))
    rad = math.radians(d.max_rotation_deg)
    scale = uniform(*d.scale)
    aspect = 1.0 + uniform(-d.max_aspect, d.max_aspect)
    matrices = affine_matrices(uniform(-rad, rad), uniform(-d.max_shear, d.max_shear),
                               scale * tf.sqrt(aspect), scale / tf.sqrt(aspect),
                               uniform(-d.max_shift_px, d.max_shift_px), uniform(-d.max_shift_px, d.max_shift_px),
                               int(images.shape[1]))
    return tf.clip_by_value(warp(thick, matrices), 0.0, 1.0)
