"""Weights you can touch: name every weight and bias of the playground's network, read, edit, explain.

A parameter is addressed by :class:`Param`: Dense layer ``layer`` (0 = the first hidden layer),
``neuron`` (its output column) and ``source`` (the neuron of the column before it; ``None`` for the
bias). The diagram's columns are the inputs (column 0), then one per Dense layer: weight
``W_l[i, j]`` joins neuron ``i`` of column ``l`` to neuron ``j`` of column ``l + 1``.

Neuron ``j`` of layer ``l`` computes ``a = f(sum_i w_ij a_i + b_j)`` from the column before it:
:func:`neuron_formula` writes that with the actual numbers, and evaluates it at one point.

An edit is checked first (:func:`check_value`): a weight must be a finite number with
``|w| <= MAX_ABS``; 1e9 or NaN is refused with a sentence and nothing changes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from nnlab.playground.backprop import dense_layers, forward, read_layers

MAX_ABS = 100.0  # |w| above this saturates every neuron after it: the boundary stops meaning anything
SYMBOLS = {"x1^2": "x1²", "x2^2": "x2²", "x1*x2": "x1·x2"}
ACTIVATION_NAMES = {"tanh": "tanh", "relu": "ReLU", "sigmoid": "sigmoid", "linear": "linear", "softmax": "softmax"}


@dataclass(frozen=True)
class Param:
    """One weight (``source`` is a neuron index) or one bias (``source is None``) of Dense layer ``layer``."""

    layer: int
    neuron: int
    source: int | None = None

    @property
    def is_bias(self) -> bool:
        return self.source is None


def neuron_names(features: tuple[str, ...], units: list[int]) -> list[list[str]]:
    """Short names per column: the features, then ``h1.2`` (hidden layer 1, neuron 2), then ``out`` or ``out2``."""
    names = [[SYMBOLS.get(f, f) for f in features]]
    for index, count in enumerate(units):
        last = index == len(units) - 1
        if last:
            names.append(["out"] if count == 1 else [f"out{j + 1}" for j in range(count)])
        else:
            names.append([f"h{index + 1}.{j + 1}" for j in range(count)])
    return names


def names_for(model, features) -> list[list[str]]:
    return neuron_names(tuple(features), [layer.units for layer in dense_layers(model)])


def describe(param: Param, names: list[list[str]]) -> str:
    """``weight x1 → h1.2`` or ``bias of h1.2``."""
    target = names[param.layer + 1][param.neuron]
    return f"bias of {target}" if param.is_bias else f"weight {names[param.layer][param.source]} → {target}"


def all_params(model) -> list[Param]:
    """Every weight and bias, layer by layer: for each neuron its incoming weights, then its bias."""
    params = []
    for index, layer in enumerate(dense_layers(model)):
        n_in, n_out = layer.kernel.shape
        for j in range(n_out):
            params += [Param(index, j, i) for i in range(n_in)] + [Param(index, j)]
    return params


def _variable(model, param: Param):
    layer = dense_layers(model)[param.layer]
    return layer.bias if param.is_bias else layer.kernel


def get_value(model, param: Param) -> float:
    values = np.asarray(_variable(model, param))
    return float(values[param.neuron] if param.is_bias else values[param.source, param.neuron])


def check_value(value, what: str = "a weight") -> float:
    """``value`` as a float, or ValueError with a sentence for the page: not a number, NaN, infinite, too large."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{value!r} is not a number: type one such as 0.5 or -1.2. "
                         "Nothing was changed.") from None
    if math.isnan(number):
        raise ValueError(f"NaN is not a number {what} can hold. Nothing was changed.")
    if not math.isfinite(number) or abs(number) > MAX_ABS:
        raise ValueError(f"{number:g} is too large for {what}: keep it between −{MAX_ABS:g} and {MAX_ABS:g} "
                         "(beyond that every neuron after it is saturated). Nothing was changed.")
    return number


def set_value(model, param: Param, value, lock=None) -> float:
    """Set one weight or bias (checked by :func:`check_value`); returns its previous value.

    ``lock``: the trainer's lock, so that no training chunk runs while the weight changes.
    """
    number = check_value(value, "a bias" if param.is_bias else "a weight")
    variable = _variable(model, param)
    if lock is not None:
        lock.acquire()
    try:
        values = np.array(variable.numpy())
        index = param.neuron if param.is_bias else (param.source, param.neuron)
        previous = float(values[index])
        values[index] = number
        variable.assign(values)
    finally:
        if lock is not None:
            lock.release()
    return previous


def _signed(value: float, first: bool) -> str:
    value = round(value, 2) + 0.0  # -0.001 reads "+ 0.00", not "− 0.00"
    if first:
        return f"{value:.2f}"
    return f"+ {value:.2f}" if value >= 0 else f"− {abs(value):.2f}"


def _number(value: float) -> str:
    return f"{value:.2f}" if value >= 0 else f"({value:.2f})"


@dataclass(frozen=True)
class NeuronFormula:
    """What one neuron computes: the formula with its weights, and the same at one point with its inputs."""

    name: str
    formula: str  # h1.2 = tanh(0.52·x1 − 1.30·x2 + 0.10)
    at_point: str  # at (x1, x2) = (1.00, −2.00): tanh(0.52·1.00 − 1.30·(−2.00) + 0.10) = tanh(3.22) = 0.997
    value: float


def neuron_formula(model, features, column: int, neuron: int, point: np.ndarray, layers=None) -> NeuronFormula:
    """The formula of neuron ``neuron`` of diagram column ``column`` (0: an input), at ``point`` (its features).

    ``layers``: the model's numbers (:func:`~nnlab.playground.backprop.read_layers`), when already read.
    """
    layers = read_layers(model) if layers is None else layers
    names = neuron_names(tuple(features), [layer.W.shape[1] for layer in layers])
    point = np.asarray(point, dtype=np.float64).reshape(1, -1)
    z, a = forward(layers, point)
    where = "at (" + ", ".join(names[0]) + ") = (" + ", ".join(f"{v:.2f}" for v in point[0]) + ")"
    name = names[column][neuron]
    if column == 0:
        return NeuronFormula(name, f"{name}: an input feature", f"{where}: {name} = {point[0, neuron]:.3f}",
                             float(point[0, neuron]))
    layer = layers[column - 1]
    inputs = names[column - 1]
    f = ACTIVATION_NAMES.get(layer.activation, layer.activation)
    weights = layer.W[:, neuron]
    terms = " ".join(_signed(w, i == 0) + "·" + n for i, (w, n) in enumerate(zip(weights, inputs, strict=True)))
    bias = _signed(float(layer.b[neuron]), False)
    values = a[column - 1][0]
    numbers = " ".join(_signed(w, i == 0) + "·" + _number(v) for i, (w, v) in enumerate(zip(weights, values,
                                                                                            strict=True)))
    z_value = float(z[column - 1][0, neuron])
    out = float(a[column][0, neuron])
    if layer.activation == "softmax":
        formula = f"{name} = softmax(z)_{neuron + 1},  z_{neuron + 1} = {terms} {bias}"
        at = f"{where}: z_{neuron + 1} = {numbers} {bias} = {z_value:.3f};  {name} = {out:.3f}"
    else:
        formula = f"{name} = {f}({terms} {bias})"
        at = f"{where}: {f}({numbers} {bias}) = {f}({z_value:.3f}) = {out:.3f}"
    return NeuronFormula(name, formula, at, out)
