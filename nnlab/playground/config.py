"""The 2D playground's whole setup as one frozen dataclass, and its URL query-string form.

Every control of the page is a field of :class:`PlaygroundConfig`, so a setup can
be shared as a link. :data:`URL_FIELDS` is the link's table: one row per field with
its short key, and a codec that holds the field's range or choices and both writes
and reads it. :func:`to_query` writes a setup as ``key=value`` pairs, :func:`from_query`
reads them back and explains, in plain words, anything it had to ignore.
``hide=data,features`` hides groups of controls for a classroom.

The optimizers, losses and regularizations are the rows of the model's tables
(:mod:`nnlab.model.optimizers`, ...) that the playground offers, under its titles.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any

from nnlab.datasets.toy2d import DATASETS_2D, REGRESSION
from nnlab.model.choice import playground_titles
from nnlab.model.features import FEATURE_TABLE
from nnlab.model.losses import LOSSES as LOSS_TABLE
from nnlab.model.optimizers import OPTIMIZERS as OPTIMIZER_TABLE
from nnlab.model.regularizers import REGULARIZATIONS as REGULARIZATION_TABLE
from nnlab.model.schedules import SCHEDULES as SCHEDULE_TABLE
from nnlab.model.spec import ACTIVATIONS, FEATURES, InputSpec, LayerSpec, ModelSpec
from nnlab.playground.own_points import OwnPoints

MAX_LAYERS = 6
MAX_UNITS = 8
LEARNING_RATES = (0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
REG_RATES = (0.0, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
# name -> title of the rows the playground offers
OPTIMIZERS = playground_titles(OPTIMIZER_TABLE)
LOSSES = playground_titles(LOSS_TABLE)
REGULARIZATIONS = playground_titles(REGULARIZATION_TABLE)
SCHEDULES = playground_titles(SCHEDULE_TABLE)
DROPOUT_RATES = (0.0, 0.1, 0.2, 0.3, 0.5)  # share of a hidden layer's neurons switched off at each training step
OWN = "own"  # the dataset of a student's own points (clicked, uploaded): in the session, never in a link
DATASET_ORDER = ("xor", "xor_corners", "circle", "gauss", "spiral", "moons", "and", "or", "three_blobs",
                 "four_blobs", "five_blobs", "spiral3", "spiral5", "plane", "multi-gaussian")
DATASET_TITLES = {**{name: DATASETS_2D[name].title for name in DATASET_ORDER}, OWN: "Your own points"}
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
# The features' short names in links (x1*x2 would need escaping), from the feature table.
FEATURE_CODES = {name: feature.link for name, feature in FEATURE_TABLE.items()}
FEATURE_NAMES = {code: name for name, code in FEATURE_CODES.items()}


@dataclass(frozen=True)
class Hidden:
    """One hidden layer of the playground network: ``units`` neurons with one activation, and while
    training a ``dropout`` share of them switched off at random at each step (0: none)."""

    units: int = 4
    activation: str = "tanh"
    dropout: float = 0.0


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
    schedule: str = "constant"  # how the learning rate changes with the epochs (nnlab.model.schedules)
    own: OwnPoints | None = None  # the points of the dataset "own" (in the session only, not in links)

    @property
    def n_classes(self) -> int:
        """Classes of the data; 1 (REGRESSION) for a real-valued target."""
        if self.dataset == OWN:
            return self.own.n_classes if self.own is not None else 2
        return DATASETS_2D[self.dataset].n_classes

    @property
    def regression(self) -> bool:
        return self.n_classes == REGRESSION

    @property
    def loss_in_use(self) -> str:
        """The loss trained with: the chosen one, or the squared error for a real-valued target
        (cross-entropy needs classes; the page says so)."""
        return "squared_error" if self.regression else self.loss

    @property
    def total_points(self) -> int:
        """Points in the data set: ``points``, or how many own points there are."""
        if self.dataset == OWN:
            return len(self.own) if self.own is not None else 0
        return self.points

    @property
    def n_train(self) -> int:
        """Training points: ``total_points * train_percent / 100``, at least 1, leaving at least 1 test point."""
        total = self.total_points
        return min(max(1, round(total * self.train_percent / 100)), total - 1)

    @property
    def penalty_rate(self) -> float:
        """The regularization rate in use: ``reg_rate``, or 0 with no regularization (the slider is hidden then)."""
        return self.reg_rate if self.regularization != "none" else 0.0

    def model_key(self) -> tuple:
        """The fields that define the model and its optimizer: a change means a new network."""
        return (self.features, self.layers, self.n_classes, self.optimizer, self.loss_in_use, self.regularization,
                self.penalty_rate, self.seed)

    def data_key(self) -> tuple:
        if self.dataset == OWN:
            return (self.dataset, self.own, self.train_percent, self.data_seed)
        return (self.dataset, self.noise, self.train_percent, self.points, self.data_seed)

    def to_spec(self) -> ModelSpec:
        """The network as a :class:`~nnlab.model.spec.ModelSpec` (Dense layers on 2D features)."""
        return ModelSpec(
            input=InputSpec(kind="points", features=self.features),
            layers=tuple(layer for h in self.layers for layer in (
                LayerSpec(kind="dense", units=h.units, activation=h.activation),
                *((LayerSpec(kind="dropout", rate=h.dropout),) if h.dropout else ()))),
            n_classes=self.n_classes,
            loss=self.loss_in_use,
            optimizer=self.optimizer,
            learning_rate=self.learning_rate,
            batch_size=self.batch_size,
            regularization=self.regularization,
            reg_rate=self.penalty_rate,
            name="Playground network",
        )

    def problems(self) -> list[str]:
        """Why this setup cannot be trained, in words; empty when it can (the spec's checks, made once there)."""
        if self.dataset == OWN and self.total_points < 2:
            return ["Add at least two points (click the plane), or upload a CSV file: "
                    "the network needs one point to train on and one to test on."]
        return self.to_spec().problems()

    def notes(self) -> list[str]:
        """Things worth knowing about a setup that still trains."""
        found = []
        if self.batch_size > self.n_train:
            found.append(f"The batch size {self.batch_size} is larger than the {self.n_train} training points, "
                         "so every step uses the whole training set (one step per epoch).")
        last = self.layers[-1].units if self.layers else len(self.features)
        if self.n_classes > 2 and last == 1:
            where = "the last hidden layer has 1 neuron" if self.layers else "the input is 1 feature"
            found.append(
                f"{self.n_classes} classes, but {where}: the output sees one number h, and each class's score "
                "z_k = w_k·h + b_k is a straight line in h, so the winning class can only change as h grows. "
                f"The classes would have to lie in a row along h: it trains, but it cannot separate "
                f"{self.n_classes} classes that sit around each other. Give that layer 2 neurons or more.")
        return found

    # ---- editing the network (each returns a new config) ------------------------------
    def add_layer(self) -> PlaygroundConfig:
        if len(self.layers) >= MAX_LAYERS:
            return self
        last = self.layers[-1] if self.layers else Hidden(2, "tanh")
        return replace(self, layers=self.layers + (replace(last),))

    def remove_layer(self) -> PlaygroundConfig:
        return replace(self, layers=self.layers[:-1])

    def change_units(self, index: int, delta: int) -> PlaygroundConfig:
        layer = self.layers[index]
        units = min(MAX_UNITS, max(1, layer.units + delta))
        return self._with_layer(index, replace(layer, units=units))

    def change_activation(self, index: int, activation: str) -> PlaygroundConfig:
        return self._with_layer(index, replace(self.layers[index], activation=activation))

    def change_dropout(self, index: int, dropout: float) -> PlaygroundConfig:
        return self._with_layer(index, replace(self.layers[index], dropout=dropout))

    def _with_layer(self, index: int, layer: Hidden) -> PlaygroundConfig:
        layers = list(self.layers)
        layers[index] = layer
        return replace(self, layers=tuple(layers))


DEFAULT = PlaygroundConfig()


# ---- URL query string -------------------------------------------------------------------


class Rejected(ValueError):
    """A link value the page cannot use. ``why`` says what would work; ``shown`` is the part quoted back
    (the whole value unless given); ``kept`` is what is still used of it (None: the field keeps its value)."""

    def __init__(self, why: str, shown: str | None = None, kept: Any = None):
        super().__init__(why)
        self.why, self.shown, self.kept = why, shown, kept


def _format_number(value: float) -> str:
    return f"{value:g}"


@dataclass(frozen=True)
class OneOf:
    """One of ``options``, written as itself."""

    options: tuple[str, ...]

    def write(self, value: str) -> str:
        return value

    def read(self, text: str) -> str:
        if text not in self.options:
            raise Rejected(f"choose from {', '.join(self.options)}.")
        return text


@dataclass(frozen=True)
class WholeNumber:
    """A whole number from ``low`` to ``high``."""

    low: int
    high: int

    def write(self, value: int) -> str:
        return str(value)

    def read(self, text: str) -> int:
        try:
            number = int(text)
        except ValueError:
            number = None
        if number is None or not self.low <= number <= self.high:
            raise Rejected(f"a whole number from {self.low} to {self.high} is needed.")
        return number


@dataclass(frozen=True)
class OneOfNumbers:
    """A number that must be (close to) one of ``options``, e.g. the learning rates on the slider: ``0.03``."""

    options: tuple[float, ...]

    def write(self, value: float) -> str:
        return _format_number(value)

    def read(self, text: str) -> float:
        try:
            number = float(text)
        except ValueError:
            number = math.nan
        for option in self.options:
            if math.isclose(number, option, rel_tol=1e-6, abs_tol=1e-12):
                return option
        raise Rejected(f"choose one of {', '.join(map(_format_number, self.options))}.")


class Flag:
    """A switch: ``1`` on, ``0`` off."""

    def write(self, value: bool) -> str:
        return "1" if value else "0"

    def read(self, text: str) -> bool:
        if text not in ("0", "1"):
            raise Rejected("use 0 or 1.")
        return text == "1"


class FeatureList:
    """The input features by their short codes, ``x1,x2sq``; ``none`` for no feature."""

    def write(self, value: tuple[str, ...]) -> str:
        return ",".join(FEATURE_CODES[name] for name in value) or "none"

    def read(self, text: str) -> tuple[str, ...]:
        codes = [] if text == "none" else text.split(",")
        unknown = [code for code in codes if code not in FEATURE_NAMES]
        if unknown or len(set(codes)) != len(codes):
            raise Rejected(f"use each of {', '.join(FEATURE_NAMES)} at most once.")
        return tuple(name for name in FEATURES if FEATURE_CODES[name] in codes)  # the page's order


class LayerList:
    """Up to ``MAX_LAYERS`` hidden layers as ``units:activation`` or ``units:activation:dropout``,
    ``4:tanh:0.2,2:tanh``; ``none`` for none. Dropout is one of DROPOUT_RATES."""

    def write(self, value: tuple[Hidden, ...]) -> str:
        return encode_layers(value)

    def read(self, text: str) -> tuple[Hidden, ...]:
        if text == "none":
            return ()
        layers = []
        for part in text.split(","):
            units, _, rest = part.partition(":")
            activation, _, dropout_text = rest.partition(":")
            dropout = _dropout(dropout_text or "0")
            if not (units.isdigit() and 1 <= int(units) <= MAX_UNITS and activation in ACTIVATIONS
                    and dropout is not None):
                layers = None
                break
            layers.append(Hidden(int(units), activation, dropout))
        if layers is None or len(layers) > MAX_LAYERS:
            raise Rejected(f"write up to {MAX_LAYERS} layers as units:activation or units:activation:dropout, "
                           f"e.g. 4:tanh:0.2,2:relu, with 1 to {MAX_UNITS} units and a dropout of "
                           f"{', '.join(map(_format_number, DROPOUT_RATES))}.")
        return tuple(layers)


def _dropout(text: str) -> float | None:
    """The dropout rate of DROPOUT_RATES written as ``text``; None when it is none of them."""
    try:
        number = float(text)
    except ValueError:
        return None
    return next((rate for rate in DROPOUT_RATES if math.isclose(number, rate, abs_tol=1e-9)), None)


@dataclass(frozen=True)
class NewChoice(OneOf):
    """A field added after links were first shared: its ``usual`` value is left out of the link
    (written empty), so an older link reads the same and the link of an older setup is unchanged."""

    usual: str = ""

    def write(self, value: str) -> str:
        return "" if value == self.usual else value


class DatasetName(OneOf):
    """A built-in data set; own points are not in links (they travel as a CSV file)."""

    def read(self, text: str) -> str:
        if text == OWN:
            raise Rejected("own points are not part of a link; download them as a CSV file and upload it there.")
        return super().read(text)


class GroupSet:
    """Control groups to hide, ``data,features``; written empty (so left out of the link) when none.
    Unknown names are reported and the known ones still hidden."""

    def write(self, value: frozenset[str]) -> str:
        return ",".join(group for group in CONTROL_GROUPS if group in value)

    def read(self, text: str) -> frozenset[str]:
        names = text.split(",") if text else []
        known = frozenset(name for name in names if name in CONTROL_GROUPS)
        unknown = [name for name in names if name not in CONTROL_GROUPS]
        if unknown:
            raise Rejected(f"the groups are {', '.join(CONTROL_GROUPS)}.", shown=",".join(unknown), kept=known)
        return known


@dataclass(frozen=True)
class UrlField:
    """One field of the setup in the link: ``?<key>=<codec.write(value)>``."""

    key: str
    field: str  # the PlaygroundConfig attribute
    codec: Any  # OneOf, WholeNumber, ...: holds the range or choices, writes and reads the text


URL_FIELDS: tuple[UrlField, ...] = (
    UrlField("data", "dataset", DatasetName(DATASET_ORDER)),
    UrlField("noise", "noise", WholeNumber(*NOISE_RANGE)),
    UrlField("train", "train_percent", WholeNumber(*TRAIN_PERCENT_RANGE)),
    UrlField("points", "points", WholeNumber(*POINTS_RANGE)),
    UrlField("dseed", "data_seed", WholeNumber(0, MAX_SEED)),
    UrlField("features", "features", FeatureList()),
    UrlField("layers", "layers", LayerList()),
    UrlField("lr", "learning_rate", OneOfNumbers(LEARNING_RATES)),
    UrlField("sched", "schedule", NewChoice(tuple(SCHEDULES), usual="constant")),
    UrlField("batch", "batch_size", WholeNumber(*BATCH_RANGE)),
    UrlField("opt", "optimizer", OneOf(tuple(OPTIMIZERS))),
    UrlField("loss", "loss", OneOf(tuple(LOSSES))),
    UrlField("reg", "regularization", OneOf(tuple(REGULARIZATIONS))),
    UrlField("rate", "reg_rate", OneOfNumbers(REG_RATES)),
    UrlField("seed", "seed", WholeNumber(0, MAX_SEED)),
    UrlField("test", "show_test", Flag()),
    UrlField("discrete", "discretize", Flag()),
    UrlField("hide", "hide", GroupSet()),
)
QUERY_KEYS = tuple(url_field.key for url_field in URL_FIELDS)
SESSION_FIELDS = ("own",)  # fields a link does not carry
assert sorted(url_field.field for url_field in URL_FIELDS) == sorted(
    f.name for f in fields(PlaygroundConfig) if f.name not in SESSION_FIELDS)


def encode_layers(layers: tuple[Hidden, ...]) -> str:
    """``4:tanh,2:tanh``, ``4:tanh:0.2`` with dropout; ``none`` for no hidden layer."""
    return ",".join(f"{h.units}:{h.activation}" + (f":{h.dropout:g}" if h.dropout else "") for h in layers) or "none"


def to_query(config: PlaygroundConfig) -> dict[str, str]:
    """The whole setup as query-string pairs (values are plain text; the browser escapes them).

    A field written as empty text (no hidden controls) is left out.
    """
    pairs = {url_field.key: url_field.codec.write(getattr(config, url_field.field)) for url_field in URL_FIELDS}
    return {key: text for key, text in pairs.items() if text}


def _query_text(query: Mapping, key: str) -> str | None:
    """The value of ``key`` (the last one when repeated), at most 200 characters; None when absent."""
    value = query.get(key)
    if isinstance(value, (list, tuple)):
        value = value[-1] if value else None
    return None if value is None else str(value)[:200]


def from_query(query: Mapping, base: PlaygroundConfig = DEFAULT) -> tuple[PlaygroundConfig, list[str]]:
    """Read a setup from query-string pairs; missing keys keep ``base``'s values.

    Returns the config and a list of messages about values that were ignored.
    """
    values, ignored = {name: getattr(base, name) for name in SESSION_FIELDS}, []
    for url_field in URL_FIELDS:
        text = _query_text(query, url_field.key)
        if text is None:
            values[url_field.field] = getattr(base, url_field.field)
            continue
        try:
            values[url_field.field] = url_field.codec.read(text)
        except Rejected as rejected:
            shown = text if rejected.shown is None else rejected.shown
            ignored.append(f"Ignored {url_field.key}={shown[:40]!r} from the link: {rejected.why}")
            values[url_field.field] = getattr(base, url_field.field) if rejected.kept is None else rejected.kept
    return PlaygroundConfig(**values), ignored
