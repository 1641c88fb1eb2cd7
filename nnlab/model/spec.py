"""The layer stack as data: a model described by plain, frozen dataclasses.

A :class:`ModelSpec` is everything needed to rebuild a network: its input, its
hidden layers, its output (fixed by the number of classes of the task), the
loss, the optimizer and the regularization. It knows its output shapes and its
parameter count without TensorFlow, explains what is wrong with it in words a
student understands, and travels as JSON.

Each hidden layer's kind is an entry of the registry :data:`~nnlab.model.layers.LAYER_KINDS`
(its fields and their ranges, output shape, parameter count, Keras layer); the
training settings are the :data:`SETTINGS` fields below, whose choices are the rows
of the optimizer, loss and regularization tables. The output layer is a Dense layer:
``n`` inputs, ``u`` units, ``n*u + u`` parameters.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from typing import Any

from nnlab.model.choice import titles
from nnlab.model.features import FEATURES as FEATURES  # re-exported: the pages list them
from nnlab.model.fields import Field
from nnlab.model.layers import ACTIVATIONS as ACTIVATIONS  # re-exported: the pages list them
from nnlab.model.layers import LAYER_KINDS, LayerKind
from nnlab.model.losses import LOSSES as LOSS_TABLE
from nnlab.model.optimizers import OPTIMIZERS as OPTIMIZER_TABLE
from nnlab.model.regularizers import REGULARIZATIONS as REGULARIZATION_TABLE

# name -> title, for the pages' select boxes (the rows themselves are in the tables)
OPTIMIZERS = titles(OPTIMIZER_TABLE)
LOSSES = titles(LOSS_TABLE)
REGULARIZATIONS = titles(REGULARIZATION_TABLE)
IMAGE_SHAPE = (28, 28, 1)

# Limits that keep a classroom laptop responsive; each check below names them.
MAX_HIDDEN_LAYERS = 20
MAX_CLASSES = 10
MAX_PARAMS = 5_000_000
LEARNING_RATE_RANGE = (1e-5, 10.0)
MAX_BATCH_SIZE = 4096
MAX_REG_RATE = 10.0
MAX_JSON_BYTES = 100_000
SPEC_FORMAT = "nnlab.spec"
SPEC_VERSION = 1

# How the network is trained: each setting is checked here, once, and the editors read their ranges from it.
SETTINGS: dict[str, Field] = {setting.name: setting for setting in (
    Field("n_classes", "Classes", int, low=1, high=MAX_CLASSES,
          rule="The number of classes must be a whole number from {low} (a real value) to {high}."),
    Field("loss", "Loss", str, choices=tuple(LOSSES), rule="Unknown loss '{value}'; choose from {choices}."),
    Field("optimizer", "Optimizer", str, choices=tuple(OPTIMIZERS),
          rule="Unknown optimizer '{value}'; choose from {choices}."),
    Field("learning_rate", "Learning rate", float, low=LEARNING_RATE_RANGE[0], high=LEARNING_RATE_RANGE[1],
          rule="The learning rate must be a number from {low:g} to {high:g}."),
    Field("batch_size", "Batch size", int, low=1, high=MAX_BATCH_SIZE,
          rule="The batch size must be a whole number from {low} to {high}."),
    Field("regularization", "Regularization", str, choices=tuple(REGULARIZATIONS),
          rule="Unknown regularization '{value}'; choose from {choices}."),
    Field("reg_rate", "Regularization rate", float, low=0.0, high=MAX_REG_RATE, step=0.0001,
          rule="The regularization rate must be a number from {low:g} to {high:g}."),
)}


class SpecError(ValueError):
    """A spec that cannot be built; ``problems`` lists every reason in plain words."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__("; ".join(self.problems))


@dataclass(frozen=True)
class LayerSpec:
    """One hidden layer. Only the fields its kind lists in the registry matter (and are saved).

    The defaults here fill a field a spec file leaves out; the editor adds a layer
    with the registry's defaults (:meth:`new`).
    """

    kind: str
    units: int = 16
    activation: str = "relu"
    rate: float = 0.25
    filters: int = 32
    kernel_size: int = 3
    pool_size: int = 2

    @classmethod
    def new(cls, kind: str) -> LayerSpec:
        """A layer of ``kind`` as the editor adds it."""
        return cls(kind, **LAYER_KINDS[kind].defaults())

    @property
    def entry(self) -> LayerKind | None:
        """This layer's kind in the registry; None for an unknown kind (which the spec's problems name)."""
        return LAYER_KINDS.get(self.kind)

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(field.name for field in self.entry.fields) if self.entry else ()

    @property
    def title(self) -> str:
        return self.entry.title if self.entry else self.kind

    def describe(self) -> str:
        """A short label such as ``Dense 128 relu`` or ``Conv2D 32 3x3 relu``."""
        return self.entry.describe(self) if self.entry else self.kind

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, **{name: getattr(self, name) for name in self.field_names}}


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
    otherwise ``n_classes`` softmax units; ``n_classes = 1`` means a real-valued target
    (regression): one linear unit ``y = w·h + b``, trained with the squared error.
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
    def regression(self) -> bool:
        return self.n_classes == 1

    @property
    def output_units(self) -> int:
        return 1 if self.n_classes <= 2 else self.n_classes

    @property
    def output_activation(self) -> str:
        return {1: "linear", 2: "sigmoid"}.get(self.n_classes, "softmax")

    @property
    def output_layer(self) -> LayerSpec:
        return LayerSpec("dense", units=self.output_units, activation=self.output_activation)

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


def _setting_problems(spec: ModelSpec) -> list[str]:
    found = []
    if spec.input.kind not in ("image", "points"):
        found.append(f"Unknown input '{spec.input.kind}': use 'image' (28x28 digits) or 'points' (2D data).")
    elif spec.input.kind == "points":
        unknown = [f for f in spec.input.features if f not in FEATURES]
        if unknown:
            found.append(f"Unknown input features {unknown}; choose from {', '.join(FEATURES)}.")
        if not spec.input.features:
            found.append("Pick at least one input feature (for example x1): the network has nothing to look at.")
        if len(set(spec.input.features)) != len(spec.input.features):
            found.append("Each input feature may be picked once.")
    if len(spec.layers) > MAX_HIDDEN_LAYERS:
        found.append(f"The network has {len(spec.layers)} hidden layers; at most {MAX_HIDDEN_LAYERS} are allowed.")
    found += [problem for name, setting in SETTINGS.items() if (problem := setting.problem(getattr(spec, name)))]
    if spec.n_classes == 1 and spec.loss in LOSS_TABLE and not LOSS_TABLE[spec.loss].regression:
        found.append(f"{LOSS_TABLE[spec.loss].title} compares class probabilities; a real-valued target "
                     "(regression) is trained with the squared error.")
    if not isinstance(spec.name, str) or not spec.name.strip() or len(spec.name) > 80:
        found.append("The model needs a name of 1 to 80 characters.")
    return found


def _layer_problems(position: int, layer: LayerSpec) -> list[str]:
    where = f"Layer {position}"
    if layer.entry is None:
        known = ", ".join(kind.title for kind in LAYER_KINDS.values())
        return [f"{where}: unknown kind '{layer.kind}'; choose from {known}."]
    return [f"{where}: {problem}" for problem in layer.entry.problems(layer)]


def _walk(spec: ModelSpec) -> tuple[list[SummaryRow], list[str]]:
    """Follow the shapes through the stack: the summary rows and any shape problems."""
    shape = spec.input.shape
    rows: list[SummaryRow] = []
    for position, layer in enumerate(spec.layers, start=1):
        kind = layer.entry
        problem = kind.shape_problem(layer, shape)
        if problem:
            return rows, [f"Layer {position} ({layer.title}): {problem}"]
        params, shape = kind.params(layer, shape), kind.output_shape(layer, shape)
        rows.append(SummaryRow(layer.describe(), shape, params))
    if len(shape) != 1:
        return rows, ["The output layer needs a flat vector; add a Flatten layer at the end of the stack."]
    output, dense = spec.output_layer, LAYER_KINDS["dense"]
    rows.append(SummaryRow(f"Output {output.describe()}", dense.output_shape(output, shape), dense.params(output, shape)))
    return rows, []


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
    layers = tuple(_parse_layer(position, raw) for position, raw in enumerate(raw_layers, start=1))
    defaults = ModelSpec()
    settings = {}
    for name in (*SETTINGS, "name"):
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
    allowed = LayerSpec(kind).field_names
    unknown = sorted(set(raw) - {"kind", *allowed})
    if unknown:
        raise SpecError([f"Layer {position} ({kind}) has unknown fields: {', '.join(map(str, unknown))[:200]}."])
    return LayerSpec(kind=kind, **{name: raw[name] for name in allowed if name in raw})
