"""Race two setups: two playground networks that differ in one thing, trained side by side.

Both start from the same seed (the same starting weights wherever their shapes agree, the same
batches) on the same points; only the field chosen in :data:`CHANGES` differs. The two runs are
two :class:`RaceLeg`\\ s driven by the one live driver (:mod:`nnlab.ui.live_driver`): the first trains
for its share of a tick, the second then trains exactly to the same epoch, so the two boundaries
on screen are always at the same epoch and their loss curves can be read against each other.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace

from nnlab.model.layers import ACTIVATIONS
from nnlab.playground.config import LEARNING_RATES, MAX_UNITS, OPTIMIZERS, Hidden, PlaygroundConfig
from nnlab.playground.session import PlaygroundRun
from nnlab.training.live import RUNNING

ACTIVATION_TITLES = {"relu": "ReLU", "tanh": "Tanh", "sigmoid": "Sigmoid", "linear": "Linear"}


def _units(config: PlaygroundConfig, units: int) -> PlaygroundConfig:
    layers = config.layers or (Hidden(units, "tanh"),)
    return replace(config, layers=tuple(replace(layer, units=units) for layer in layers))


def _activation(config: PlaygroundConfig, activation: str) -> PlaygroundConfig:
    layers = config.layers or (Hidden(4, activation),)
    return replace(config, layers=tuple(replace(layer, activation=activation) for layer in layers))


@dataclass(frozen=True)
class Change:
    """One thing two racers can differ in: its values, how to read it from a setup and how to set it."""

    name: str
    title: str
    options: tuple
    read: Callable[[PlaygroundConfig], object]
    write: Callable[[PlaygroundConfig, object], PlaygroundConfig]
    show: Callable[[object], str]
    rival: Callable[[object], object] | None = None  # the default value of the other setup




CHANGES: dict[str, Change] = {change.name: change for change in (
    Change("units", "Neurons in each hidden layer", tuple(range(1, MAX_UNITS + 1)),
           lambda c: c.layers[0].units if c.layers else 4, _units,
           lambda v: f"{v} neuron{'s' if v != 1 else ''} per layer", lambda v: 2 if v != 2 else 4),
    Change("activation", "Activation of the hidden layers", ACTIVATIONS,
           lambda c: c.layers[0].activation if c.layers else "tanh", _activation, ACTIVATION_TITLES.get,
           lambda v: "relu" if v != "relu" else "tanh"),
    Change("learning_rate", "Learning rate", LEARNING_RATES, lambda c: c.learning_rate,
           lambda c, v: replace(c, learning_rate=v), lambda v: f"learning rate {v:g}"),
    Change("optimizer", "Optimizer", tuple(OPTIMIZERS), lambda c: c.optimizer,
           lambda c, v: replace(c, optimizer=v), OPTIMIZERS.get),
    Change("batch_size", "Batch size", (1, 5, 10, 25, 50), lambda c: c.batch_size,
           lambda c, v: replace(c, batch_size=v), lambda v: f"batch size {v}"),
)}


def other_value(change: Change, value):
    """A default rival value: the change's own (2 neurons against 4, ReLU against Tanh), else the next option
    after ``value`` (the one before for the last)."""
    if change.rival is not None:
        return change.rival(value)
    options = list(change.options)
    index = options.index(value) if value in options else 0
    return options[index + 1] if index + 1 < len(options) else options[index - 1]


def race_configs(config: PlaygroundConfig, change: Change, value_a, value_b) -> tuple[PlaygroundConfig, PlaygroundConfig]:
    """The two setups: ``config`` with the change set to ``value_a`` and to ``value_b`` (same seed, same data)."""
    return change.write(config, value_a), change.write(config, value_b)


class RaceLeg(PlaygroundRun):
    """One of the two racers. The second (``leader`` given) trains, in each chunk, exactly up to the epoch
    its leader has reached, whatever that takes; once the leader has stopped (diverged), it trains on its own."""

    def __init__(self, config: PlaygroundConfig, title: str, leader: RaceLeg | None = None):
        super().__init__(config)
        self.config = config
        self.title = title
        self.leader = leader
        self.label = title

    def _train_chunk(self, seconds: float) -> int:
        if self.leader is None or self.leader.state != RUNNING:
            return super()._train_chunk(seconds)
        self.trainer.learning_rate = self.current_rate  # (a schedule's rate for this epoch)
        result = self.trainer.train_locked(math.inf, whole_epochs=True, max_epochs=self.leader.trainer.epoch)
        self._settle(result)
        return result.steps


def make_race(config: PlaygroundConfig, change: Change, value_a, value_b) -> list[RaceLeg]:
    """The two racers, traced and running (the live driver trains them)."""
    config_a, config_b = race_configs(config, change, value_a, value_b)
    first = RaceLeg(config_a, f"A: {change.show(value_a)}")
    second = RaceLeg(config_b, f"B: {change.show(value_b)}", leader=first)
    for leg in (first, second):
        leg.trainer.warm_up()
        leg.resume()
    return [first, second]
