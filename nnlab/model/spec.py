"""The layer stack as data: a model described by plain, frozen dataclasses.

A :class:`ModelSpec` is everything needed to rebuild a network: its input, its
hidden layers, its output (fixed by the number of classes of the task), the
loss, the optimizer and the regularization. It knows its output shapes and its
parameter count without TensorFlow, explains what is wrong with it in words a
student understands, and travels as JSON.

Shapes follow Keras: an image is ``(height, width, channels)``; a vector is
``(n,)``. Parameter counts:

* Dense, ``n`` inputs, ``u`` units: ``n*u + u`` (weights plus biases).
* Conv2D, ``k x k`` kernel, ``c`` input channels, ``f`` filters: ``k*k*c*f + f``.
* Dropout, MaxPooling2D, Flatten: no parameters.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field, replace
from typing import Any

LAYER_KINDS = ("dense", "dropout", "conv2d", "maxpool2d", "flatten")
LAYER_TITLES = {
    "dense": "Dense",
    "dropout": "Dropout",
    "conv2d": "Conv2D",
    "maxpool2d": "MaxPooling2D",
    "flatten": "Flatten",
}
# The parameters each kind of layer uses; the others are ignored and not saved.
LAYER_FIELDS = {
    "dense": ("units", "activation"),
    "dropout": ("rate",),
    "conv2d": ("filters", "kernel_size", "activation"),
    "maxpool2d": ("pool_size",),
    "flatten": (),
}
ACTIVATIONS = ("relu", "tanh", "sigmoid", "linear")
OPTIMIZERS = {
    "sgd": "SGD",
    "momentum": "SGD with momentum 0.9",
    "adam": "Adam",
    "rmsprop": "RMSprop",
}
LOSSES = {"cross_entropy": "Cross-entropy", "squared_error": "Squared error"}
REGULARIZATIONS = {"none": "None", "l1": "L1", "l2": "L2"}
FEATURES = ("x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)")
IMAGE_SHAPE = (28, 28, 1)

# Limits that keep a classroom laptop responsive; each check below names them.
MAX_UNITS = 1024
MAX_FILTERS = 256
MAX_KERNEL = 9
MAX_POOL = 4
MAX_DROPOUT = 0.9
MAX_HIDDEN_LAYERS = 20
MAX_CLASSES = 10
MAX_PARAMS = 5_000_000
LEARNING_RATE_RANGE = (1e-5, 10.0)
MAX_BATCH_SIZE = 4096
MAX_REG_RATE = 10.0
MAX_JSON_BYTES = 100_000
SPEC_FORMAT = "nnlab.spec"
SPEC_VERSION = 1


class SpecError(ValueError):
    """A spec that cannot be built; ``problems`` lists every reason in plain words."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__("; ".join(self.problems))


@dataclass(frozen=True)
class LayerSpec:
    """One hidden layer. Only the fields listed in ``LAYER_FIELDS[kind]`` matter."""

    kind: str
    units: int = 16
    activation: str = "relu"
    rate: float = 0.25
    filters: int = 32
    kernel_size: int = 3
    pool_size: int = 2

    @property
    def title(self) -> str:
        return LAYER_TITLES.get(self.kind, self.kind)

    def describe(self) -> str:
        """A short label such as ``Dense 128 relu`` or ``Conv2D 32 3x3 relu``."""
        if self.kind == "dense":
            return f"Dense {self.units} {self.activation}"
        if self.kind == "dropout":
            return f"Dropout {self.rate:g}"
        if self.kind == "conv2d":
            return f"Conv2D {self.filters} {self.kernel_size}x{self.kernel_size} {self.activation}"
        if self.kind == "maxpool2d":
            return f"MaxPooling2D {self.pool_size}x{self.pool_size}"
        return self.title

    def to_dict(self) -> dict[str, Any]:
        fields = LAYER_FIELDS.get(self.kind, ())
        return {"kind": self.kind, **{name: getattr(self, name) for name in fields}}


@dataclass(frozen=True)
class InputSpec:
    """Either an MNIST-style image (``kind="image"``) or 2D points with chosen features."""

    kind: str = "image"
    features: tuple[str, ...] = ("x1", "x2")

    @property
    def shape(self) -> tuple[int, ...]:
        return IMAGE_SHAPE if self.kind == "image" else (len(self.features),)

    def to_dict(self) -> dict[str, Any]:
        if self.kind == "image":
            return {"kind": "image"}
        return {"kind": self.kind, "features": list(self.features)}


@dataclass(frozen=True)
class SummaryRow:
    """One line of a Keras-style summary."""

    name: str
    output_shape: tuple[int, ...]
    params: int


@dataclass(frozen=True)
class ModelSpec:
    """A whole network and how it is trained.

    The output layer is fixed by the task: one sigmoid unit when ``n_classes`` is 2,
    otherwise ``n_classes`` softmax units.
    """

    input: InputSpec = field(default_factory=InputSpec)
    layers: tuple[LayerSpec, ...] = ()
    n_classes: int = 10
    loss: str = "cross_entropy"
    optimizer: str = "adam"
    learning_rate: float = 0.001
    batch_size: int = 32
    regularization: str = "none"
    reg_rate: float = 0.0
    name: str = "my model"

    # ---- the output layer -------------------------------------------------
    @property
    def output_units(self) -> int:
        return 1 if self.n_classes == 2 else self.n_classes

    @property
    def output_activation(self) -> str:
        return "sigmoid" if self.n_classes == 2 else "softmax"

    # ---- editing (each returns a new spec) ---------------------------------
    def with_layers(self, layers) -> ModelSpec:
        return replace(self, layers=tuple(layers))

    def add_layer(self, layer: LayerSpec, index: int | None = None) -> ModelSpec:
        layers = list(self.layers)
        layers.insert(len(layers) if index is None else index, layer)
        return self.with_layers(layers)

    def remove_layer(self, index: int) -> ModelSpec:
        return self.with_layers(layer for i, layer in enumerate(self.layers) if i != index)

    def move_layer(self, index: int, offset: int) -> ModelSpec:
        """Swap layer ``index`` with its neighbour ``index + offset`` (no-op at the ends)."""
        target = index + offset
        if not (0 <= index < len(self.layers) and 0 <= target < len(self.layers)):
            return self
        layers = list(self.layers)
        layers[index], layers[target] = layers[target], layers[index]
        return self.with_layers(layers)

    def replace_layer(self, index: int, **changes) -> ModelSpec:
        layers = list(self.layers)
        layers[index] = replace(layers[index], **changes)
        return self.with_layers(layers)

    # ---- shapes, summary, checks --------------------------------------------
    def summary(self) -> list[SummaryRow]:
        """Output shape and parameter count of every layer, the output layer last.

        Raises :class:`SpecError` when the stack is not valid.
        """
        self.validate()
        return _walk(self)[0]

    def param_count(self) -> int:
        """Total trainable parameters; equals Keras's ``model.count_params()``."""
        return sum(row.params for row in self.summary())

    def problems(self) -> list[str]:
        """Everything wrong with this spec, as sentences; empty when it can be built."""
        found = _setting_problems(self)
        for position, layer in enumerate(self.layers, start=1):
            found += _layer_problems(position, layer)
        if found:
            return found
        rows, shape_problems = _walk(self)
        if shape_problems:
            return shape_problems
        total = sum(row.params for row in rows)
        if total > MAX_PARAMS:
            found.append(
                f"The network has {total:,} parameters; the limit is {MAX_PARAMS:,} so that "
                "it trains on a laptop. Use fewer units or add pooling."
            )
        return found

    def validate(self) -> ModelSpec:
        """Return self when valid; raise :class:`SpecError` listing the problems otherwise."""
        found = self.problems()
        if found:
            raise SpecError(found)
        return self

    # ---- JSON ---------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        return {
            "format": SPEC_FORMAT,
            "version": SPEC_VERSION,
            "name": self.name,
            "input": self.input.to_dict(),
            "layers": [layer.to_dict() for layer in self.layers],
            "n_classes": self.n_classes,
            "loss": self.loss,
            "optimizer": self.optimizer,
            "learning_rate": self.learning_rate,
            "batch_size": self.batch_size,
            "regularization": self.regularization,
            "reg_rate": self.reg_rate,
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2)

    @classmethod
    def from_dict(cls, data: Any) -> ModelSpec:
        """Read a spec written by :meth:`to_dict`; raise :class:`SpecError` on anything else."""
        return _parse_spec(data).validate()

    @classmethod
    def from_json(cls, text: str | bytes) -> ModelSpec:
        if len(text) > MAX_JSON_BYTES:
            raise SpecError([f"The file is {len(text):,} bytes; a spec is at most {MAX_JSON_BYTES:,}."])
        if isinstance(text, bytes):
            try:
                text = text.decode("utf-8")
            except UnicodeDecodeError:
                raise SpecError(["The file is not text (UTF-8): is it really a spec JSON file?"]) from None
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise SpecError(
                [f"The file is not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}."]
            ) from None
        except RecursionError:
            raise SpecError(["The file is nested too deeply to be a spec."]) from None
        return cls.from_dict(data)


# ---- checks -------------------------------------------------------------------


def _in_range(value, low, high) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value) and low <= value <= high


def _is_int_in(value, low, high) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def _is_choice(value, options) -> bool:
    return isinstance(value, str) and value in options


def _setting_problems(spec: ModelSpec) -> list[str]:
    found = []
    if spec.input.kind not in ("image", "points"):
        found.append(f"Unknown input '{spec.input.kind}': use 'image' (28x28 digits) or 'points' (2D data).")
    elif spec.input.kind == "points":
        unknown = [f for f in spec.input.features if f not in FEATURES]
        if unknown:
            found.append(f"Unknown input features {unknown}; choose from {', '.join(FEATURES)}.")
        if not spec.input.features:
            found.append("Pick at least one input feature (for example x1).")
        if len(set(spec.input.features)) != len(spec.input.features):
            found.append("Each input feature may be picked once.")
    if len(spec.layers) > MAX_HIDDEN_LAYERS:
        found.append(f"The network has {len(spec.layers)} hidden layers; at most {MAX_HIDDEN_LAYERS} are allowed.")
    if not _is_int_in(spec.n_classes, 2, MAX_CLASSES):
        found.append(f"The number of classes must be a whole number from 2 to {MAX_CLASSES}.")
    if not _is_choice(spec.loss, LOSSES):
        found.append(f"Unknown loss '{str(spec.loss)[:40]}'; choose {' or '.join(LOSSES)}.")
    if not _is_choice(spec.optimizer, OPTIMIZERS):
        found.append(f"Unknown optimizer '{str(spec.optimizer)[:40]}'; choose from {', '.join(OPTIMIZERS)}.")
    low, high = LEARNING_RATE_RANGE
    if not _in_range(spec.learning_rate, low, high):
        found.append(f"The learning rate must be a number from {low:g} to {high:g}.")
    if not _is_int_in(spec.batch_size, 1, MAX_BATCH_SIZE):
        found.append(f"The batch size must be a whole number from 1 to {MAX_BATCH_SIZE}.")
    if not _is_choice(spec.regularization, REGULARIZATIONS):
        found.append(f"Unknown regularization '{str(spec.regularization)[:40]}'; choose none, l1 or l2.")
    if not _in_range(spec.reg_rate, 0.0, MAX_REG_RATE):
        found.append(f"The regularization rate must be a number from 0 to {MAX_REG_RATE:g}.")
    if not isinstance(spec.name, str) or not spec.name.strip() or len(spec.name) > 80:
        found.append("The model needs a name of 1 to 80 characters.")
    return found


def _layer_problems(position: int, layer: LayerSpec) -> list[str]:
    where = f"Layer {position}"
    if layer.kind not in LAYER_KINDS:
        return [f"{where}: unknown kind '{layer.kind}'; choose from {', '.join(LAYER_TITLES.values())}."]
    found = []
    if layer.kind == "dense" and not _is_int_in(layer.units, 1, MAX_UNITS):
        found.append(f"{where}: a Dense layer needs 1 to {MAX_UNITS} units.")
    if layer.kind == "conv2d":
        if not _is_int_in(layer.filters, 1, MAX_FILTERS):
            found.append(f"{where}: a Conv2D layer needs 1 to {MAX_FILTERS} filters.")
        if not _is_int_in(layer.kernel_size, 1, MAX_KERNEL):
            found.append(f"{where}: a Conv2D kernel is 1x1 to {MAX_KERNEL}x{MAX_KERNEL}.")
    if layer.kind in ("dense", "conv2d") and not _is_choice(layer.activation, ACTIVATIONS):
        found.append(f"{where}: unknown activation '{str(layer.activation)[:40]}'; choose from {', '.join(ACTIVATIONS)}.")
    if layer.kind == "dropout" and not _in_range(layer.rate, 0.0, MAX_DROPOUT):
        found.append(f"{where}: a Dropout rate is from 0 to {MAX_DROPOUT:g} (the share of units switched off).")
    if layer.kind == "maxpool2d" and not _is_int_in(layer.pool_size, 2, MAX_POOL):
        found.append(f"{where}: a MaxPooling2D window is 2x2 to {MAX_POOL}x{MAX_POOL}.")
    return found


def _walk(spec: ModelSpec) -> tuple[list[SummaryRow], list[str]]:
    """Follow the shapes through the stack: the summary rows and any shape problems."""
    shape = spec.input.shape
    rows: list[SummaryRow] = []
    found: list[str] = []
    for position, layer in enumerate(spec.layers, start=1):
        where = f"Layer {position} ({layer.title})"
        params = 0
        if layer.kind == "dense":
            if len(shape) != 1:
                found.append(f"{where}: a Dense layer needs a flat vector; add a Flatten layer before it.")
                break
            params = shape[0] * layer.units + layer.units
            shape = (layer.units,)
        elif layer.kind in ("conv2d", "maxpool2d"):
            if len(shape) != 3:
                found.append(f"{where}: {layer.title} needs an image input, and its input here is a flat vector.")
                break
            height, width, channels = shape
            size = layer.kernel_size if layer.kind == "conv2d" else layer.pool_size
            if layer.kind == "conv2d":
                out = (height - size + 1, width - size + 1, layer.filters)
                params = size * size * channels * layer.filters + layer.filters
            else:
                out = (height // size, width // size, channels)
            if out[0] < 1 or out[1] < 1:
                found.append(
                    f"{where}: its {size}x{size} window is larger than its {height}x{width} input; "
                    "remove a pooling layer or use a smaller window."
                )
                break
            shape = out
        elif layer.kind == "flatten":
            shape = (math.prod(shape),)
        rows.append(SummaryRow(layer.describe(), shape, params))
    if not found:
        if len(shape) != 1:
            found.append("The output layer needs a flat vector; add a Flatten layer at the end of the stack.")
        else:
            units = spec.output_units
            rows.append(SummaryRow(f"Output Dense {units} {spec.output_activation}", (units,), shape[0] * units + units))
    return rows, found


# ---- parsing ------------------------------------------------------------------


def _parse_spec(data: Any) -> ModelSpec:
    if not isinstance(data, dict):
        raise SpecError(["A spec is a JSON object ({...}) with 'input' and 'layers'."])
    if data.get("format", SPEC_FORMAT) != SPEC_FORMAT:
        raise SpecError([f"This is not an nnlab spec (its format is {str(data.get('format'))[:40]!r})."])
    version = data.get("version", SPEC_VERSION)
    if version != SPEC_VERSION:
        raise SpecError([f"This spec has version {str(version)[:20]}; this nnlab reads version {SPEC_VERSION}."])
    raw_layers = data.get("layers", [])
    if not isinstance(raw_layers, list):
        raise SpecError(["'layers' must be a list of layers."])
    if len(raw_layers) > MAX_HIDDEN_LAYERS:
        raise SpecError([f"The spec has {len(raw_layers)} hidden layers; at most {MAX_HIDDEN_LAYERS} are allowed."])
    layers = tuple(_parse_layer(position, raw) for position, raw in enumerate(raw_layers, start=1))
    defaults = ModelSpec()
    settings = {}
    for name in ("n_classes", "loss", "optimizer", "learning_rate", "batch_size", "regularization", "reg_rate", "name"):
        settings[name] = data.get(name, getattr(defaults, name))
    return ModelSpec(input=_parse_input(data.get("input", {"kind": "image"})), layers=layers, **settings)


def _parse_input(raw: Any) -> InputSpec:
    if not isinstance(raw, dict):
        raise SpecError(["'input' must be an object such as {\"kind\": \"image\"}."])
    features = raw.get("features", ["x1", "x2"])
    if not isinstance(features, list) or not all(isinstance(f, str) for f in features) or len(features) > len(FEATURES):
        raise SpecError([f"'features' must be a list chosen from {', '.join(FEATURES)}."])
    return InputSpec(kind=str(raw.get("kind", "image"))[:40], features=tuple(features))


def _parse_layer(position: int, raw: Any) -> LayerSpec:
    if not isinstance(raw, dict) or not isinstance(raw.get("kind"), str):
        raise SpecError([f"Layer {position} must be an object with a 'kind', such as {{\"kind\": \"dense\"}}."])
    kind = raw["kind"].lower()[:40]
    allowed = LAYER_FIELDS.get(kind, ())
    unknown = sorted(set(raw) - {"kind", *allowed})
    if unknown:
        raise SpecError([f"Layer {position} ({kind}) has unknown fields: {', '.join(map(str, unknown))[:200]}."])
    return LayerSpec(kind=kind, **{name: raw[name] for name in allowed if name in raw})
