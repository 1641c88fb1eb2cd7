"""Ready-made networks from the books and sites our users learn from.

* "Basic 784-128-10": the TensorFlow beginner quickstart.
* "Hands-On DNN 784-300-100-10": Geron, *Hands-On Machine Learning*, ch. 10
  (ReLU, SGD with learning rate 0.01, batch 50; the book reports 97.98 %).
* "NaiveDense 784-512-10": Chollet, *Deep Learning with Python*, ch. 2, the
  network built from scratch with ``tf.Variable`` s (SGD, learning rate 1e-3, batch 128).
* "Small CNN": two VGG-style blocks (two 3x3 convolutions, then 2x2 max pooling; 32 then
  64 filters), dropout 0.5, softmax; 75,242 parameters. Adam 0.001, batch 64: 99.30 %,
  99.21 % and 99.20 % on MNIST test after 3 epochs (seeds 0, 1, 2; ``bench/mnist_accuracy.py``).
* "keras.io simple convnet": the keras.io "simple MNIST convnet" (one 3x3 convolution per
  block, dropout 0.5, softmax; 34,826 parameters): 98.5-98.95 % after 3 epochs, 99.1 %
  after keras.io's 15.
* "XOR 2-2-1 tanh": the smallest network that solves XOR.
* "Playground default 2-4-2-1 tanh": TensorFlow Playground's opening network
  (squared error, learning rate 0.03, batch 10).
"""

from __future__ import annotations

from nnlab.model.spec import InputSpec, LayerSpec, ModelSpec

IMAGE = InputSpec(kind="image")
POINTS = InputSpec(kind="points", features=("x1", "x2"))


def _dense(units: int, activation: str = "relu") -> LayerSpec:
    return LayerSpec(kind="dense", units=units, activation=activation)


def _conv(filters: int) -> LayerSpec:
    return LayerSpec(kind="conv2d", filters=filters, kernel_size=3, activation="relu")


FLATTEN = LayerSpec(kind="flatten")
POOL = LayerSpec(kind="maxpool2d", pool_size=2)
DROPOUT = LayerSpec(kind="dropout", rate=0.5)

PRESETS: dict[str, ModelSpec] = {
    spec.name: spec
    for spec in (
        ModelSpec(IMAGE, (FLATTEN, _dense(128)), optimizer="adam", learning_rate=0.001, batch_size=32,
                  name="Basic 784-128-10"),
        ModelSpec(IMAGE, (FLATTEN, _dense(300), _dense(100)), optimizer="sgd", learning_rate=0.01,
                  batch_size=50, name="Hands-On DNN 784-300-100-10"),
        ModelSpec(IMAGE, (FLATTEN, _dense(512)), optimizer="sgd", learning_rate=0.001, batch_size=128,
                  name="NaiveDense 784-512-10"),
        ModelSpec(IMAGE, (_conv(32), _conv(32), POOL, _conv(64), _conv(64), POOL, FLATTEN, DROPOUT),
                  optimizer="adam", learning_rate=0.001, batch_size=64, name="Small CNN"),
        ModelSpec(IMAGE, (_conv(32), POOL, _conv(64), POOL, FLATTEN, DROPOUT),
                  optimizer="adam", learning_rate=0.001, batch_size=128, name="keras.io simple convnet"),
        ModelSpec(POINTS, (_dense(2, "tanh"),), n_classes=2, optimizer="adam", learning_rate=0.05,
                  batch_size=4, name="XOR 2-2-1 tanh"),
        ModelSpec(POINTS, (_dense(4, "tanh"), _dense(2, "tanh")), n_classes=2, loss="squared_error",
                  optimizer="sgd", learning_rate=0.03, batch_size=10, name="Playground default 2-4-2-1 tanh"),
    )
}
DEFAULT_PRESET = "Basic 784-128-10"
IMAGE_PRESETS = tuple(name for name, spec in PRESETS.items() if spec.input.kind == "image")  # MNIST's choices


def preset(name: str) -> ModelSpec:
    """The preset called ``name`` (a KeyError names the choices)."""
    try:
        return PRESETS[name]
    except KeyError:
        raise KeyError(f"No preset {name!r}; choose from {', '.join(PRESETS)}") from None
