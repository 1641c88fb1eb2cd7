"""The registry of hidden-layer kinds: one entry per kind, and everything else reads it.

An entry gives the kind's title, its fields (name, type, range, the editor's default,
the sentence for a bad value), the shape of input it needs, its output shape and
parameter count, and the Keras layer it builds (which is also the line of the exported
script). :class:`~nnlab.model.spec.ModelSpec` checks, walks and counts with it,
:mod:`nnlab.model.build` builds with it and the Build page's editor draws its widgets
and new layers from it. Adding a kind is one class here and one line in ``LAYER_KINDS``
(plus an attribute of :class:`~nnlab.model.spec.LayerSpec` when it needs a new parameter).

Shapes follow Keras: an image is ``(height, width, channels)``, a vector ``(n,)``;
convolutions use "valid" padding and stride 1, pooling a stride equal to its window.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from nnlab.model.fields import Field
from nnlab.model.keras_call import KerasCall

if TYPE_CHECKING:
    from nnlab.model.spec import LayerSpec

Shape = tuple[int, ...]

ACTIVATIONS = ("relu", "tanh", "sigmoid", "linear")
# Limits that keep a classroom laptop responsive; each field's rule names them.
MAX_UNITS = 1024
MAX_FILTERS = 256
MAX_KERNEL = 9
MAX_POOL = 4
MAX_DROPOUT = 0.9

ACTIVATION = Field("activation", "Activation", str, "relu", choices=ACTIVATIONS, widget="select",
                   rule="unknown activation '{value}'; choose from {choices}.")


class LayerKind:
    """What every kind answers; a subclass sets the class attributes and overrides what differs."""

    name = ""  # saved in spec files
    title = ""  # the Keras class name, shown on the pages
    fields: tuple[Field, ...] = ()
    input_rank: int | None = None  # 1: needs a vector, 3: needs an image, None: takes either
    penalised = False  # its kernel gets the spec's weight penalty
    editor_note = ""  # shown in the editor's row when the kind has no fields

    def defaults(self) -> dict:
        """The field values of a layer the editor adds."""
        return {field.name: field.default for field in self.fields}

    def describe(self, layer: LayerSpec) -> str:
        return self.title

    def problems(self, layer: LayerSpec) -> list[str]:
        """The rules of the fields whose values are out of range."""
        return [problem for field in self.fields if (problem := field.problem(getattr(layer, field.name)))]

    def shape_problem(self, layer: LayerSpec, shape: Shape) -> str | None:
        """Why the layer cannot take an input of ``shape``; None when it can."""
        if self.input_rank == 1 and len(shape) != 1:
            return f"a {self.title} layer needs a flat vector; add a Flatten layer before it."
        if self.input_rank == 3 and len(shape) != 3:
            return f"{self.title} needs an image input, and its input here is a flat vector."
        return None

    def output_shape(self, layer: LayerSpec, shape: Shape) -> Shape:
        return shape

    def params(self, layer: LayerSpec, shape: Shape) -> int:
        return 0

    def keras_call(self, layer: LayerSpec, penalty: KerasCall | None = None) -> KerasCall:
        """``keras.layers.<title>(...)`` for ``layer``; ``penalty`` is the kernel regularizer, if any."""
        raise NotImplementedError

    def _weighted(self, args: tuple, layer: LayerSpec, penalty: KerasCall | None) -> KerasCall:
        kwargs = (("activation", layer.activation),) + ((("kernel_regularizer", penalty),) if penalty else ())
        return KerasCall("layers", self.title, args, kwargs)


class Dense(LayerKind):
    """Fully connected: ``y = activation(x·W + b)``.

    Input ``(n,)``, ``u`` units: output ``(u,)``; parameters ``n·u + u`` (the ``n×u``
    kernel ``W`` and ``u`` biases).
    """

    name, title = "dense", "Dense"
    fields = (Field("units", "Units", int, 32, 1, MAX_UNITS, rule="a Dense layer needs {low} to {high} units."),
              ACTIVATION)
    input_rank = 1
    penalised = True

    def describe(self, layer):
        return f"Dense {layer.units} {layer.activation}"

    def output_shape(self, layer, shape):
        return (layer.units,)

    def params(self, layer, shape):
        return shape[0] * layer.units + layer.units

    def keras_call(self, layer, penalty=None):
        return self._weighted((layer.units,), layer, penalty)


class _Window(LayerKind):
    """A kind that slides a ``size × size`` window over an image; the window must fit in the image."""

    input_rank = 3
    window_field = ""

    def size(self, layer: LayerSpec) -> int:
        return getattr(layer, self.window_field)

    def shape_problem(self, layer, shape):
        problem = super().shape_problem(layer, shape)
        if problem is None and self.size(layer) > min(shape[0], shape[1]):
            size = self.size(layer)
            problem = (f"its {size}x{size} window is larger than its {shape[0]}x{shape[1]} input; "
                       "remove a pooling layer or use a smaller window.")
        return problem


class Conv2D(_Window):
    """``f`` filters, each a ``k×k×c`` kernel slid over the image (valid padding, stride 1).

    Input ``(h, w, c)``: output ``(h − k + 1, w − k + 1, f)``; parameters ``k·k·c·f + f``
    (the kernels and one bias per filter).
    """

    name, title = "conv2d", "Conv2D"
    fields = (Field("filters", "Filters", int, 16, 1, MAX_FILTERS, rule="a Conv2D layer needs {low} to {high} filters."),
              Field("kernel_size", "Kernel", int, 3, 1, MAX_KERNEL, rule="a Conv2D kernel is {low}x{low} to {high}x{high}."),
              ACTIVATION)
    window_field = "kernel_size"
    penalised = True

    def describe(self, layer):
        return f"Conv2D {layer.filters} {layer.kernel_size}x{layer.kernel_size} {layer.activation}"

    def output_shape(self, layer, shape):
        height, width, _ = shape
        return (height - layer.kernel_size + 1, width - layer.kernel_size + 1, layer.filters)

    def params(self, layer, shape):
        return layer.kernel_size * layer.kernel_size * shape[2] * layer.filters + layer.filters

    def keras_call(self, layer, penalty=None):
        return self._weighted((layer.filters, layer.kernel_size), layer, penalty)


class MaxPooling2D(_Window):
    """The largest value of each ``p×p`` block, channel by channel (stride ``p``).

    Input ``(h, w, c)``: output ``(⌊h / p⌋, ⌊w / p⌋, c)``; no parameters.
    """

    name, title = "maxpool2d", "MaxPooling2D"
    fields = (Field("pool_size", "Pool size", int, 2, 2, MAX_POOL, widget="select",
                    rule="a MaxPooling2D window is {low}x{low} to {high}x{high}."),)
    window_field = "pool_size"

    def describe(self, layer):
        return f"MaxPooling2D {layer.pool_size}x{layer.pool_size}"

    def output_shape(self, layer, shape):
        height, width, channels = shape
        return (height // layer.pool_size, width // layer.pool_size, channels)

    def keras_call(self, layer, penalty=None):
        return KerasCall("layers", self.title, (layer.pool_size,))


class Dropout(LayerKind):
    """While training, sets each value to 0 with probability ``r`` and scales the rest by ``1 / (1 − r)``.

    Output shape = input shape; no parameters. At test time it passes its input through.
    """

    name, title = "dropout", "Dropout"
    fields = (Field("rate", "Rate", float, 0.25, 0.0, MAX_DROPOUT, step=0.05, widget="slider",
                    rule="a Dropout rate is from {low:g} to {high:g} (the share of units switched off)."),)

    def describe(self, layer):
        return f"Dropout {layer.rate:g}"

    def keras_call(self, layer, penalty=None):
        return KerasCall("layers", self.title, (layer.rate,))


class Flatten(LayerKind):
    """Lays an image out as one vector: input ``(h, w, c)``, output ``(h·w·c,)``; no parameters."""

    name, title = "flatten", "Flatten"
    editor_note = "image -> vector"

    def output_shape(self, layer, shape):
        return (math.prod(shape),)

    def keras_call(self, layer, penalty=None):
        return KerasCall("layers", self.title)


# The editor's "New layer" box lists the kinds in this order; the first is added by default.
LAYER_KINDS: dict[str, LayerKind] = {kind.name: kind for kind in (Dense(), Conv2D(), MaxPooling2D(), Dropout(), Flatten())}
