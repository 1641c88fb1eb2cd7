"""The optimizers, one row each: its title, the Keras class it builds and that class's fixed arguments.

Every step, with ``g`` the gradient of the batch loss for a weight ``w``, ``η`` the
learning rate and ``t`` the step number (1, 2, ...), the rows update ``w`` as Keras does:

* ``sgd``: ``w ← w − η·g``.
* ``momentum`` (μ = 0.9): ``v ← μ·v − η·g``, then ``w ← w + v``; ``v`` starts at 0, so a
  steady gradient moves ``w`` up to ``1 / (1 − μ) = 10`` times further per step than SGD.
* ``adam`` (β1 = 0.9, β2 = 0.999, ε = 1e-7): ``m ← β1·m + (1 − β1)·g``,
  ``s ← β2·s + (1 − β2)·g²``, then ``w ← w − η·√(1 − β2^t) / (1 − β1^t) · m / (√s + ε)``.
* ``rmsprop`` (ρ = 0.9, ε = 1e-7): ``s ← ρ·s + (1 − ρ)·g²``, then ``w ← w − η·g / √(s + ε)``.

The constants not listed in a row's ``options`` are Keras's defaults.
"""

from __future__ import annotations

from dataclasses import dataclass

from nnlab.model.choice import Choice, table
from nnlab.model.keras_call import KerasCall


@dataclass(frozen=True)
class Optimizer(Choice):
    keras_class: str  # keras.optimizers.<keras_class>
    options: tuple[tuple[str, float], ...] = ()  # constructor arguments besides the learning rate

    def call(self, learning_rate: float) -> KerasCall:
        """The Keras constructor call for this optimizer at ``learning_rate``."""
        return KerasCall("optimizers", self.keras_class, (), (("learning_rate", learning_rate), *self.options))

    def make(self, learning_rate: float):
        """A fresh Keras optimizer (each model needs its own: it holds per-weight state)."""
        import keras

        return self.call(learning_rate).make(keras)


OPTIMIZERS: dict[str, Optimizer] = table(
    Optimizer("sgd", "SGD", keras_class="SGD"),
    Optimizer("momentum", "SGD with momentum 0.9", keras_class="SGD", options=(("momentum", 0.9),)),
    Optimizer("adam", "Adam", keras_class="Adam"),
    Optimizer("rmsprop", "RMSprop", keras_class="RMSprop", in_playground=False),
)
