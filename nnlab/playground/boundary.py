"""What a 2D classifier computes at every point of the plane: decision boundaries and neuron maps.

The plane ``[-extent, extent]^2`` is sampled on a ``size x size`` grid; each grid
point ``(x1, x2)`` goes through the same feature map as the data (for example
``[x1, x2, x1*x2]``) and then through the network, layer by layer. The output
layer gives the class probabilities: a heatmap of them is the decision
boundary (where ``p = 0.5`` for two classes). Each hidden layer gives one map
per neuron: ``h_j(x1, x2)``, what that neuron "sees".

The network runs on the grid as a direct call of its layers (about 1.5 ms for
10,000 points), never through ``predict()`` (40-65 ms a call, docs/ARCHITECTURE.md, "Live training").
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nnlab.model.features import feature_matrix

GRID_SIZE = 100
EXTENT = 6.0  # the 2D datasets live in [-6, 6]^2


@dataclass(frozen=True)
class Grid:
    """A ``size x size`` grid; ``points`` are row-major: row ``i`` has ``x2 = ys[i]``, column ``j`` has ``x1 = xs[j]``."""

    xs: np.ndarray
    ys: np.ndarray

    @property
    def size(self) -> int:
        return len(self.xs)

    @property
    def points(self) -> np.ndarray:
        x1, x2 = np.meshgrid(self.xs, self.ys)
        return np.stack([x1.ravel(), x2.ravel()], axis=1).astype(np.float32)

    def image(self, values: np.ndarray) -> np.ndarray:
        """Per-point values of shape (size*size, ...) as an image (size, size, ...)."""
        return np.asarray(values).reshape(self.size, self.size, *np.shape(values)[1:])


def make_grid(size: int = GRID_SIZE, extent: float = EXTENT) -> Grid:
    axis = np.linspace(-extent, extent, size, dtype=np.float32)
    return Grid(axis, axis.copy())


@dataclass(frozen=True)
class PlaneMaps:
    """Everything the network computes on the grid.

    ``hidden[l]`` has shape (size, size, units of hidden layer l); ``output`` has shape
    (size, size, output units): one sigmoid probability for two classes, else softmax.
    """

    hidden: list[np.ndarray]
    output: np.ndarray

    def probabilities(self) -> np.ndarray:
        """Class probabilities (size, size, n_classes), also for a single sigmoid unit."""
        return class_probabilities(self.output)

    def class_one(self) -> np.ndarray:
        """For two classes, p(class 1) as (size, size)."""
        return self.probabilities()[..., 1]


def class_probabilities(output: np.ndarray) -> np.ndarray:
    """The output layer's values (..., units) as class probabilities (..., n_classes): one sigmoid unit p
    is the two classes (1 - p, p); a softmax is already one probability per class."""
    return np.concatenate([1.0 - output, output], axis=-1) if output.shape[-1] == 1 else output


def layer_outputs(model, x: np.ndarray) -> list[np.ndarray]:
    """The output of every layer of a ``keras.Sequential`` for the inputs ``x``, first to last.

    Each layer is called in turn (``training=False``) inside one ``tf.function`` shared by every model
    of the same architecture, the weights passed in (:mod:`nnlab.training.shared`): no trace for a
    student's new network. About 3 ms for a 100x100 grid, where eager calls take 10-30 ms and
    ``predict()`` 40-65 ms.
    """
    import tensorflow as tf

    from nnlab.training.shared import handles, template_for

    template = template_for(model)

    def make():
        n_keras = len(template.variables)

        @tf.function(reduce_retracing=True)
        def run(variables, inputs):
            with template.bound(variables[:n_keras]):
                outputs, h = [], inputs
                for layer in template.model.layers:
                    h = layer(h, training=False)
                    outputs.append(h)
                return outputs

        return run

    run = template.function("layer_outputs", make)
    return [out.numpy() for out in run(handles(model), tf.constant(np.asarray(x, dtype=np.float32)))]


def plane_maps(model, grid: Grid, features, x: np.ndarray | None = None) -> PlaneMaps:
    """Run ``model`` (Dense layers on 2D features) over ``grid``: hidden neuron maps and the output.
    ``x``: the grid's feature matrix, when the caller keeps it (it is the same at every frame)."""
    outputs = layer_outputs(model, feature_matrix(grid.points, features) if x is None else x)
    # the Dense layers' outputs (a Dropout layer passes its input through at test time: no map of its own)
    images = [grid.image(out) for out, layer in zip(outputs, model.layers, strict=True) if hasattr(layer, "kernel")]
    return PlaneMaps(hidden=images[:-1], output=images[-1])


def feature_maps(grid: Grid, features) -> np.ndarray:
    """The input features themselves on the grid: (size, size, n_features)."""
    return grid.image(feature_matrix(grid.points, features))


def dense_kernels(model) -> list[np.ndarray]:
    """The weight matrices (n_in, n_out) of the model's Dense layers, input to output."""
    return [np.asarray(layer.kernel) for layer in model.layers if hasattr(layer, "kernel")]
