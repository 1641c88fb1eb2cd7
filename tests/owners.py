"""Fixtures shared by the model-ownership tests: a small digit reader, its upload bytes, a models folder, two students."""

from __future__ import annotations

import uuid

import pytest

from tests.upload_files import keras_bytes


@pytest.fixture(scope="module")
def model():
    """A small digit reader (28x28 -> 10): quick to save, and accepted as an upload."""
    import keras

    return keras.Sequential([keras.Input((28, 28)), keras.layers.Flatten(), keras.layers.Dense(10)])


@pytest.fixture(scope="module")
def upload_bytes(model, tmp_path_factory):
    return keras_bytes(model, tmp_path_factory.mktemp("made"))


@pytest.fixture
def folder(tmp_path):
    return tmp_path / "models"


@pytest.fixture
def alice():
    return f"alice-{uuid.uuid4().hex}"


@pytest.fixture
def bob():
    return f"bob-{uuid.uuid4().hex}"
