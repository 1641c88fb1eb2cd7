"""Streamlit clears the Keras session after every script run; nnlab's pages switch that off."""

from streamlit.runtime.scriptrunner import script_runner

from nnlab.ui.compat import keras_session
from nnlab.ui.compat.keras_session import keep_keras_session
from tests.apptest import run_page


def test_every_page_run_leaves_keras_session_alone(monkeypatch):
    monkeypatch.setattr(script_runner, "_clean_problem_modules", lambda: None)
    run_page("pages/1_Build.py")
    assert getattr(script_runner._clean_problem_modules, "nnlab", False)


def test_keep_keras_session_keeps_models_usable_after_the_clean_up():
    import keras
    import numpy as np

    assert keep_keras_session()
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    before = keras.backend.get_uid("dense")
    script_runner._clean_problem_modules()  # what Streamlit runs after each script run
    assert keras.backend.get_uid("dense") == before + 1  # clear_session() would have reset the name counter
    assert model(np.zeros((1, 2), dtype=np.float32)).shape == (1, 1)


def test_a_streamlit_without_the_hook_is_left_alone_and_the_log_says_so_once(monkeypatch, caplog):
    monkeypatch.delattr(script_runner, "_clean_problem_modules")
    monkeypatch.setattr(keras_session, "_missing_logged", False)
    with caplog.at_level("WARNING", logger="nnlab"):
        assert keep_keras_session() is False
        assert keep_keras_session() is False
    assert not hasattr(script_runner, "_clean_problem_modules")  # nothing was put in its place
    assert caplog.text.count("Streamlit has no script_runner._clean_problem_modules") == 1


def test_a_page_run_after_tensorflow_is_loaded_freezes_the_loaded_objects(monkeypatch):
    import gc

    import tensorflow  # noqa: F401  (loaded, as after any page that trains)

    from nnlab.ui.compat import runtime

    monkeypatch.setattr(runtime, "_frozen", False)
    frozen_before = gc.get_freeze_count()
    run_page("pages/1_Build.py")
    assert runtime._frozen and gc.get_freeze_count() > frozen_before
