"""The weight penalties, one row each: its title and the Keras regularizer it adds to each kernel.

With rate ``λ`` and the kernel weights ``w`` of every Dense and Conv2D layer (the output
layer included; biases are not penalised), the training loss gains

* ``none``: nothing;
* ``l1``: ``λ·Σ|w|`` (pushes small weights to exactly 0);
* ``l2``: ``λ·Σw²`` (shrinks every weight in proportion to its size: "weight decay").
"""

from __future__ import annotations

from dataclasses import dataclass

from nnlab.model.choice import Choice, table
from nnlab.model.keras_call import KerasCall


@dataclass(frozen=True)
class Regularization(Choice):
    keras_class: str | None = None  # keras.regularizers.<keras_class>; None adds no penalty

    def call(self, rate: float) -> KerasCall | None:
        """The Keras regularizer at ``rate``, or None when this row (or a zero rate) adds nothing."""
        if self.keras_class is None or rate <= 0:
            return None
        return KerasCall("regularizers", self.keras_class, (rate,))


REGULARIZATIONS: dict[str, Regularization] = table(
    Regularization("none", "None"),
    Regularization("l1", "L1", keras_class="L1"),
    Regularization("l2", "L2", keras_class="L2"),
)
