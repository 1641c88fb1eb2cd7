"""A seeded build gives the seed's weights without clearing TensorFlow's caches (nnlab.model.build.seed_keras).

``keras.utils.set_random_seed`` also calls ``tf.random.set_seed``, which clears TensorFlow's kernel caches in
the whole process: every student's compiled functions were instantiated again after any student opened a
network (0.11-0.25 s each, and the playground's XLA programs compiled again and kept)."""

import keras
import numpy as np
import pytest
from tensorflow.python.eager import context

from nnlab.model.build import build_model, input_shape, layer_calls
from nnlab.model.presets import PRESETS
from nnlab.playground.config import Hidden, PlaygroundConfig

SPECS = [PlaygroundConfig(dataset="xor").to_spec(),
         PlaygroundConfig(dataset="spiral", layers=(Hidden(6, "relu", 0.3), Hidden(3, "tanh"))).to_spec(),
         PRESETS["Basic 784-128-10"]]


@pytest.fixture
def cache_clears(monkeypatch):
    """How many times TensorFlow's eager caches were cleared, counted where the context clears them."""
    count = [0]
    clear = context.pywrap_tfe.TFE_ContextClearCaches

    def counting(handle):
        count[0] += 1
        return clear(handle)

    monkeypatch.setattr(context.pywrap_tfe, "TFE_ContextClearCaches", counting)
    return count


def test_a_seeded_build_keeps_tensorflow_caches(cache_clears):
    for spec in SPECS:
        build_model(spec, seed=3)
    assert cache_clears[0] == 0
    keras.utils.set_random_seed(3)  # what the build used to call: the counter does see it
    assert cache_clears[0] == 1


@pytest.mark.parametrize("spec", SPECS, ids=lambda spec: spec.name)
def test_a_seeded_build_has_the_weights_keras_set_random_seed_gives(spec):
    keras.utils.set_random_seed(7)
    reference = keras.Sequential([keras.Input(shape=input_shape(spec))] + [call.make(keras) for call in layer_calls(spec)])
    built = build_model(spec, seed=7)
    assert len(built.variables) == len(reference.variables)  # (with dropout: its seed generator's state too)
    for ours, theirs in zip(built.variables, reference.variables, strict=True):
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
    other = build_model(spec, seed=8)
    assert not np.array_equal(other.variables[-2].numpy(), built.variables[-2].numpy())
