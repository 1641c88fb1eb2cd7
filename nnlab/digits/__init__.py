"""Digits drawn by hand or photographed -> the 28x28 images MNIST is made of, and the model that reads them.

MNIST was made like this (LeCun et al.): each binary NIST digit was scaled to fit a
20x20 box keeping its aspect ratio, anti-aliased (hence the grey levels), and pasted
into a 28x28 field so that its centre of mass
``(sum_ij i*v_ij / sum_ij v_ij, sum_ij j*v_ij / sum_ij v_ij)`` sits at the centre,
pixel (14, 14) (measured on the training set: mean 14.0, s.d. 0.29, i.e. an integer
shift). White ink (1.0) on black (0.0).

A network trained on MNIST has only ever seen digits prepared that way, so a drawing
must be prepared the same way before it is shown: a small, off-centre or thick drawing
fed in as it is gets misread. :func:`canvas_to_mnist` does it for the drawing canvas,
:func:`photo_to_mnist` for an uploaded photo or scan.

The bundled model (:func:`pretrained_model`) is :data:`PRETRAINED_SPEC` trained by
``scripts/train_pretrained.py``. TensorFlow is imported only by the functions that
need it.
"""

from __future__ import annotations

import base64
import functools
import io
import json
import threading
import weakref
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from nnlab.model.spec import InputSpec, LayerSpec, ModelSpec

SIZE = 28  # the MNIST field
BOX = 20  # the digit's longer side after scaling
CENTRE = 14  # where the centre of mass goes (row and column index)
INK_MIN = 0.05  # a pixel with less ink than this does not count for the bounding box

ASSETS = Path(__file__).resolve().parent / "assets"
PRETRAINED_PATH = ASSETS / "digits_cnn.keras"
PRETRAINED_INFO = ASSETS / "digits_cnn.json"
TRAIN_COMMAND = "python scripts/train_pretrained.py"

# The bundled network as an nnlab spec, so the Build page can show and rebuild it:
# conv 3x3 (26x26x32) -> pool (13x13) -> conv (11x11x64) -> conv (9x9x64) -> pool (4x4) -> 1024 -> 128 -> 10.
PRETRAINED_SPEC = ModelSpec(
    InputSpec(kind="image"),
    (
        LayerSpec(kind="conv2d", filters=32, kernel_size=3, activation="relu"),
        LayerSpec(kind="maxpool2d", pool_size=2),
        LayerSpec(kind="conv2d", filters=64, kernel_size=3, activation="relu"),
        LayerSpec(kind="conv2d", filters=64, kernel_size=3, activation="relu"),
        LayerSpec(kind="maxpool2d", pool_size=2),
        LayerSpec(kind="flatten"),
        LayerSpec(kind="dropout", rate=0.3),
        LayerSpec(kind="dense", units=128, activation="relu"),
        LayerSpec(kind="dropout", rate=0.3),
    ),
    optimizer="adam",
    learning_rate=0.001,
    batch_size=128,
    name="nnlab digits CNN",
)

# Below this top probability the page says "not sure" rather than naming a digit.
SURE_AT = 0.6

# Uploaded photos: what we accept.
PHOTO_FORMATS = ("PNG", "JPEG")
MAX_PHOTO_BYTES = 5_000_000
MAX_PHOTO_PIXELS = 40_000_000
PHOTO_WORK_SIZE = 280  # photos are shrunk to this longer side before anything else


class DigitImageError(ValueError):
    """An uploaded image that cannot be read as a digit; the message says why in plain words."""


# ---- from pixels to ink --------------------------------------------------------------------------


def ink_from_rgba(rgba: np.ndarray) -> np.ndarray:
    """How much ink each pixel holds, ``(H, W)`` float32 in [0, 1], for an ``(H, W, 4)`` uint8 RGBA image.

    The picture is laid over black: ink = luminance x alpha, with luminance
    ``(0.299 R + 0.587 G + 0.114 B) / 255``. So white ink counts whether the background
    is transparent (alpha 0) or black (luminance 0). Two other cases are understood:
    a transparent background with dark ink (then the alpha channel alone is the ink),
    and dark ink on an opaque light background (detected by the median pixel, which is
    background, being light; then the luminance is inverted).
    """
    rgba = np.asarray(rgba)
    if rgba.ndim != 3 or rgba.shape[2] != 4 or rgba.dtype != np.uint8:
        raise ValueError(f"expected an (H, W, 4) uint8 RGBA image, got shape {rgba.shape} and dtype {rgba.dtype}")
    alpha = rgba[..., 3] * np.float32(1 / 255)
    red, green, blue = rgba[..., 0], rgba[..., 1], rgba[..., 2]
    luminance = red * np.float32(0.299 / 255) + green * np.float32(0.587 / 255) + blue * np.float32(0.114 / 255)
    if rgba[..., 3].min() < 255:  # some transparency: what is painted is ink
        painted = alpha > 0.5
        if painted.any() and luminance[painted].mean() < 0.5:
            return alpha
        return luminance * alpha
    if np.median(luminance) > 0.5:
        return 1.0 - luminance
    return luminance


# ---- the MNIST recipe ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Steps:
    """The stages of :func:`mnist_steps`, for showing the recipe: each an ink image in [0, 1]."""

    crop: np.ndarray  # the ink's bounding box, at the input's resolution
    box: np.ndarray  # scaled so the longer side is 20 pixels (aspect ratio kept, anti-aliased)
    image: np.ndarray  # the (28, 28) result, centre of mass at (14, 14)
    centre_of_mass: tuple[float, float]  # of ``image``, (row, column)


def bounding_box(ink: np.ndarray, threshold: float = INK_MIN) -> tuple[int, int, int, int] | None:
    """``(top, bottom, left, right)`` (inclusive) of the pixels with more ink than ``threshold``; None if none."""
    mask = ink > threshold
    rows, cols = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
    if rows.size == 0:
        return None
    return int(rows[0]), int(rows[-1]), int(cols[0]), int(cols[-1])


def fit_box(crop: np.ndarray, box: int = BOX) -> np.ndarray:
    """Scale ``crop`` so that its longer side is ``box`` pixels, keeping the aspect ratio.

    Shrinking uses Pillow's bilinear filter widened to the scale factor (each output pixel
    averages the input pixels it covers, with triangular weights): anti-aliasing, so a thin
    stroke becomes a grey one instead of vanishing. The brightest pixel is then set to 1,
    as MNIST's ink is saturated.
    """
    from PIL import Image

    height, width = crop.shape
    scale = box / max(height, width)
    size = (max(1, round(width * scale)), max(1, round(height * scale)))  # Pillow wants (width, height)
    scaled = np.asarray(Image.fromarray(crop.astype(np.float32), mode="F").resize(size, Image.BILINEAR))
    scaled = np.clip(scaled, 0.0, None)
    top = scaled.max()
    return (scaled / top if top > 0 else scaled).astype(np.float32)


def centre_of_mass(image: np.ndarray) -> tuple[float, float]:
    """``(row, column)`` of the ink's centre of mass; the image centre when there is no ink."""
    total = float(image.sum())
    if total <= 0:
        return (image.shape[0] - 1) / 2, (image.shape[1] - 1) / 2
    rows, cols = np.arange(image.shape[0]), np.arange(image.shape[1])
    return float(image.sum(axis=1) @ rows) / total, float(image.sum(axis=0) @ cols) / total


def place_centred(box: np.ndarray, size: int = SIZE, centre: int = CENTRE) -> np.ndarray:
    """Paste ``box`` into a ``size x size`` black field, shifted by whole pixels so its centre of mass is at ``centre``.

    The shift is clamped so that no ink falls off the field.
    """
    row, col = centre_of_mass(box)
    height, width = box.shape
    top = int(np.clip(round(centre - row), 0, size - height))
    left = int(np.clip(round(centre - col), 0, size - width))
    field = np.zeros((size, size), np.float32)
    field[top:top + height, left:left + width] = box
    return field


def mnist_steps(ink: np.ndarray) -> Steps | None:
    """The MNIST recipe on an ``(H, W)`` ink image, stage by stage; None when there is no ink."""
    bounds = bounding_box(ink)
    if bounds is None:
        return None
    top, bottom, left, right = bounds
    crop = np.asarray(ink[top:bottom + 1, left:right + 1], np.float32)
    box = fit_box(crop)
    image = place_centred(box)
    return Steps(crop, box, image, centre_of_mass(image))


def ink_to_mnist(ink: np.ndarray) -> np.ndarray | None:
    """An ``(H, W)`` ink image in [0, 1] -> ``(28, 28)`` float32 MNIST-style image, or None without ink."""
    steps = mnist_steps(ink)
    return None if steps is None else steps.image


def canvas_to_mnist(rgba: np.ndarray) -> np.ndarray | None:
    """The canvas's ``(H, W, 4)`` uint8 RGBA -> ``(28, 28)`` float32 in [0, 1], or None when nothing is drawn.

    Crop to the ink's bounding box, scale into a 20x20 box keeping the aspect ratio
    (anti-aliased), place in 28x28 with the centre of mass at the centre. The background
    may be transparent or black (see :func:`ink_from_rgba`).
    """
    return ink_to_mnist(ink_from_rgba(rgba))


# ---- uploaded photos and scans -------------------------------------------------------------------


def read_photo(data: bytes) -> np.ndarray:
    """PNG or JPEG bytes -> ``(H, W, 4)`` uint8 RGBA, upright and at most 280 pixels on its longer side.

    Raises :class:`DigitImageError` with a plain message for anything else: too big,
    not an image, another format, damaged.
    """
    from PIL import Image, ImageOps

    if not data:
        raise DigitImageError("The file is empty.")
    if len(data) > MAX_PHOTO_BYTES:
        raise DigitImageError(f"The file is {len(data) / 1e6:.1f} MB; the limit is {MAX_PHOTO_BYTES / 1e6:.0f} MB.")
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format not in PHOTO_FORMATS:
                raise DigitImageError(f"This is a {image.format} file; please upload a PNG or JPEG image.")
            width, height = image.size
            if width * height > MAX_PHOTO_PIXELS:
                raise DigitImageError(f"The image is {width}x{height} pixels; the limit is "
                                      f"{MAX_PHOTO_PIXELS / 1e6:.0f} million pixels.")
            image.draft(None, (PHOTO_WORK_SIZE, PHOTO_WORK_SIZE))  # JPEG: decode at reduced size
            image = ImageOps.exif_transpose(image)
            image = image.convert("RGBA")
            image.thumbnail((PHOTO_WORK_SIZE, PHOTO_WORK_SIZE), Image.BILINEAR)
            return np.asarray(image)
    except DigitImageError:
        raise
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
        raise DigitImageError(f"This file could not be read as a PNG or JPEG image ({error}).") from None


def rgba_from_data_url(url: str) -> np.ndarray:
    """A ``data:image/png;base64,...`` URL (what the drawing canvas sends) -> ``(H, W, 4)`` uint8 RGBA.

    The URL comes from the browser, so it gets the same checks as an uploaded photo
    (:func:`read_photo`): size, format, damage; anything else raises :class:`DigitImageError`.
    """
    header, _, payload = url.partition(",")
    if not header.startswith("data:image/") or not header.endswith(";base64") or not payload:
        raise DigitImageError("The drawing did not arrive as an image.")
    if len(payload) > MAX_PHOTO_BYTES * 4 // 3 + 4:
        raise DigitImageError(f"The drawing is larger than {MAX_PHOTO_BYTES / 1e6:.0f} MB.")
    try:
        data = base64.b64decode(payload, validate=True)
    except ValueError:
        raise DigitImageError("The drawing did not arrive as an image.") from None
    return read_photo(data)


def clean_photo_ink(ink: np.ndarray, floor: float = 0.35) -> np.ndarray:
    """Stretch a photo's ink so paper becomes 0 and the darkest strokes 1.

    The paper's level ``b`` is the median pixel, the ink's level ``t`` the 99.5th
    percentile; ``v -> clip(((v - b) / (t - b) - floor) / (1 - floor), 0, 1)``: shading and
    paper grain below ``floor`` of the way from paper to ink become background.
    """
    paper, darkest = float(np.median(ink)), float(np.percentile(ink, 99.5))
    if darkest - paper < 0.1:  # no contrast: a blank page
        return np.zeros_like(ink, dtype=np.float32)
    level = (ink - paper) / (darkest - paper)
    return np.clip((level - floor) / (1.0 - floor), 0.0, 1.0).astype(np.float32)


def photo_to_mnist(data: bytes) -> np.ndarray | None:
    """An uploaded PNG/JPEG of one digit -> ``(28, 28)`` float32 MNIST-style image, or None if it holds no ink.

    Dark ink on light paper is inverted; see :func:`read_photo` and :func:`clean_photo_ink`.
    """
    return ink_to_mnist(clean_photo_ink(ink_from_rgba(read_photo(data))))


# ---- models that read digits ---------------------------------------------------------------------


class DigitModelError(ValueError):
    """A model that cannot read 28x28 digits; the message says why."""


@functools.lru_cache(maxsize=1)
def pretrained_model():
    """The bundled digit reader (loaded once per process, read-only, shared by all users).

    A Keras model from ``(N, 28, 28)`` float32 in [0, 1] to ``(N, 10)`` probabilities,
    loaded with ``safe_mode=True``; its :func:`predictor` is ready (traced) on return.
    """
    import keras

    if not PRETRAINED_PATH.is_file():
        raise FileNotFoundError(f"The bundled model {PRETRAINED_PATH} is missing; restore it from a fresh clone "
                                f"or train it again with `{TRAIN_COMMAND}`.")
    model = keras.saving.load_model(PRETRAINED_PATH, compile=False, safe_mode=True)
    predictor(model)(np.zeros((1, SIZE, SIZE), np.float32))  # trace the fast path now, not at the first drawing
    return model


def pretrained_info() -> dict:
    """What ``scripts/train_pretrained.py`` recorded about the bundled model (test accuracy, ...); {} if unknown."""
    try:
        return json.loads(PRETRAINED_INFO.read_text())
    except (OSError, ValueError):
        return {}


def check_digit_model(model) -> None:
    """Raise :class:`DigitModelError` unless ``model`` takes 28x28 images and gives 10 class scores."""
    try:
        inputs, outputs = tuple(model.input_shape)[1:], tuple(model.output_shape)[1:]
    except (AttributeError, ValueError, TypeError):
        raise DigitModelError("This is not a single-input, single-output Keras model.") from None
    if inputs not in ((28, 28), (28, 28, 1), (784,)):
        raise DigitModelError(f"This model takes inputs of shape {inputs}; a digit reader takes 28x28 images.")
    if outputs != (10,):
        raise DigitModelError(f"This model gives outputs of shape {outputs}; a digit reader gives 10 scores.")


_predictors: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_predictors_lock = threading.Lock()


def predictor(model):
    """A fast function ``(N, 28, 28) float32 -> (N, 10)`` probabilities for ``model`` (cached per model).

    A ``tf.function`` around ``model(x, training=False)``, compiled with XLA into one
    executable: one digit takes a few milliseconds, where ``model.predict`` spends 40-65 ms
    setting itself up. XLA also keeps it fast if TensorFlow's kernel cache is cleared
    between Streamlit runs (Streamlit's own after-run ``clear_session``, see
    :mod:`nnlab.ui.compat.keras_session`): the plain ``tf.function`` then measured 60-130 ms for
    its first call in each run, the XLA one 4-7 ms. A model XLA cannot compile keeps the
    plain ``tf.function``. Inputs are reshaped to what the model takes; outputs that are
    not already probabilities (negative, or not summing to 1) go through a softmax.
    """
    with _predictors_lock:
        if model in _predictors:
            return _predictors[model]
    check_digit_model(model)
    import tensorflow as tf

    shape = (-1,) + tuple(model.input_shape)[1:]
    model_ref = weakref.ref(model)  # a strong reference here would keep the cache entry alive forever
    signature = [tf.TensorSpec([None, SIZE, SIZE], tf.float32)]

    def call(images):
        return model_ref()(tf.reshape(images, shape), training=False)

    scores = tf.function(call, input_signature=signature, reduce_retracing=True, jit_compile=True)
    try:
        scores(tf.zeros([1, SIZE, SIZE]))  # compile now
    except Exception:  # noqa: BLE001 - any op XLA cannot compile: fall back to the plain graph
        scores = tf.function(call, input_signature=signature, reduce_retracing=True)

    def probabilities(images: np.ndarray) -> np.ndarray:
        out = scores(np.asarray(images, np.float32).reshape(-1, SIZE, SIZE)).numpy().astype(np.float64)
        if (out < 0).any() or not np.allclose(out.sum(axis=1), 1.0, atol=1e-3):
            out = np.exp(out - out.max(axis=1, keepdims=True))
            out /= out.sum(axis=1, keepdims=True)
        return out

    with _predictors_lock:
        _predictors[model] = probabilities
    return probabilities


@dataclass(frozen=True)
class Reading:
    """What a model makes of one digit."""

    probabilities: np.ndarray  # (10,)

    @property
    def digit(self) -> int:
        return int(np.argmax(self.probabilities))

    @property
    def confidence(self) -> float:
        return float(np.max(self.probabilities))

    @property
    def sure(self) -> bool:
        return self.confidence >= SURE_AT

    @property
    def runner_up(self) -> int:
        return int(np.argsort(self.probabilities)[-2])

    def sentence(self) -> str:
        """``It is a 7 (98% sure).`` or, below :data:`SURE_AT`, ``Not sure: a 7 (45%) or a 1 (30%)?``"""
        if self.sure:
            return f"It is a {self.digit} ({self.confidence:.0%} sure)."
        second = self.runner_up
        return (f"Not sure: a {self.digit} ({self.confidence:.0%}) "
                f"or a {second} ({self.probabilities[second]:.0%})?")


def read_digit(image: np.ndarray, model=None) -> Reading:
    """The model's reading of one ``(28, 28)`` image (the bundled model by default)."""
    probabilities = predictor(model if model is not None else pretrained_model())(image[np.newaxis])[0]
    return Reading(probabilities)


def enlarge(image: np.ndarray, factor: int = 8, grid: int | None = None) -> np.ndarray:
    """A ``(28, 28)`` [0, 1] image as uint8 greys, each pixel a ``factor x factor`` block (nothing smoothed).

    With ``grid`` (a grey level), a one-pixel line of that grey separates the blocks, so the
    pixels can be counted.
    """
    grey = np.round(np.clip(image, 0.0, 1.0) * 255).astype(np.uint8)
    big = np.kron(grey, np.ones((factor, factor), np.uint8))
    if grid is not None and factor > 2:
        big[factor - 1::factor, :] = grid
        big[:, factor - 1::factor] = grid
    return big


def paint_canvas(image: np.ndarray, height: int, top: int, left: int, canvas: int = 280,
                 transparent: bool = True) -> np.ndarray:
    """An ``(H, W)`` ink image redrawn on a ``canvas x canvas`` RGBA canvas, as the drawing canvas returns it.

    The ink's bounding box is scaled (bilinear) to ``height`` pixels tall, aspect ratio kept,
    with its top-left corner at ``(top, left)`` (clipped at the canvas edge). White ink; the
    background is transparent (alpha = ink) or opaque black (grey = ink). For tests and
    benchmarks: MNIST digits drawn again at other sizes and places.
    """
    from PIL import Image

    bounds = bounding_box(image)
    if bounds is None:
        raise ValueError("the image holds no ink")
    r0, r1, c0, c1 = bounds
    crop = np.asarray(image[r0:r1 + 1, c0:c1 + 1], np.float32)
    width = max(1, round(crop.shape[1] * height / crop.shape[0]))
    scaled = np.asarray(Image.fromarray(crop, mode="F").resize((width, height), Image.BILINEAR))
    ink = np.zeros((canvas, canvas), np.float32)
    h, w = min(height, canvas - top), min(width, canvas - left)
    ink[top:top + h, left:left + w] = scaled[:h, :w]
    level = np.round(np.clip(ink, 0, 1) * 255).astype(np.uint8)
    rgba = np.zeros((canvas, canvas, 4), np.uint8)
    if transparent:
        rgba[..., :3] = 255
        rgba[..., 3] = level
    else:
        rgba[..., :3] = level[..., np.newaxis]
        rgba[..., 3] = 255
    return rgba
