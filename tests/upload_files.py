"""Files that tests upload: saved Keras models (a digit reader, a hostile one, damaged bytes) and a photo
of a digit. Shared by the store, page and browser tests (test modules import these, never each other)."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw

from nnlab.model.build import build_model
from nnlab.model.presets import PRESETS


def keras_bytes(model, tmp_path, name: str = "made.keras") -> bytes:
    path = tmp_path / name
    model.save(path)
    data = path.read_bytes()
    path.unlink()
    return data


def flip(data: bytes, start: int, stop: int) -> bytes:
    """``data`` with the bytes from ``start`` to ``stop`` inverted: damage that keeps the zip's directory."""
    return data[:start] + bytes(b ^ 0xFF for b in data[start:stop]) + data[stop:]


def digit_and_lambda_models(folder) -> dict:
    """Bytes of a digit reader and of a model whose Lambda would create ``marker`` (shared by page tests)."""
    import keras

    marker = folder / "the lambda ran"
    code = eval(f"lambda x: (__import__('pathlib').Path({str(marker)!r}).touch(), x)[1]")  # noqa: S307 - the attack
    hostile = keras.Sequential([keras.Input((28, 28)), keras.layers.Flatten(), keras.layers.Lambda(code),
                                keras.layers.Dense(10)])
    made = {"digits": keras_bytes(build_model(PRESETS["Basic 784-128-10"], seed=0), folder),
            "lambda": keras_bytes(hostile, folder, "lambda.keras"), "marker": marker}
    marker.unlink()  # building the hostile model ran its code once, here in the test
    return made


def seven_photo(fmt: str = "PNG") -> bytes:
    """A dark '7' on light grey paper, as a phone would photograph it."""
    image = Image.new("L", (400, 400), 215)
    ImageDraw.Draw(image).line([(110, 90), (290, 90), (170, 330)], fill=35, width=26, joint="curve")
    out = io.BytesIO()
    image.save(out, format=fmt)
    return out.getvalue()
