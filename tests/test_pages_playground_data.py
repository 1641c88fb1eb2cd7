"""Page tests (AppTest) for the playground's data choices: a regression set, k classes, own points, links."""

from tests.apptest import run_page
from tests.test_pages_playground import open_with_query

PAGE = "pages/2_Playground.py"


def dataset_box(at):
    return next(box for box in at.selectbox if box.label == "Dataset")


def test_a_regression_set_switches_the_output_and_the_loss_and_says_so():
    at = run_page(PAGE, timeout=90)
    dataset_box(at).select("plane").run()
    assert not at.exception, at.exception
    assert any("output is one linear unit" in info.value and "squared error" in info.value for info in at.info)
    loss = next(box for box in at.selectbox if box.label == "Loss")
    assert loss.disabled and loss.value == "squared_error"
    assert [m.label for m in at.metric if m.label == "Typical test error"]
    at.button(key="pg_step").click().run()
    error = next(m.value for m in at.metric if m.label == "Typical test error")
    assert error.startswith("±") and float(error[1:]) < 1
    assert at.session_state["pg_run"].spec.output_activation == "linear"


def test_five_classes_behind_one_neuron_train_and_the_page_says_why():
    at = open_with_query({"data": "five_blobs", "layers": "4:tanh,1:tanh"})
    assert not at.exception, at.exception
    assert any("the last hidden layer has 1 neuron" in info.value for info in at.info)
    at.button(key="pg_step").click().run()
    assert next(m.value for m in at.metric if m.label == "Epoch") == "1"


def test_own_points_start_as_a_copy_and_keep_out_of_the_link():
    at = open_with_query({"points": "50", "sched": "step", "layers": "4:tanh:0.2,2:tanh"})
    dataset_box(at).select("own").run()
    assert not at.exception, at.exception
    config = at.session_state["pg_config"]
    assert config.dataset == "own" and len(config.own) == 50
    assert config.schedule == "step" and config.layers[0].dropout == 0.2
    assert at.query_params["data"] == "own"  # the address bar says so; reading it back names why it is ignored
    assert [b.label for b in at.button if b.label == "Clear"]
    at.button(key="pg_clear").click().run()
    assert any("Add at least two points" in error.value for error in at.error)
