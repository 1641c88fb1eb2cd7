"""Does the bundled model read digits drawn at any size and place as well as MNIST's own?

Every MNIST test digit is drawn again on a 280x280 canvas, its height random in
60-260 pixels and its place random, white on a transparent or black background
(alternately), and read through ``canvas_to_mnist`` and the bundled model.
Compared in the same run with

* the clean MNIST test accuracy (the target: within 1.5 points of it), and
* the naive preprocessing of many public demos: the whole canvas shrunk to 28x28.

A harder variant draws the same digits with strokes made 2-8 canvas pixels thicker
(a max filter), as a broad pen does.

    python bench/drawn_digits.py        # last line: drawn_accuracy: <accuracy in %>
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from nnlab.datasets import load_mnist  # noqa: E402
from nnlab.digits import pictures, preprocess, reader  # noqa: E402

BATCH = 500


def naive(rgba: np.ndarray) -> np.ndarray:
    """The canvas shrunk to 28x28 as it is, no cropping or centring."""
    from PIL import Image

    ink = preprocess.ink_from_rgba(rgba)
    return np.asarray(Image.fromarray(ink, mode="F").resize((28, 28), Image.BILINEAR)).clip(0, 1)


def thicken(rgba: np.ndarray, size: int) -> np.ndarray:
    """Strokes made ``size - 1`` pixels thicker: a ``size x size`` max filter (separable: rows, then columns)."""
    r = size // 2
    out = rgba
    for axis in (0, 1):
        padded = np.pad(out, [(r, r) if a == axis else (0, 0) for a in range(3)])
        n = out.shape[axis]
        out = np.max([np.take(padded, range(k, k + n), axis=axis) for k in range(size)], axis=0)
    return out


def accuracy(predict, images: np.ndarray, labels: np.ndarray) -> float:
    guesses = np.concatenate([predict(images[i:i + BATCH]).argmax(axis=1) for i in range(0, len(images), BATCH)])
    return float((guesses == labels).mean() * 100)


def main(limit: int | None = None) -> None:
    start = time.perf_counter()
    _, (x, y) = load_mnist()
    x = x[:limit].astype(np.float32) / 255.0
    y = y[:limit]
    predict = reader.predictor(reader.pretrained_model())
    rng = np.random.default_rng(0)
    ours, baseline, thick = [], [], []
    for i, image in enumerate(x):
        height = int(rng.integers(60, 261))
        top, left = (int(v) for v in rng.integers(0, 281 - height, 2))
        rgba = pictures.paint_canvas(image, height, top, left, transparent=i % 2 == 0)
        ours.append(preprocess.canvas_to_mnist(rgba))
        baseline.append(naive(rgba))
        thick.append(preprocess.canvas_to_mnist(thicken(rgba, int(rng.choice([3, 5, 7, 9])))))
    clean = accuracy(predict, x, y)
    naive_acc = accuracy(predict, np.stack(baseline), y)
    thick_acc = accuracy(predict, np.stack(thick), y)
    drawn = accuracy(predict, np.stack(ours), y)
    print(f"digits: {len(x)} MNIST test digits, redrawn at heights 60-260 px anywhere on a 280x280 canvas")
    print(f"clean MNIST test accuracy: {clean:.2f}%")
    print(f"baseline, whole canvas shrunk to 28x28: {naive_acc:.2f}%")
    print(f"thicker strokes (+2 to +8 px), canvas_to_mnist: {thick_acc:.2f}%")
    print(f"drawn, canvas_to_mnist: {drawn:.2f}% ({clean - drawn:+.2f} points below clean; target <= 1.5)")
    print(f"time: {time.perf_counter() - start:.0f} s")
    print(f"drawn_accuracy: {drawn:.2f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else None)
