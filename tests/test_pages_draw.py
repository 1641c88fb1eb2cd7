"""Page tests (streamlit AppTest) for the Draw page.

AppTest cannot drive the drawing canvas (a custom component): drawing is tested in the
browser (test_browser_draw.py). Here: the empty page, the model choice, and photo uploads.
"""

from __future__ import annotations

import io

import pytest
from PIL import Image

from nnlab.digits.photos import photo_to_mnist
from nnlab.digits.reader import read_digit
from nnlab.model.build import build_model
from nnlab.model.presets import PRESETS
from nnlab.ui.handover import SESSION_MODEL, SessionModel
from tests.apptest import run_page
from tests.mnist_helpers import PAGE as MNIST_PAGE
from tests.mnist_helpers import current, tiny, train_until
from tests.upload_files import seven_photo

PAGE = "pages/4_Draw.py"


def upload(at, data: bytes, name: str = "digit.png", mime: str = "image/png"):
    at.get("file_uploader")[0].set_value((name, data, mime))
    return at.run()


def answers(at) -> str:
    return " | ".join(m.value for m in at.markdown) + " | " + " | ".join(c.value for c in at.caption)


@pytest.fixture
def draw_page(monkeypatch, tmp_path):
    monkeypatch.setenv("NNLAB_MODELS_DIR", str(tmp_path))
    return run_page(PAGE)


def test_empty_page_asks_for_a_digit_with_the_bundled_model(draw_page):
    at = draw_page
    assert not at.exception
    assert [i.value for i in at.info] == ["Draw a digit on the black square, with the mouse or a finger."]
    assert at.radio(key="draw_model_choice").value == "Bundled CNN"
    assert at.slider(key="draw_pen").value == 18
    assert not at.error


def test_a_photo_is_read_through_the_same_recipe(draw_page):
    at = upload(draw_page, seven_photo("JPEG"), "seven.jpg", "image/jpeg")
    assert not at.exception and not at.error
    assert "It is a **7**" in answers(at)


@pytest.mark.parametrize("data, name, message", [
    (b"GIF89a not really", "digit.png", "could not be read"),
    (b"", "empty.png", "empty"),
])
def test_bad_uploads_get_a_clear_message(draw_page, data, name, message):
    at = upload(draw_page, data, name)
    assert not at.exception
    assert message in at.error[0].value


def test_blank_paper_is_not_read_as_a_digit(draw_page):
    out = io.BytesIO()
    Image.new("L", (200, 200), 240).save(out, format="PNG")
    at = upload(draw_page, out.getvalue())
    assert not at.exception
    assert "No digit found" in at.warning[0].value


def test_session_model_missing_falls_back_to_the_bundled_one(draw_page):
    at = draw_page
    at.radio(key="draw_model_choice").set_value("Trained on the MNIST page").run()
    assert not at.exception
    assert any("MNIST" in i.value and "bundled" in i.value for i in at.info)
    assert "It is a **7**" in answers(upload(at, seven_photo()))


def test_the_session_model_reads_when_there_is_one(draw_page):
    """An untrained network cannot be sure of anything: proof the page used it and not the bundled one."""
    at = draw_page
    at.session_state[SESSION_MODEL] = SessionModel(build_model(PRESETS["Basic 784-128-10"], seed=0), "untrained", None)
    at.radio(key="draw_model_choice").set_value("Trained on the MNIST page").run()
    at = upload(at, seven_photo())
    assert not at.exception and not at.error
    assert "Not sure" in answers(at)


def test_a_session_model_for_other_data_is_refused_plainly(draw_page):
    at = draw_page
    at.session_state[SESSION_MODEL] = SessionModel(build_model(PRESETS["XOR 2-2-1 tanh"], seed=0), "XOR", None)
    at.radio(key="draw_model_choice").set_value("Trained on the MNIST page").run()
    assert not at.exception
    assert "takes inputs of shape (2,)" in at.error[0].value


def test_saved_models_can_be_chosen_and_unsafe_ones_are_refused(monkeypatch, tmp_path):
    import keras

    build_model(PRESETS["Basic 784-128-10"], seed=0).save(tmp_path / "untrained.keras")
    sneaky = keras.Sequential([keras.Input((28, 28)), keras.layers.Flatten(),
                               keras.layers.Lambda(lambda x: x * 2.0), keras.layers.Dense(10)])
    sneaky.save(tmp_path / "sneaky.keras")
    monkeypatch.setenv("NNLAB_MODELS_DIR", str(tmp_path))
    at = run_page(PAGE)
    at.radio(key="draw_model_choice").set_value("A saved model").run()
    assert at.selectbox(key="draw_saved_name").options == ["sneaky.keras", "untrained.keras"]
    at.selectbox(key="draw_saved_name").set_value("untrained.keras").run()
    at = upload(at, seven_photo())
    assert not at.exception and not at.error
    assert "Not sure" in answers(at)
    at.selectbox(key="draw_saved_name").set_value("sneaky.keras").run()
    assert not at.exception
    assert "could not be loaded safely" in at.error[0].value
    assert "It is a **7**" in answers(at)  # the bundled model took over


def test_no_saved_models_says_so(draw_page):
    at = draw_page
    at.radio(key="draw_model_choice").set_value("A saved model").run()
    assert not at.exception
    assert any("No saved models yet" in i.value for i in at.info)


def test_the_model_trained_on_the_mnist_page_is_handed_to_the_draw_page(monkeypatch, tmp_path):
    """One session: a tiny run on the MNIST page, then the Draw page reads with that very model."""
    monkeypatch.setenv("NNLAB_MODELS_DIR", str(tmp_path))
    at = tiny(run_page(MNIST_PAGE), epochs=1)
    at.button(key="mnist_start").click().run()
    train_until(at, lambda run: run.ended)
    run = current(at)
    handed = at.session_state[SESSION_MODEL]
    assert isinstance(handed, SessionModel) and handed.model is run.model and handed.evaluation is run.evaluation

    at.switch_page(PAGE).run()
    at.radio(key="draw_model_choice").set_value("Trained on the MNIST page").run()
    assert not at.exception and not at.error and not at.info[1:]  # no "bundled instead" message
    assert f"Reading with **{run.label}** · {run.evaluation.accuracy:.2%} on the MNIST test set." in \
        [c.value for c in at.caption]
    expected = read_digit(photo_to_mnist(seven_photo()), run.model)  # what this model, and only it, reads
    shown = answers(upload(at, seven_photo()))
    if expected.sure:
        assert f"It is a **{expected.digit}**" in shown and f"{expected.confidence:.0%} sure" in shown
    else:
        assert expected.sentence() in shown


def canvas_drawing(paint) -> dict:
    """The canvas's state after a stroke: what streamlit-drawable-canvas sends (a PNG data URL)."""
    import base64

    from PIL import ImageDraw

    image = Image.new("RGBA", (280, 280), (0, 0, 0, 255))
    paint(ImageDraw.Draw(image))
    out = io.BytesIO()
    image.save(out, format="PNG")
    url = "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()
    return {"drawing": {"raw": {"objects": []}, "data": url}}


def test_a_dot_on_the_canvas_is_too_little_ink_and_gets_no_answer(draw_page):
    at = draw_page
    widest = at.slider(key="draw_pen").max
    at.session_state["draw_canvas"] = canvas_drawing(
        lambda pen: pen.ellipse((140 - widest / 2, 140 - widest / 2, 140 + widest / 2, 140 + widest / 2), fill="white"))
    at.run()
    assert not at.exception and not at.error
    assert [w.value for w in at.warning] == ["Too little ink to read: draw a whole digit."]
    assert "It is a **" not in answers(at) and "% sure" not in answers(at)

    at.session_state["draw_canvas"] = canvas_drawing(lambda pen: pen.line([(140, 40), (140, 240)], fill="white", width=18))
    at.run()
    assert not at.warning and "It is a **1**" in answers(at)


def drawn(at, image):
    """A drawing in the canvas's widget state, as the canvas sends it (the canvas itself is driven in the browser)."""
    import base64

    from nnlab.digits.pictures import paint_canvas

    out = io.BytesIO()
    Image.fromarray(paint_canvas(image, 200, 40, 40)).save(out, format="PNG")
    at.session_state["draw_canvas"] = {"drawing": {"raw": {}, "data": "data:image/png;base64,"
                                                   + base64.b64encode(out.getvalue()).decode("ascii")}}
    return at.run()


def test_the_inside_view_shows_every_layer_the_closer_look_and_why(draw_page):
    from nnlab.datasets import load_mnist

    _, (x, y) = load_mnist()
    seven = x[0] / 255.0
    assert y[0] == 7
    at = drawn(draw_page, seven)
    assert not at.exception and not at.error
    text = " | ".join(m.value for m in at.markdown)
    assert "It is a **7**" in text
    for part in ("1. Convolution", "2. Max pooling", "3. Convolution", "4. Convolution", "5. Max pooling",
                 "6. Dense", "7. Output", "A closer look", "Why it says 7"):
        assert part in text, part
    formula = at.get("code")[0].value
    assert "a = relu(sum(w * patch) + b)" in formula and "b = " in formula
    assert at.toggle(key="draw_show_inside").value is True
    at.toggle(key="draw_show_inside").set_value(False).run()
    assert "A closer look" not in " | ".join(m.value for m in at.markdown)


def test_a_dense_network_shows_its_dense_layers_inside(draw_page):
    from nnlab.datasets import load_mnist

    _, (x, _) = load_mnist()
    at = draw_page
    at.session_state[SESSION_MODEL] = SessionModel(build_model(PRESETS["Hands-On DNN 784-300-100-10"], seed=0),
                                                   "untrained", None)
    at.radio(key="draw_model_choice").set_value("Trained on the MNIST page").run()
    at = drawn(at, x[0] / 255.0)
    assert not at.exception and not at.error
    text = " | ".join(m.value for m in at.markdown)
    assert "1. Dense** · 300 units" in text and "2. Dense** · 100 units" in text and "Convolution" not in text
    assert any("no convolutions" in c.value for c in at.caption)
    assert "Why it says" in text
