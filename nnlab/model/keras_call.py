"""One Keras constructor call as data: built with Keras, or printed as Keras source.

``KerasCall("layers", "Dense", (128,), (("activation", "relu"),))`` is
``keras.layers.Dense(128, activation='relu')``. An argument may itself be a
:class:`KerasCall` (a regularizer inside a layer), so the model the app trains
and the script it exports come from the same value. TensorFlow is imported only
by :meth:`KerasCall.make`'s caller, which passes the ``keras`` module in.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class KerasCall:
    """``keras.<namespace>.<cls>(*args, **kwargs)``; kwargs kept as pairs so the call is hashable."""

    namespace: str  # "layers", "optimizers", "regularizers"
    cls: str
    args: tuple = ()
    kwargs: tuple[tuple[str, Any], ...] = ()

    def code(self) -> str:
        parts = [_code(arg) for arg in self.args] + [f"{key}={_code(value)}" for key, value in self.kwargs]
        return f"keras.{self.namespace}.{self.cls}({', '.join(parts)})"

    def make(self, keras):
        """The Keras object, with nested calls made first."""
        args = [_make(arg, keras) for arg in self.args]
        kwargs = {key: _make(value, keras) for key, value in self.kwargs}
        return getattr(getattr(keras, self.namespace), self.cls)(*args, **kwargs)


def _code(value) -> str:
    return value.code() if isinstance(value, KerasCall) else repr(value)


def _make(value, keras):
    return value.make(keras) if isinstance(value, KerasCall) else value
