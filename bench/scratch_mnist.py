"""The from-scratch MNIST network (tf.Variable layers, hand SGD) against Keras Dense, 10 epochs each.

Same data (all 60,000 embedded training images, in order), same settings (784-512-10,
SGD learning rate 1e-3, batch 128, 10 epochs). Baseline measured in the same run:
Keras ``model.fit`` on the same model and settings. Prints test accuracy and wall time.
Run: python bench/scratch_mnist.py [epochs]
"""

import sys
import time

from nnlab.hood import naive_tf
from nnlab.training.live import EpochRun


def timed_run(name, model, step, data, epochs):
    x, y, x_test, y_test = data
    run = EpochRun(name, step, x, y, naive_tf.BATCH_SIZE, epochs, naive_tf.evaluator(model, x_test, y_test))
    began = time.perf_counter()
    while not run.ended:
        run.advance(5.0)
        print(f"  {name}: epoch {run.epoch}/{epochs}, {run.samples_per_s:,.0f} samples/s", flush=True)
    wall = time.perf_counter() - began
    curve = [round(a, 4) for a in run.history.series("test_accuracy")]
    return run.history.last.test_accuracy, wall, run.samples_per_s, curve


def main(epochs: int = naive_tf.EPOCHS) -> None:
    data = naive_tf.mnist_vectors()
    results = {}
    model = naive_tf.naive_mlp([784, naive_tf.HIDDEN, 10])
    step = naive_tf.naive_train_step(model)
    results["from scratch (tf.Variable, hand SGD)"] = timed_run("scratch", model, step, data, epochs)
    model = naive_tf.keras_dense_model()
    results["Keras Dense, same step loop"] = timed_run("keras", model, naive_tf.keras_train_step(model), data, epochs)

    baseline = naive_tf.keras_dense_model()
    x, y, x_test, y_test = data
    began = time.perf_counter()
    fit = baseline.fit(x, y, batch_size=naive_tf.BATCH_SIZE, epochs=epochs, shuffle=False, verbose=0,
                       validation_data=(x_test, y_test))
    wall = time.perf_counter() - began
    accuracies = [round(a, 4) for a in fit.history["val_accuracy"]]
    results["baseline: Keras model.fit"] = (accuracies[-1], wall, epochs * len(x) / wall, accuracies)

    print(f"\nMNIST 784-512-10, SGD lr {naive_tf.LEARNING_RATE}, batch {naive_tf.BATCH_SIZE}, {epochs} epochs")
    print(f"{'model':40s} {'test acc':>9s} {'wall s':>8s} {'samples/s':>10s}  per-epoch test accuracy")
    for name, (acc, wall, speed, curve) in results.items():
        print(f"{name:40s} {acc:9.4f} {wall:8.1f} {speed:10,.0f}  {curve}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else naive_tf.EPOCHS)
