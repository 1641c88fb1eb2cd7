"""Page tests (streamlit AppTest) for the home page and the Build page."""

import os
import subprocess
import sys

import pytest

from nnlab.model.presets import PRESETS
from nnlab.model.spec import LayerSpec
from tests.apptest import APP, AS_STREAMLIT_RUN, run_page


@pytest.fixture
def build_page():
    return run_page("pages/1_Build.py")


def total_parameters(at) -> int:
    return int(at.metric[0].value.replace(",", ""))


def test_home_page_lists_the_pages_and_imports_no_tensorflow():
    code = AS_STREAMLIT_RUN + (
        "from streamlit.testing.v1 import AppTest\n"
        f"at = AppTest.from_file({APP!r}, default_timeout=60).run()\n"
        "assert not at.exception, at.exception\n"
        "print('TF' if 'tensorflow' in sys.modules else 'NO-TF')\n"
        "print(' | '.join(m.value for m in at.markdown))\n"
    )
    env = dict(os.environ, NNLAB_PRELOAD_TENSORFLOW="0")  # the page itself, without its background preload
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True,
                            env=env)
    assert "NO-TF" in result.stdout
    assert "TensorFlow" in result.stdout and "CPU cores" in result.stdout


def test_home_page_preloads_tensorflow_after_it_is_drawn():
    code = AS_STREAMLIT_RUN + (
        "from streamlit.testing.v1 import AppTest\n"
        "from nnlab import environment\n"
        f"at = AppTest.from_file({APP!r}, default_timeout=60).run()\n"
        "assert not at.exception, at.exception\n"
        "thread = environment.preload_tensorflow()\n"
        "assert thread is not None and thread.name == 'nnlab-preload-tensorflow'\n"
        "thread.join(120)\n"
        "assert environment.tensorflow_imported()\n"
        "assert environment.preload_tensorflow() is thread  # once per process\n"
        "assert CountingPath.changes == 0, 'sys.path changed while the preload imported'\n"
        "print('PRELOADED')\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "NNLAB_PRELOAD_TENSORFLOW"}  # as `make run` runs it
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=180,
                            cwd=os.path.dirname(APP), env=env)
    assert "PRELOADED" in result.stdout, result.stderr[-2000:]


def test_build_page_starts_with_the_default_preset(build_page):
    assert not build_page.exception
    assert total_parameters(build_page) == PRESETS["Basic 784-128-10"].param_count()


def test_adding_a_layer_changes_the_parameter_count(build_page):
    before = total_parameters(build_page)
    build_page.selectbox(key="spec_0_new_kind").set_value("dense")
    build_page.button(key="spec_0_add").click().run()
    spec = build_page.session_state["model_spec"]
    assert spec.layers[-1] == LayerSpec("dense", units=32, activation="relu")
    assert total_parameters(build_page) == spec.param_count() != before
    assert total_parameters(build_page) == 784 * 128 + 128 + 128 * 32 + 32 + 32 * 10 + 10


def test_editing_units_moving_and_removing_layers(build_page):
    build_page.number_input(key="spec_0_layer_1_units").set_value(64).run()
    assert total_parameters(build_page) == 784 * 64 + 64 + 64 * 10 + 10
    build_page.button(key="spec_0_up_1").click().run()  # Dense before Flatten: invalid
    assert "add a Flatten layer before it" in build_page.error[0].value
    assert not build_page.metric
    build_page.button(key="spec_1_remove_0").click().run()  # remove the misplaced Dense
    assert [layer.kind for layer in build_page.session_state["model_spec"].layers] == ["flatten"]
    assert total_parameters(build_page) == 784 * 10 + 10


def test_loading_a_preset_replaces_the_stack(build_page):
    build_page.selectbox(key="preset_choice").set_value("Small CNN")
    build_page.button[0].click().run()
    assert total_parameters(build_page) == 75_242
    assert build_page.session_state["model_spec"].name == "Small CNN"


def test_switching_to_points_input_shows_features(build_page):
    build_page.radio(key="spec_0_input_kind").set_value("points").run()
    spec = build_page.session_state["model_spec"]
    assert spec.input.features == ("x1", "x2") and spec.n_classes == 2
    assert build_page.multiselect(key="spec_1_features").value == ["x1", "x2"]
    build_page.multiselect(key="spec_1_features").set_value([]).run()
    assert "at least one input feature" in build_page.error[0].value


def test_the_spec_is_kept_when_coming_back_to_the_page(build_page):
    build_page.button(key="spec_0_remove_1").click().run()
    build_page.switch_page(APP).run()
    assert "What each page teaches" in [header.value for header in build_page.subheader]
    build_page.switch_page("pages/1_Build.py").run()
    assert total_parameters(build_page) == 7850
