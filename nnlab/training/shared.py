"""Compiled functions shared by every model of one architecture: no trace per student.

Tracing a ``tf.function`` for a new Keras model costs about 0.3 s of a core (1.4 s with the
first calls of a playground trainer), and XLA compiling it about 1 s more. With thirty students
opening the playground at once on two cores that was a 23 s wait each. Yet their networks are
the same maths on different numbers: only the weights differ.

So the compiled functions are made once per *architecture* and take the weights as arguments.
A :class:`Template` is a clone of the first model of its architecture (same layers, same
optimizer, its own unused variables). While a function is being traced, each of the template's
Keras variables is pointed at the matching ``tf.Variable`` passed in as an argument
(:func:`nnlab.ui.compat`-style fence: :meth:`Template.bound`), so the traced graph reads and
updates *the variables it is given*, never the template's own. Every later call, for any model of
that architecture, runs the same graph on that model's variables: the same operations in the same
order as a per-model trace, so the weights agree bit for bit (tests/test_shared_step.py).

Why not Keras's ``model.stateless_call`` and ``optimizer.stateless_apply``: the TensorFlow backend's
optimizer refuses ``stateless_apply`` (Keras 3.x raises "not supported with the TensorFlow
backend"), and writing the optimizers again would no longer be the Keras update students read about.

Two models share a template when :func:`architecture_key` agrees: the model's layer configuration
without the layer names, the optimizer's configuration without its learning rate (a variable, so
each student keeps their own), and the loss. The functions' own cache then keys on the data
shapes (and on the batch size, for XLA). Templates are kept in a small LRU cache (``MAX_TEMPLATES``).

Internals relied on (checked on Keras 3.12, TensorFlow 2.21): a Keras TensorFlow variable keeps its
``tf.Variable`` in ``_value``; the optimizer finds a variable's slot by ``id`` of that
``tf.Variable`` (``_trainable_variables_indices``). :func:`check_template` fails loudly (a
``RuntimeError`` at the first trainer) if either changes.
"""

from __future__ import annotations

import contextlib
import json
import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Iterator

MAX_TEMPLATES = 32  # architectures kept compiled; the least recently used beyond that is dropped

_templates: OrderedDict[str, Template] = OrderedDict()
_templates_lock = threading.Lock()
_keys: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # model -> {(optimizer, loss, extra) ids: key}


def _without_names(value):
    """A layer configuration with every ``name`` removed (Keras numbers the layers of each model anew)."""
    if isinstance(value, dict):
        return {k: _without_names(v) for k, v in value.items() if k != "name"}
    if isinstance(value, (list, tuple)):
        return [_without_names(v) for v in value]
    return value


def architecture_key(model, optimizer=None, loss=None, extra: tuple = ()) -> str:
    """What a compiled function depends on besides the numbers: layers, optimizer (not its learning
    rate), loss and the caller's ``extra`` (e.g. how it evaluates)."""
    import keras

    parts = {"model": _without_names(model.get_config()), "inputs": [list(model.input_shape)]}
    if optimizer is not None:
        config = {k: v for k, v in optimizer.get_config().items() if k not in ("name", "learning_rate")}
        parts["optimizer"] = [type(optimizer).__name__, config]
    if loss is not None:
        parts["loss"] = _without_names(keras.losses.serialize(loss))
    parts["extra"] = list(extra)
    return json.dumps(parts, sort_keys=True, default=repr)


def keras_variables(model, optimizer=None) -> list:
    """The Keras variables a function of this model reads or writes, in a fixed order."""
    return list(model.variables) + (list(optimizer.variables) if optimizer is not None else [])


def handles(model, optimizer=None) -> list:
    """The ``tf.Variable`` behind each of :func:`keras_variables`: what a shared function is given."""
    return [v.value for v in keras_variables(model, optimizer)]


class Template:
    """A clone of a model (and of its optimizer) whose variables stand for the ones passed in at trace time.

    ``functions`` is the caller's own cache of compiled functions for this architecture.
    """

    def __init__(self, model, optimizer=None):
        import keras

        from nnlab.model.losses import CUSTOM_LOSSES
        from nnlab.training.train import single_replica

        # clone_model compiles the clone from the model's compile config: our own losses must be known
        custom = {name: function for name, (function, _) in CUSTOM_LOSSES.items()}
        with keras.saving.custom_object_scope(custom):
            self.model = keras.models.clone_model(model)
        self.optimizer = None
        if optimizer is not None:
            self.optimizer = single_replica(type(optimizer).from_config(optimizer.get_config()))
            self.optimizer.build(self.model.trainable_variables)
        self.variables = keras_variables(self.model, self.optimizer)
        self.shapes = [tuple(v.shape) for v in self.variables]
        self.functions: dict = {}
        self._lock = threading.RLock()  # one trace at a time binds the template
        check_template(self)

    def matches(self, model, optimizer=None) -> bool:
        return [tuple(v.shape) for v in keras_variables(model, optimizer)] == self.shapes

    @contextlib.contextmanager
    def bound(self, variables: list) -> Iterator[None]:
        """While tracing: the template's Keras variables stand for ``variables`` (tf.Variables, or the
        placeholders a ``tf.function`` makes of them), in :func:`keras_variables` order."""
        with self._lock:
            saved = [v._value for v in self.variables]
            optimizer = self.optimizer
            saved_index = optimizer._trainable_variables_indices if optimizer is not None else None
            try:
                for keras_variable, variable in zip(self.variables, variables, strict=True):
                    keras_variable._value = variable
                if optimizer is not None:  # the slots are found by the id of the tf.Variable
                    optimizer._trainable_variables_indices = {
                        optimizer._var_key(v): i for i, v in enumerate(self.model.trainable_variables)}
                yield
            finally:
                for keras_variable, value in zip(self.variables, saved, strict=True):
                    keras_variable._value = value
                if optimizer is not None:
                    optimizer._trainable_variables_indices = saved_index

    def function(self, name: str, make: Callable[[], Callable]) -> Callable:
        """The compiled function ``name`` of this architecture, made by ``make()`` the first time."""
        with self._lock:
            if name not in self.functions:
                self.functions[name] = make()
            return self.functions[name]


def check_template(template: Template) -> None:
    """The Keras internals :meth:`Template.bound` relies on are there (see the module's docstring)."""
    import tensorflow as tf

    problems = []
    if not all(isinstance(getattr(v, "_value", None), tf.Variable) for v in template.variables):
        problems.append("a Keras variable no longer keeps its tf.Variable in _value")
    optimizer = template.optimizer
    if optimizer is not None and not (isinstance(getattr(optimizer, "_trainable_variables_indices", None), dict)
                                      and hasattr(optimizer, "_var_key")):
        problems.append("the optimizer no longer finds its slots through _trainable_variables_indices")
    if problems:
        raise RuntimeError("nnlab.training.shared: " + "; ".join(problems) + " (checked on Keras 3.12).")


def _key_of(model, optimizer, loss, extra: tuple) -> str:
    """:func:`architecture_key`, remembered per model (a page asks for it at every redraw: 1-2 ms each)."""
    known = _keys.setdefault(model, {})
    ids = (id(optimizer), id(loss), extra)
    if ids not in known:
        known[ids] = architecture_key(model, optimizer, loss, extra)
    return known[ids]


def template_for(model, optimizer=None, loss=None, extra: tuple = ()) -> Template:
    """The shared :class:`Template` of ``model``'s architecture, made from ``model`` the first time."""
    key = _key_of(model, optimizer, loss, extra)
    with _templates_lock:
        template = _templates.get(key)
        if template is not None and template.matches(model, optimizer):
            _templates.move_to_end(key)
            return template
    template = Template(model, optimizer)  # outside the lock: a clone takes some milliseconds
    with _templates_lock:
        known = _templates.get(key)
        if known is not None and known.matches(model, optimizer):
            template = known  # another thread made it meanwhile
        _templates[key] = template
        _templates.move_to_end(key)
        while len(_templates) > MAX_TEMPLATES:
            _templates.popitem(last=False)
    return template


def clear() -> None:
    """Forget every template (tests)."""
    with _templates_lock:
        _templates.clear()
