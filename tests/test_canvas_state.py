"""The drawing canvas's PNG data URL -> RGBA pixels (nnlab.digits.photos.rgba_from_data_url), read off the widget state
(nnlab/ui/compat/canvas_state.py)."""

from __future__ import annotations

import base64
import io

import numpy as np
import pytest
from PIL import Image, ImageDraw

from nnlab.digits import photos, preprocess, reader
from nnlab.ui.compat import canvas_state


def data_url(image: Image.Image, fmt: str = "PNG") -> str:
    out = io.BytesIO()
    image.save(out, format=fmt)
    return f"data:image/{fmt.lower()};base64," + base64.b64encode(out.getvalue()).decode()


def test_a_canvas_png_becomes_its_rgba_pixels_and_reads_as_the_digit_drawn():
    canvas = Image.new("RGBA", (280, 280), (0, 0, 0, 255))
    ImageDraw.Draw(canvas).line([(140, 40), (140, 240)], fill=(255, 255, 255, 255), width=18)
    rgba = photos.rgba_from_data_url(data_url(canvas))
    assert rgba.shape == (280, 280, 4) and rgba.dtype == np.uint8
    assert np.array_equal(rgba, np.asarray(canvas))
    assert reader.read_digit(preprocess.canvas_to_mnist(rgba)).digit == 1


@pytest.mark.parametrize("url", [
    "javascript:alert(1)",
    "data:text/html;base64,PGgxPmhpPC9oMT4=",
    "data:image/png;base64,not base64!!",
    "data:image/png;base64," + base64.b64encode(b"\x89PNG\r\n\x1a\nbroken").decode(),
    "data:image/png;base64," + "A" * (photos.MAX_PHOTO_BYTES * 2),
])
def test_anything_but_a_png_image_is_refused_with_a_sentence(url):
    with pytest.raises(photos.DigitImageError) as error:
        photos.rgba_from_data_url(url)
    assert str(error.value).endswith(".") or str(error.value).endswith(").")


def test_the_widget_state_gives_the_drawing_and_nothing_before_a_stroke(caplog):
    canvas = Image.new("RGBA", (280, 280), (0, 0, 0, 255))
    ImageDraw.Draw(canvas).line([(140, 40), (140, 240)], fill=(255, 255, 255, 255), width=18)
    with caplog.at_level("WARNING", logger="nnlab"):
        assert canvas_state.rgba_from_state(None) is None  # before the canvas was ever drawn
        assert canvas_state.rgba_from_state({"drawing": {"raw": {"objects": []}, "data": None}}) is None  # its default
        rgba = canvas_state.rgba_from_state({"drawing": {"raw": {"objects": []}, "data": data_url(canvas)}})
    assert np.array_equal(rgba, np.asarray(canvas))
    assert caplog.records == []


@pytest.mark.parametrize("state", [{"image": "data:image/png;base64,"}, {"drawing": "raw"}, {"drawing": {"raw": {}}},
                                   "a string"])
def test_a_widget_state_of_another_layout_reads_as_no_drawing_and_is_logged_once(state, monkeypatch, caplog):
    monkeypatch.setattr(canvas_state, "_unknown_logged", False)
    with caplog.at_level("WARNING", logger="nnlab"):
        assert canvas_state.rgba_from_state(state) is None
        assert canvas_state.rgba_from_state(state) is None
    assert caplog.text.count("the canvas widget state has no drawing['data']") == 1
