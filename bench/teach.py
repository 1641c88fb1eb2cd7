"""How fast and how well the Teach page learns: your own shapes (transfer learning) and your handwriting (fine-tuning).

1. Shapes: 10 drawings of each of 3 shapes (strokes rendered as the canvas renders them, through the MNIST
   recipe), the page's :class:`~nnlab.teach.transfer.TeachRun` (frozen conv layers of the bundled CNN, a new
   dense head, 15 distorted copies per drawing, 40 epochs), then 90 other drawings read. Baseline in the same
   run: the same head trained on the raw pixels, without the frozen layers (how much the reused features buy).
2. Handwriting: 20 "odd" digits the bundled model misreads (MNIST validation digits turned 40 degrees, slanted,
   thick), the page's :class:`~nnlab.teach.finetune.TuneRun` (3 epochs on them and their copies mixed with 2,000
   MNIST digits), then MNIST test accuracy before and after, and 20+ other odd digits.

    python bench/teach.py
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from nnlab.digits.reader import pretrained_model  # noqa: E402
from nnlab.teach.shapes import shape_examples  # noqa: E402

SHAPES = ("circle", "triangle", "star")


def train_to_end(run) -> float:
    started = time.perf_counter()
    while not run.ended:
        run.advance(0.5)
    return time.perf_counter() - started


def shapes() -> None:
    import keras

    from nnlab.teach.transfer import TeachRun

    x, y = shape_examples(SHAPES, 10, seed=1)
    x_new, y_new = shape_examples(SHAPES, 30, seed=2)
    pretrained_model()
    started = time.perf_counter()
    run = TeachRun(SHAPES, x, y)
    built = time.perf_counter() - started
    trained = train_to_end(run)
    print(f"shapes: build {built:.2f} s (copies, features, trace), train {trained:.2f} s "
          f"({run.trainer.epoch} epochs over {run.n_copies} images), held-out accuracy "
          f"{run.accuracy(x_new, y_new):.1%} on {len(x_new)} new drawings")
    # baseline: the same head on raw pixels (784 numbers instead of the 1,024 features)
    flat = keras.Sequential([keras.Input((28, 28)), keras.layers.Flatten()], name="pixels")
    started = time.perf_counter()
    pixels = TeachRun(SHAPES, x, y, features=flat)
    train_to_end(pixels)
    print(f"baseline, same head on raw pixels: {time.perf_counter() - started:.2f} s in all, held-out accuracy "
          f"{pixels.accuracy(x_new, y_new):.1%}")


def handwriting() -> None:
    from nnlab.teach.finetune import TuneRun, accuracy
    from tests.test_teach_training import odd_digits

    x, y, x_other, y_other = odd_digits(20)
    started = time.perf_counter()
    run = TuneRun(x, y)
    built = time.perf_counter() - started
    trained = train_to_end(run)
    report = run.report()
    print(f"handwriting: build {built:.2f} s, train {trained:.2f} s ({run.trainer.epoch} epochs over "
          f"{run.n_train} images); own drawings {report.own_before:.0%} -> {report.own_after:.0%}; other odd "
          f"digits {accuracy(pretrained_model(), x_other, y_other):.0%} -> {accuracy(run.model, x_other, y_other):.0%}"
          f" ({len(x_other)}); MNIST test {report.mnist_before:.2%} -> {report.mnist_after:.2%}")


if __name__ == "__main__":
    shapes()
    handwriting()
    print(f"load average: {os.getloadavg()[0]:.2f}")
