"""Train the digit reader that ships with nnlab: nnlab/digits/assets/digits_cnn.keras.

Run from the repository root (about 15-25 minutes on 2 CPU cores):

    python scripts/train_pretrained.py

The story, top to bottom:

1. Data: the MNIST files embedded in nnlab (60,000 training and 10,000 test digits), scaled to [0, 1].
2. Augmentation (:mod:`nnlab.digits.augment`): every epoch each training digit is redrawn with a random
   stroke thickness, rotation (+-15 degrees), slant, scale (0.85-1.15), aspect ratio and shift (+-2 px),
   so that the network reads digits as people draw them with a mouse, not only as NIST's writers did.
3. Model: :data:`nnlab.digits.reader.PRETRAINED_SPEC` built by :func:`nnlab.model.build.build_model`
   (about 190,000 parameters; 0.8 MB as a .keras file), trained with Adam and a cosine-decaying
   learning rate, batch 128.
4. Evaluation: accuracy on the 10,000 untouched test digits, measured once, after the last epoch
   (no choice is made on the test set).
5. Saving: the weights without optimizer state, plus a small JSON note with the figures.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from nnlab.datasets import load_mnist  # noqa: E402
from nnlab.digits.augment import distort  # noqa: E402
from nnlab.digits.reader import PRETRAINED_PATH, PRETRAINED_SPEC  # noqa: E402
from nnlab.model.build import build_model  # noqa: E402


def training_data(x, y, batch_size: int, seed: int):
    """Shuffled batches, each distorted afresh every epoch."""
    import tensorflow as tf

    data = tf.data.Dataset.from_tensor_slices((x, y)).shuffle(len(x), seed=seed, reshuffle_each_iteration=True)
    data = data.batch(batch_size, drop_remainder=True)
    data = data.map(lambda images, labels: (distort(images), labels), num_parallel_calls=tf.data.AUTOTUNE)
    return data.prefetch(tf.data.AUTOTUNE)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--epochs", type=int, default=15)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--limit", type=int, default=0, help="train on the first N digits only (a quick smoke run)")
    parser.add_argument("--out", type=Path, default=PRETRAINED_PATH)
    args = parser.parse_args(argv)

    import keras

    start = time.time()
    (x_train, y_train), (x_test, y_test) = load_mnist()
    if args.limit:
        x_train, y_train = x_train[: args.limit], y_train[: args.limit]
    x_train, x_test = x_train.astype("float32") / 255.0, x_test.astype("float32") / 255.0
    batch = PRETRAINED_SPEC.batch_size

    model = build_model(PRETRAINED_SPEC, seed=args.seed)
    steps = args.epochs * (len(x_train) // batch)
    schedule = keras.optimizers.schedules.CosineDecay(PRETRAINED_SPEC.learning_rate, steps, alpha=0.01)
    model.compile(optimizer=keras.optimizers.Adam(schedule), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    model.summary()
    model.fit(training_data(x_train, y_train, batch, args.seed), epochs=args.epochs, verbose=2)
    train_seconds = time.time() - start

    _, test_accuracy = model.evaluate(x_test, y_test, batch_size=1000, verbose=0)
    print(f"test accuracy: {test_accuracy:.4f}")

    # A fresh, uncompiled copy: the file holds the architecture and weights, no optimizer state.
    shipped = keras.Sequential([keras.Input((28, 28))] + [layer.__class__.from_config(layer.get_config())
                                                           for layer in model.layers], name="nnlab_digits_cnn")
    shipped.set_weights(model.get_weights())
    args.out.parent.mkdir(parents=True, exist_ok=True)
    shipped.save(args.out)
    info = {
        "test_accuracy": round(float(test_accuracy), 4),
        "epochs": args.epochs,
        "train_digits": len(x_train),
        "seed": args.seed,
        "params": int(model.count_params()),
        "train_minutes": round(train_seconds / 60, 1),
        "keras": keras.__version__,
        "command": "python scripts/train_pretrained.py" + (f" --epochs {args.epochs}" if args.epochs != 15 else ""),
    }
    args.out.with_suffix(".json").write_text(json.dumps(info, indent=2) + "\n")
    print(f"saved {args.out} ({args.out.stat().st_size / 1e6:.2f} MB) in {train_seconds / 60:.1f} min: {info}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
