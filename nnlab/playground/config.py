"""The 2D playground's whole setup as one frozen dataclass, and its URL query-string form.

Every control of the page is a field of :class:`PlaygroundConfig`, so a setup can
be shared as a link: :func:`to_query` writes it as short ``key=value`` pairs,
:func:`from_query` reads them back and explains, in plain words, anything it had
to ignore. ``hide=data,features`` hides groups of controls for a classroom.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace

from nnlab.datasets.toy2d import DATASETS_2D
from nnlab.model.spec import ACTIVATIONS, FEATURES, InputSpec, LayerSpec, ModelSpec

MAX_LAYERS = 6
MAX_UNITS = 8
LEARNING_RATES = (0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
REG_RATES = (0.0, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
OPTIMIZERS = {"sgd": "SGD", "momentum": "SGD with momentum 0.9", "adam": "Adam"}
LOSSES = {"cross_entropy": "Cross-entropy", "squared_error": "Squared error (as in TensorFlow Playground)"}
REGULARIZATIONS = {"none": "None", "l1": "L1", "l2": "L2"}
DATASET_ORDER = ("xor", "xor_corners", "circle", "gauss", "spiral", "moons", "and", "or", "three_blobs")
NOISE_RANGE = (0, 50)  # percent
TRAIN_PERCENT_RANGE = (10, 90)
POINTS_RANGE = (50, 1000)
BATCH_RANGE = (1, 64)
MAX_SEED = 1_000_000
# Groups of controls that ?hide= can take away.
CONTROL_GROUPS = {
    "data": "the data settings",
    "features": "the input features",
    "network": "the network editor",
    "training": "the training settings",
    "lessons": "the lesson presets",
    "share": "the share link",
}
# Short names for the features in links (x1*x2 would need escaping).
FEATURE_CODES = {"x1": "x1", "x2": "x2", "x1^2": "x1sq", "x2^2": "x2sq", "x1*x2": "x1x2",
                 "sin(x1)": "sinx1", "sin(x2)": "sinx2"}
FEATURE_NAMES = {code: name for name, code in FEATURE_CODES.items()}
assert tuple(FEATURE_CODES) == FEATURES


@dataclass(frozen=True)
class Hidden:
    """One hidden layer of the playground network: ``units`` neurons with one activation."""

    units: int = 4
    activation: str = "tanh"


@dataclass(frozen=True)
class PlaygroundConfig:
    """Everything on the page. Changing a *model* or *data* field starts training over;
    the learning rate, the batch size and the display switches apply at once."""

    dataset: str = "xor"
    noise: int = 0  # percent
    train_percent: int = 50
    points: int = 500
    data_seed: int = 0
    features: tuple[str, ...] = ("x1", "x2")
    layers: tuple[Hidden, ...] = (Hidden(4, "tanh"), Hidden(2, "tanh"))
    learning_rate: float = 0.1
    batch_size: int = 10
    optimizer: str = "momentum"
    loss: str = "cross_entropy"
    regularization: str = "none"
    reg_rate: float = 0.001
    seed: int = 0  # initial weights and the order of the batches
    show_test: bool = False
    discretize: bool = False
    hide: frozenset[str] = field(default_factory=frozenset)

    @property
    def n_classes(self) -> int:
        return DATASETS_2D[self.dataset].n_classes

    @property
    def n_train(self) -> int:
        """Training points: ``points * train_percent / 100``, at least 1, leaving at least 1 test point."""
        return min(max(1, round(self.points * self.train_percent / 100)), self.points - 1)

    def model_key(self) -> tuple:
        """The fields that define the model and its optimizer: a change means a new network."""
        rate = self.reg_rate if self.regularization != "none" else 0.0
        return (self.features, self.layers, self.n_classes, self.optimizer, self.loss, self.regularization, rate,
                self.seed)

    def data_key(self) -> tuple:
        return (self.dataset, self.noise, self.train_percent, self.points, self.data_seed)

    def to_spec(self) -> ModelSpec:
        """The network as a :class:`~nnlab.model.spec.ModelSpec` (Dense layers on 2D features)."""
        return ModelSpec(
            input=InputSpec(kind="points", features=self.features),
            layers=tuple(LayerSpec(kind="dense", units=h.units, activation=h.activation) for h in self.layers),
            n_classes=self.n_classes,
            loss=self.loss,
            optimizer=self.optimizer,
            learning_rate=self.learning_rate,
            batch_size=self.batch_size,
            regularization=self.regularization,
            reg_rate=self.reg_rate if self.regularization != "none" else 0.0,
            name="Playground network",
        )

    def problems(self) -> list[str]:
        """Why this setup cannot be trained, in words; empty when it can."""
        if not self.features:
            return ["Switch on at least one input feature (for example x1): the network has nothing to look at."]
        return []

    def notes(self) -> list[str]:
        """Things worth knowing about a setup that still trains."""
        if self.batch_size > self.n_train:
            return [f"The batch size {self.batch_size} is larger than the {self.n_train} training points, "
                    "so every step uses the whole training set (one step per epoch)."]
        return []

    # ---- editing the network (each returns a new config) ------------------------------
    def add_layer(self) -> PlaygroundConfig:
        if len(self.layers) >= MAX_LAYERS:
            return self
        last = self.layers[-1] if self.layers else Hidden(2, "tanh")
        return replace(self, layers=self.layers + (Hidden(last.units, last.activation),))

    def remove_layer(self) -> PlaygroundConfig:
        return replace(self, layers=self.layers[:-1])

    def change_units(self, index: int, delta: int) -> PlaygroundConfig:
        layer = self.layers[index]
        units = min(MAX_UNITS, max(1, layer.units + delta))
        return self._with_layer(index, Hidden(units, layer.activation))

    def change_activation(self, index: int, activation: str) -> PlaygroundConfig:
        return self._with_layer(index, Hidden(self.layers[index].units, activation))

    def _with_layer(self, index: int, layer: Hidden) -> PlaygroundConfig:
        layers = list(self.layers)
        layers[index] = layer
        return replace(self, layers=tuple(layers))


DEFAULT = PlaygroundConfig()


# ---- URL query string -------------------------------------------------------------------

def _format_number(value: float) -> str:
    return f"{value:g}"


def encode_layers(layers: tuple[Hidden, ...]) -> str:
    """``4:tanh,2:tanh``; ``none`` for no hidden layer."""
    return ",".join(f"{h.units}:{h.activation}" for h in layers) or "none"


def to_query(config: PlaygroundConfig) -> dict[str, str]:
    """The whole setup as query-string pairs (values are plain text; the browser escapes them)."""
    query = {
        "data": config.dataset,
        "noise": str(config.noise),
        "train": str(config.train_percent),
        "points": str(config.points),
        "dseed": str(config.data_seed),
        "features": ",".join(FEATURE_CODES[name] for name in config.features) or "none",
        "layers": encode_layers(config.layers),
        "lr": _format_number(config.learning_rate),
        "batch": str(config.batch_size),
        "opt": config.optimizer,
        "loss": config.loss,
        "reg": config.regularization,
        "rate": _format_number(config.reg_rate),
        "seed": str(config.seed),
        "test": "1" if config.show_test else "0",
        "discrete": "1" if config.discretize else "0",
    }
    if config.hide:
        query["hide"] = ",".join(group for group in CONTROL_GROUPS if group in config.hide)
    return query


class _Reader:
    """Reads one query parameter after another, collecting a message for each one it ignores."""

    def __init__(self, query: Mapping):
        self.query = query
        self.ignored: list[str] = []

    def text(self, key: str) -> str | None:
        value = self.query.get(key)
        if isinstance(value, (list, tuple)):
            value = value[-1] if value else None
        return None if value is None else str(value)[:200]

    def ignore(self, key: str, value: str, why: str) -> None:
        self.ignored.append(f"Ignored {key}={value[:40]!r} from the link: {why}")

    def choice(self, key: str, options, default: str) -> str:
        value = self.text(key)
        if value is None:
            return default
        if value not in options:
            self.ignore(key, value, f"choose from {', '.join(options)}.")
            return default
        return value

    def integer(self, key: str, low: int, high: int, default: int) -> int:
        value = self.text(key)
        if value is None:
            return default
        try:
            number = int(value)
        except ValueError:
            number = None
        if number is None or not low <= number <= high:
            self.ignore(key, value, f"a whole number from {low} to {high} is needed.")
            return default
        return number

    def number(self, key: str, options: tuple[float, ...], default: float) -> float:
        """A number that must be (close to) one of ``options``, e.g. the learning rates on the slider."""
        value = self.text(key)
        if value is None:
            return default
        try:
            number = float(value)
        except ValueError:
            number = math.nan
        for option in options:
            if math.isclose(number, option, rel_tol=1e-6, abs_tol=1e-12):
                return option
        self.ignore(key, value, f"choose one of {', '.join(map(_format_number, options))}.")
        return default

    def flag(self, key: str, default: bool) -> bool:
        value = self.text(key)
        if value is None:
            return default
        if value not in ("0", "1"):
            self.ignore(key, value, "use 0 or 1.")
            return default
        return value == "1"

    def features(self, key: str, default: tuple[str, ...]) -> tuple[str, ...]:
        value = self.text(key)
        if value is None:
            return default
        codes = [] if value == "none" else value.split(",")
        unknown = [code for code in codes if code not in FEATURE_NAMES]
        if unknown or len(set(codes)) != len(codes):
            self.ignore(key, value, f"use each of {', '.join(FEATURE_NAMES)} at most once.")
            return default
        return tuple(name for name in FEATURES if FEATURE_CODES[name] in codes)  # the page's order

    def layers(self, key: str, default: tuple[Hidden, ...]) -> tuple[Hidden, ...]:
        value = self.text(key)
        if value is None:
            return default
        if value == "none":
            return ()
        layers = []
        for part in value.split(","):
            units, _, activation = part.partition(":")
            if not (units.isdigit() and 1 <= int(units) <= MAX_UNITS and activation in ACTIVATIONS):
                layers = None
                break
            layers.append(Hidden(int(units), activation))
        if layers is None or len(layers) > MAX_LAYERS:
            self.ignore(key, value, f"write up to {MAX_LAYERS} layers as units:activation, "
                                    f"e.g. 4:tanh,2:relu, with 1 to {MAX_UNITS} units.")
            return default
        return tuple(layers)

    def groups(self, key: str) -> frozenset[str]:
        value = self.text(key)
        if not value:
            return frozenset()
        names = value.split(",")
        unknown = [name for name in names if name not in CONTROL_GROUPS]
        if unknown:
            self.ignore(key, ",".join(unknown), f"the groups are {', '.join(CONTROL_GROUPS)}.")
        return frozenset(name for name in names if name in CONTROL_GROUPS)


def from_query(query: Mapping, base: PlaygroundConfig = DEFAULT) -> tuple[PlaygroundConfig, list[str]]:
    """Read a setup from query-string pairs; missing keys keep ``base``'s values.

    Returns the config and a list of messages about values that were ignored.
    """
    read = _Reader(query)
    config = PlaygroundConfig(
        dataset=read.choice("data", DATASET_ORDER, base.dataset),
        noise=read.integer("noise", *NOISE_RANGE, base.noise),
        train_percent=read.integer("train", *TRAIN_PERCENT_RANGE, base.train_percent),
        points=read.integer("points", *POINTS_RANGE, base.points),
        data_seed=read.integer("dseed", 0, MAX_SEED, base.data_seed),
        features=read.features("features", base.features),
        layers=read.layers("layers", base.layers),
        learning_rate=read.number("lr", LEARNING_RATES, base.learning_rate),
        batch_size=read.integer("batch", *BATCH_RANGE, base.batch_size),
        optimizer=read.choice("opt", OPTIMIZERS, base.optimizer),
        loss=read.choice("loss", LOSSES, base.loss),
        regularization=read.choice("reg", REGULARIZATIONS, base.regularization),
        reg_rate=read.number("rate", REG_RATES, base.reg_rate),
        seed=read.integer("seed", 0, MAX_SEED, base.seed),
        show_test=read.flag("test", base.show_test),
        discretize=read.flag("discrete", base.discretize),
        hide=read.groups("hide") if "hide" in query else base.hide,
    )
    return config, read.ignored


QUERY_KEYS = ("data", "noise", "train", "points", "dseed", "features", "layers", "lr", "batch", "opt", "loss", "reg",
              "rate", "seed", "test", "discrete", "hide")
assert len(QUERY_KEYS) == len(fields(PlaygroundConfig))
