"""Drawings and photos -> MNIST-style 28x28 images (nnlab.digits), and the bundled digit reader."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image, ImageDraw

from nnlab.datasets import load_mnist
from nnlab.digits import photos, pictures, preprocess, reader

CANVAS = 280


def blank(transparent: bool = True) -> np.ndarray:
    rgba = np.zeros((CANVAS, CANVAS, 4), np.uint8)
    if not transparent:
        rgba[..., 3] = 255
    return rgba


def draw(shapes, transparent: bool = True, ink: str = "white", paper: str | None = None, size: int = CANVAS):
    """Shapes drawn with PIL as the canvas would: ``("line", points, width)`` or ``("ellipse", box, width)``."""
    background = paper or ((0, 0, 0, 0) if transparent else (0, 0, 0, 255))
    image = Image.new("RGBA", (size, size), background)
    pen = ImageDraw.Draw(image)
    for kind, where, width in shapes:
        if kind == "line":
            pen.line(where, fill=ink, width=width, joint="curve")
        else:
            pen.ellipse(where, outline=ink, width=width)
    return np.asarray(image)


def ink_box(image: np.ndarray, threshold: float = 0.05) -> tuple[int, int]:
    """Height and width of the ink's bounding box."""
    top, bottom, left, right = preprocess.bounding_box(image, threshold)
    return bottom - top + 1, right - left + 1


@pytest.fixture(scope="module")
def mnist_test():
    _, (x, y) = load_mnist()
    return x.astype(np.float32) / 255.0, y


# ---- empty canvas, backgrounds -------------------------------------------------------------------


@pytest.mark.parametrize("transparent", [True, False])
def test_empty_canvas_is_not_a_digit(transparent):
    assert preprocess.canvas_to_mnist(blank(transparent)) is None


def test_transparent_pixels_with_colour_but_no_alpha_are_not_ink():
    rgba = blank()
    rgba[..., :3] = 255  # white but fully transparent
    assert preprocess.canvas_to_mnist(rgba) is None


def test_transparent_and_black_backgrounds_give_the_same_image():
    shapes = [("line", [(140, 40), (150, 240)], 20), ("line", [(140, 40), (100, 90)], 20)]
    on_clear = preprocess.canvas_to_mnist(draw(shapes, transparent=True))
    on_black = preprocess.canvas_to_mnist(draw(shapes, transparent=False))
    assert on_clear is not None and on_black is not None
    np.testing.assert_allclose(on_clear, on_black, atol=0.02)


def test_dark_ink_on_light_background_is_inverted():
    shapes = [("ellipse", (60, 40, 200, 240), 18)]
    white_on_black = preprocess.canvas_to_mnist(draw(shapes, transparent=False))
    black_on_white = preprocess.canvas_to_mnist(draw(shapes, ink="black", paper="white"))
    black_on_clear = preprocess.canvas_to_mnist(draw(shapes, ink="black", transparent=True))
    np.testing.assert_allclose(black_on_white, white_on_black, atol=0.02)
    np.testing.assert_allclose(black_on_clear, white_on_black, atol=0.02)


def test_output_is_28x28_float32_in_unit_range_with_saturated_ink():
    image = preprocess.canvas_to_mnist(draw([("line", [(50, 50), (230, 230)], 6)]))
    assert image.shape == (28, 28) and image.dtype == np.float32
    assert image.min() >= 0.0 and image.max() == pytest.approx(1.0)
    assert image[0].sum() == image[-1].sum() == 0  # a margin, as in MNIST


@pytest.mark.parametrize("bad", [np.zeros((28, 28), np.uint8), np.zeros((10, 10, 3), np.uint8),
                                 np.zeros((10, 10, 4), np.float32)])
def test_wrong_arrays_are_refused_with_a_message(bad):
    with pytest.raises(ValueError, match="RGBA"):
        preprocess.canvas_to_mnist(bad)


# ---- centring, scaling, aspect ratio -------------------------------------------------------------


@pytest.mark.parametrize("offset", [(-90, -90), (0, 0), (80, -60), (95, 95)])
def test_centre_of_mass_is_moved_to_the_centre(offset):
    dy, dx = offset
    shapes = [("ellipse", (110 + dx, 100 + dy, 170 + dx, 180 + dy), 12)]
    image = preprocess.canvas_to_mnist(draw(shapes))
    row, col = preprocess.centre_of_mass(image)
    assert abs(row - preprocess.CENTRE) <= 0.5 and abs(col - preprocess.CENTRE) <= 0.5


def test_where_the_digit_is_drawn_does_not_matter():
    def seven(dx, dy):
        return [("line", [(60 + dx, 60 + dy), (140 + dx, 60 + dy), (90 + dx, 170 + dy)], 14)]

    first, second = preprocess.canvas_to_mnist(draw(seven(0, 0))), preprocess.canvas_to_mnist(draw(seven(110, 95)))
    np.testing.assert_allclose(first, second, atol=1e-5)


@pytest.mark.parametrize("height", [40, 120, 260])
def test_any_size_is_scaled_to_a_20_pixel_box(height):
    top = (CANVAS - height) // 2
    image = preprocess.canvas_to_mnist(draw([("ellipse", (100, top, 100 + height * 3 // 5, top + height), 8)]))
    h, w = ink_box(image)
    assert h == preprocess.BOX  # the longer side
    assert w == pytest.approx(preprocess.BOX * 3 / 5, abs=1.5)


def test_a_small_thin_digit_and_a_big_one_look_alike(mnist_test):
    x, _ = mnist_test
    small = preprocess.canvas_to_mnist(pictures.paint_canvas(x[0], 40, 10, 200))
    big = preprocess.canvas_to_mnist(pictures.paint_canvas(x[0], 250, 15, 20))
    assert np.corrcoef(small.ravel(), big.ravel())[0, 1] > 0.9


@pytest.mark.parametrize("tall", [True, False])
def test_aspect_ratio_is_kept(tall):
    stroke = [(140, 20), (140, 260)] if tall else [(20, 140), (260, 140)]
    image = preprocess.canvas_to_mnist(draw([("line", stroke, 24)]))
    h, w = ink_box(image, threshold=0.3)
    long_side, short_side = (h, w) if tall else (w, h)
    assert long_side == preprocess.BOX
    # the stroke is 24 px wide for a 240 px line (+ round-off): a tenth, 2 pixels once scaled
    assert 1 <= short_side <= 3


def test_a_single_dot_still_gives_an_image():
    image = preprocess.canvas_to_mnist(draw([("ellipse", (138, 138, 142, 142), 2)]))
    assert image is not None and image.max() == pytest.approx(1.0)


def dot(diameter: int, centre=(140, 140)) -> np.ndarray:
    """A click or a tap: a filled disc as wide as the pen."""
    image = Image.new("RGBA", (CANVAS, CANVAS), (0, 0, 0, 0))
    x, y, r = centre[0], centre[1], diameter / 2
    ImageDraw.Draw(image).ellipse((x - r, y - r, x + r, y + r), fill="white")
    return preprocess.ink_from_rgba(np.asarray(image))


def test_the_smallest_digit_is_an_eighth_of_the_canvas():
    assert preprocess.MIN_DIGIT_FRACTION == 1 / 8
    assert preprocess.min_digit_side((280, 280)) == 35 and preprocess.min_digit_side((400, 300)) == 50


@pytest.mark.parametrize("diameter", [2, 18, 31])  # up to the Draw page's widest pen
def test_a_dot_is_too_little_ink_to_be_a_digit(diameter):
    assert preprocess.too_little_ink(dot(diameter))
    assert preprocess.TOO_LITTLE_INK == "Too little ink to read: draw a whole digit."


def test_no_ink_is_not_too_little_ink_and_a_small_digit_in_a_corner_is_enough():
    assert not preprocess.too_little_ink(np.zeros((CANVAS, CANVAS), np.float32))
    tiny_one = preprocess.ink_from_rgba(draw([("line", [(240, 230), (240, 266)], 6)]))  # 36-40 px tall
    assert not preprocess.too_little_ink(tiny_one)
    short_one = preprocess.ink_from_rgba(draw([("line", [(240, 240), (240, 264)], 6)]))  # 25-30 px: too short
    assert preprocess.too_little_ink(short_one)


def test_a_photo_of_a_speck_is_refused_with_a_sentence():
    image = Image.new("L", (300, 300), 225)
    ImageDraw.Draw(image).ellipse((135, 135, 165, 165), fill=30)  # 28 px once shrunk to 280
    out = io.BytesIO()
    image.save(out, format="PNG")
    with pytest.raises(photos.DigitImageError, match="Too little ink to read: the digit spans less than 1/8"):
        photos.photo_to_mnist(out.getvalue())


def test_redrawn_mnist_digits_come_back_as_they_were(mnist_test):
    """MNIST digits enlarged onto the canvas anywhere come back within a few grey levels of the original."""
    x, _ = mnist_test
    errors = []
    for i, (height, top, left) in enumerate([(200, 40, 30), (90, 170, 160), (260, 5, 80), (60, 10, 10)] * 5):
        rgba = pictures.paint_canvas(x[i], height, top, left, transparent=i % 2 == 0)
        errors.append(np.abs(preprocess.canvas_to_mnist(rgba) - x[i]).mean())
    assert np.mean(errors) < 0.04


def test_steps_show_each_stage():
    steps = preprocess.mnist_steps(preprocess.ink_from_rgba(draw([("line", [(100, 30), (120, 250)], 20)])))
    assert steps.crop.shape[0] > steps.box.shape[0] == preprocess.BOX
    assert steps.image.shape == (28, 28)
    assert steps.centre_of_mass == pytest.approx((14, 14), abs=0.5)


def test_enlarge_makes_blocks():
    image = np.zeros((28, 28), np.float32)
    image[3, 5] = 1.0
    big = pictures.enlarge(image, 4)
    assert big.shape == (112, 112) and big.dtype == np.uint8
    assert (big[12:16, 20:24] == 255).all() and big.sum() == 16 * 255
    lined = pictures.enlarge(image, 4, grid=60)
    assert (lined[3::4, :] == 60).all() and (lined[:, 3::4] == 60).all()
    assert (lined[12:15, 20:23] == 255).all() and lined[0, 0] == 0


# ---- photos --------------------------------------------------------------------------------------


def photo_bytes(fmt: str = "PNG", size: int = 600, noise: float = 8.0) -> bytes:
    """A grey-paper photo of a dark '7' with sensor noise and uneven light."""
    rng = np.random.default_rng(0)
    image = Image.new("L", (size, size), 200)
    pen = ImageDraw.Draw(image)
    s = size / CANVAS
    pen.line([(60 * s, 60 * s), (200 * s, 60 * s), (110 * s, 240 * s)], fill=40, width=int(16 * s), joint="curve")
    pixels = np.asarray(image, np.float32) + rng.normal(0, noise, (size, size)) + np.linspace(-25, 25, size)
    out = io.BytesIO()
    Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8)).save(out, format=fmt)
    return out.getvalue()


@pytest.mark.parametrize("fmt", ["PNG", "JPEG"])
def test_photo_of_dark_ink_on_paper_reads_like_the_same_drawing(fmt):
    drawn = preprocess.canvas_to_mnist(draw([("line", [(60, 60), (200, 60), (110, 240)], 16)]))
    photo = photos.photo_to_mnist(photo_bytes(fmt))
    assert photo.shape == (28, 28)
    assert np.corrcoef(photo.ravel(), drawn.ravel())[0, 1] > 0.85
    assert preprocess.centre_of_mass(photo) == pytest.approx((14, 14), abs=0.5)


def test_blank_paper_is_not_a_digit():
    out = io.BytesIO()
    Image.new("L", (300, 200), 230).save(out, format="PNG")
    assert photos.photo_to_mnist(out.getvalue()) is None


@pytest.mark.parametrize("data, message", [
    (b"", "empty"),
    (b"this is not an image at all", "could not be read"),
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 50, "could not be read"),
])
def test_unreadable_uploads_get_a_plain_message(data, message):
    with pytest.raises(photos.DigitImageError, match=message) as refused:
        photos.photo_to_mnist(data)
    assert "<" not in str(refused.value) and "BytesIO" not in str(refused.value)  # no Python internals


def test_the_photo_limit_is_one_number_in_streamlit_megabytes_under_the_server_cap():
    import tomllib

    from tests.browser import ROOT

    assert photos.MAX_PHOTO_BYTES == photos.MAX_PHOTO_MB * 2**20
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert photos.MAX_PHOTO_MB <= config["server"]["maxUploadSize"]  # else the server refuses first
    with pytest.raises(photos.DigitImageError, match=f"the limit is {photos.MAX_PHOTO_MB} MB."):
        photos.read_photo(b"\xff\xd8\xff" + bytes(photos.MAX_PHOTO_BYTES))


def test_other_formats_and_huge_files_are_refused():
    gif = io.BytesIO()
    Image.new("L", (50, 50), 255).save(gif, format="GIF")
    with pytest.raises(photos.DigitImageError, match="PNG or JPEG"):
        photos.photo_to_mnist(gif.getvalue())
    with pytest.raises(photos.DigitImageError, match="limit"):
        photos.photo_to_mnist(b"\xff\xd8\xff" + b"\x00" * (photos.MAX_PHOTO_BYTES + 1))


def test_too_many_pixels_are_refused(monkeypatch):
    monkeypatch.setattr(photos, "MAX_PHOTO_PIXELS", 1000)
    with pytest.raises(photos.DigitImageError, match="million pixels"):
        photos.photo_to_mnist(photo_bytes(size=100))


# ---- the bundled model and reading ---------------------------------------------------------------


@pytest.fixture(scope="module")
def bundled():
    return reader.pretrained_model()


def test_bundled_model_is_small_and_loads_safely(bundled):
    assert reader.PRETRAINED_PATH.stat().st_size < 2_000_000
    assert bundled.input_shape == (None, 28, 28) and bundled.output_shape == (None, 10)
    assert reader.pretrained_model() is bundled  # loaded once


def test_bundled_model_reaches_its_recorded_test_accuracy(bundled, mnist_test):
    x, y = mnist_test
    predict = reader.predictor(bundled)
    probabilities = np.concatenate([predict(x[i:i + 2000]) for i in range(0, len(x), 2000)])
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, atol=1e-4)
    accuracy = (probabilities.argmax(axis=1) == y).mean()
    assert accuracy >= 0.992
    assert accuracy == pytest.approx(reader.pretrained_info()["test_accuracy"], abs=2e-4)


@pytest.mark.parametrize("shapes, expected", [
    ([("line", [(140, 40), (140, 240)], 22)], 1),
    ([("ellipse", (80, 40, 200, 240), 22)], 0),
    ([("line", [(70, 50), (210, 50), (120, 250)], 22)], 7),
])
def test_bundled_model_reads_simple_drawings(bundled, shapes, expected):
    reading = reader.read_digit(preprocess.canvas_to_mnist(draw(shapes)))
    assert reading.digit == expected and reading.sure


def test_predictor_matches_a_direct_call_and_turns_scores_into_probabilities(mnist_test):
    import keras

    x, _ = mnist_test
    flat_logits = keras.Sequential([keras.Input((784,)), keras.layers.Dense(10)])  # raw scores, flat input
    expected = keras.ops.convert_to_numpy(keras.ops.softmax(flat_logits(x[:5].reshape(5, 784))))
    np.testing.assert_allclose(reader.predictor(flat_logits)(x[:5]), expected, atol=1e-5)
    assert reader.predictor(flat_logits) is reader.predictor(flat_logits)  # cached per model


def test_models_for_other_data_are_refused():
    from nnlab.model.build import build_model
    from nnlab.model.presets import PRESETS

    with pytest.raises(reader.DigitModelError, match=r"inputs of shape \(2,\)"):
        reader.check_digit_model(build_model(PRESETS["XOR 2-2-1 tanh"]))
    with pytest.raises(reader.DigitModelError, match="not a single-input"):
        reader.check_digit_model(object())


def test_readings_say_how_sure_they_are():
    sure = reader.Reading(np.array([0.01, 0.9, 0.01, 0.01, 0.01, 0.01, 0.01, 0.02, 0.01, 0.01]))
    assert sure.digit == 1 and sure.sure and sure.sentence() == "It is a 1 (90% sure)."
    unsure = reader.Reading(np.array([0.05, 0.3, 0.05, 0.05, 0.05, 0.05, 0.05, 0.35, 0.03, 0.02]))
    assert not unsure.sure and unsure.sentence() == "Not sure: a 7 (35%) or a 1 (30%)?"
