"""Hostile and broken input at every upload point of the pages (AppTest).

Upload points: the Build page's spec import (JSON), the MNIST page's model upload (.keras),
the Draw page's photo upload and its canvas (a PNG data URL sent by the browser). Each bad
input gets a sentence on the page, the page keeps working, and nothing is written anywhere
but the models folder (here: nothing at all, except the one good model uploaded).

Already covered elsewhere, not repeated here: the parsing rules (tests/test_spec.py,
tests/test_store_upload.py, tests/test_digits.py, tests/test_canvas_state.py), a broken and an
empty photo on the Draw page and a Lambda model copied into the folder (tests/test_pages_draw.py),
a hostile name typed to save a model (tests/test_pages_mnist.py).
"""

from __future__ import annotations

import base64
import io
import json
import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image

from nnlab.digits.photos import MAX_PHOTO_BYTES
from nnlab.library import store
from nnlab.model.presets import PRESETS
from tests.apptest import run_page
from tests.upload_files import digit_and_lambda_models, flip, seven_photo

PASSWD = "../../etc/passwd"


def files_under(path: Path) -> list[str]:
    return sorted(str(p.relative_to(path)) for p in path.rglob("*") if p.is_file())


def png_bomb(side: int = 8_000) -> bytes:
    """A 1 KB PNG that claims to be side x side pixels (64 million for 8,000): decoded, it would fill memory."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)  # 1-bit greyscale
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00" * 1000)) + \
        chunk(b"IEND", b"")


def spec_json(**changes) -> bytes:
    data = PRESETS["Basic 784-128-10"].to_dict()
    data.update(changes)
    return json.dumps(data).encode()


def upload(at, name: str, data: bytes, mime: str = "application/octet-stream"):
    at.get("file_uploader")[0].set_value((name, data, mime))
    return at.run()


@pytest.fixture(scope="module")
def work(tmp_path_factory):
    """An empty folder whose models/ is the app's models folder for this module."""
    folder = tmp_path_factory.mktemp("uploads")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(store.ENV_VAR, str(folder / "models"))
        # the shared SQLite store of the module's AppTests (the sidebar's class panel reads it) lives elsewhere
        patch.setenv("NNLAB_DATA_DIR", str(tmp_path_factory.mktemp("uploads-data")))
        yield folder


@pytest.fixture(scope="module")
def models(tmp_path_factory):
    return digit_and_lambda_models(tmp_path_factory.mktemp("made"))


# ---- a file name without the expected extension -------------------------------------------------------


@pytest.mark.parametrize("page", ["pages/1_Build.py"])
def test_a_name_without_the_allowed_extension_is_refused_by_streamlit_before_nnlab_sees_it(page, work):
    """A browser's file chooser offers only the allowed types; a client that sends another name anyway
    (here ../../etc/passwd) is stopped by Streamlit's own server-side check, in that session only.
    The page shows the exception's type only (client.showErrorDetails = "type"): no message, no traceback."""
    at = upload(run_page(page), PASSWD, b"root:x:0:0:root:/root:/bin/bash\n")
    assert at.exception[0].proto.type.endswith("StreamlitAPIException")
    assert "redacted" in at.exception[0].value and not at.exception[0].stack_trace
    assert files_under(work) == []
    assert not run_page(page).exception  # every other session goes on


@pytest.mark.parametrize("page, message", [
    ("pages/3_MNIST.py", "'../../etc/passwd' was not kept: Only .keras model files can be uploaded, not 'passwd'."),
    ("pages/4_Draw.py", "This file could not be read as a PNG or JPEG image: upload a photo or scan saved as PNG or JPEG."),
])
def test_the_model_and_photo_uploaders_take_any_name_and_refuse_a_wrong_one_with_a_sentence(page, message, work):
    """Their uploaders accept every type (nnlab.ui.uploads): Streamlit's browser-side refusal of a wrong type
    is only a red chip, so nnlab refuses it, with a sentence on the page."""
    at = upload(run_page(page), PASSWD, b"root:x:0:0:root:/root:/bin/bash\n")
    assert not at.exception
    assert [e.value for e in at.error] == [message]
    assert files_under(work) == []


# ---- Build: import a spec (JSON) ---------------------------------------------------------------------

BUILD_CASES = {
    "corrupt": ("broken.json", b'{"layers": [{"kind": "dense"', "not valid JSON"),
    "empty": ("empty.json", b"", "The file is empty."),
    "oversized": ("big.json", b" " * 100_001, "a spec is at most 100,000"),
    "a billion units": ("huge.json", spec_json(layers=[{"kind": "flatten"}, {"kind": "dense", "units": 10**9}]),
                        "a Dense layer needs 1 to 1024 units"),
    "a thousand layers": ("deep.json", spec_json(layers=[{"kind": "flatten"}] * 1000),
                          "The network has 1000 hidden layers; at most 20 are allowed."),
    "an image": ("photo.json", seven_photo(), "The file is not text (UTF-8)"),
    "a hostile name": (PASSWD + ".json", b"{not json", "Could not load '../../etc/passwd.json': The file is not valid JSON"),
}


@pytest.mark.parametrize("case", list(BUILD_CASES))
def test_build_page_spec_import_refuses_with_a_sentence(case, work):
    name, data, message = BUILD_CASES[case]
    at = run_page("pages/1_Build.py")
    before = at.session_state["model_spec"]
    at = upload(at, name, data, "application/json")
    assert not at.exception
    assert len(at.error) == 1 and message in at.error[0].value
    assert at.error[0].value.startswith("Could not load '")
    assert at.session_state["model_spec"] == before  # the student's network is untouched
    assert at.metric[0].label == "Total parameters"  # and the page still works
    assert files_under(work) == []


def test_build_page_a_good_spec_with_a_hostile_file_name_is_only_a_label(work):
    at = upload(run_page("pages/1_Build.py"), PASSWD + ".json", spec_json(name="![pic](x.png) *net*"))
    assert not at.exception and not at.error
    assert at.success[0].value == r"Loaded '\!\[pic\]\(x.png\) \*net\*' from '../../etc/passwd.json'."
    assert files_under(work) == []


# ---- MNIST: upload a model (.keras) -----------------------------------------------------------------


@pytest.fixture(scope="module")
def mnist(work):
    return run_page("pages/3_MNIST.py")


MNIST_CASES = {
    "corrupt": ("net.keras", lambda made: flip(made["digits"], 30_000, 34_000), "Keras could not read it safely"),
    "empty": ("net.keras", lambda made: b"", "The file is empty."),
    "oversized": ("net.keras", lambda made: b"PK" + bytes(store.MAX_MODEL_BYTES), "models above 50 MB are not accepted"),
    "a Lambda layer": ("lambda.keras", lambda made: made["lambda"], "This model contains a Lambda layer"),
    "not a zip": ("net.keras", lambda made: b"import os; os.system('rm -rf /')", "a .keras file is a zip archive"),
    "an image": ("seven.keras", lambda made: seven_photo(), "a .keras file is a zip archive, and this one is not"),
    "a spec with absurd sizes": ("spec.keras", lambda made: spec_json(layers=[{"kind": "dense", "units": 10**9}] * 1000),
                                 "a .keras file is a zip archive"),
}


@pytest.mark.parametrize("case", list(MNIST_CASES))
def test_mnist_page_model_upload_refuses_with_a_sentence(case, mnist, models, work):
    name, make, message = MNIST_CASES[case]
    at = upload(mnist, name, make(models))
    assert not at.exception
    assert len(at.error) == 1 and message in at.error[0].value
    assert "was not kept" in at.error[0].value
    assert not models["marker"].exists()  # the Lambda's code never ran
    assert files_under(work) == [] and store.list_models() == []
    assert any("No saved models yet" in caption.value for caption in at.caption)  # the page goes on


def test_mnist_page_a_good_model_named_like_a_path_is_kept_inside_the_folder_and_usable(mnist, models, work):
    at = upload(mnist, PASSWD + ".keras", models["digits"])
    assert not at.exception and not at.error
    assert "Uploaded '../../etc/passwd.keras' as passwd.keras in models/" in at.success[0].value
    assert files_under(work) == ["models/passwd.keras"]
    assert any("**passwd**" in m.value for m in at.markdown)  # listed with the saved models
    at.button(key="mnist_use_0").click().run()
    assert "Loaded passwd.keras" in at.success[0].value
    assert any(m.label == "Test accuracy" for m in at.metric)

    at = upload(at, PASSWD + ".keras", models["digits"])  # the same name again
    assert "passwd.keras exists already" in at.error[0].value
    at.checkbox(key="mnist_upload_replace").check().run()
    at = upload(at, "passwd.keras", models["digits"])
    assert "as passwd.keras" in at.success[0].value and files_under(work) == ["models/passwd.keras"]

    at.switch_page("pages/4_Draw.py").run()  # the Draw page offers it
    at.radio(key="draw_model_choice").set_value("A saved model").run()
    assert at.selectbox(key="draw_saved_name").options == ["passwd.keras"] and not at.error
    store.delete_model("passwd.keras")


# ---- Draw: a photo, and the canvas's data URL --------------------------------------------------------


@pytest.fixture(scope="module")
def draw(work):
    return run_page("pages/4_Draw.py")


PHOTO_CASES = {
    "oversized": ("big.jpg", b"\xff\xd8\xff" + bytes(MAX_PHOTO_BYTES), "The file is 5.0 MB; the limit is 5 MB."),
    "not an image": ("notes.txt", b"just some notes\n", "could not be read as a PNG or JPEG image"),
    "a decompression bomb": ("bomb.png", png_bomb(), "The image is 8000x8000 pixels; the limit is 40 million"),
    "a model file": ("seven.png", b"PK\x03\x04" + bytes(100), "could not be read as a PNG or JPEG image"),
    "a spec": ("spec.png", spec_json(), "could not be read as a PNG or JPEG image"),
    "a hostile name": (PASSWD + ".png", b"root:x:0:0:root:/root:/bin/bash\n", "could not be read as a PNG or JPEG image"),
}


@pytest.mark.parametrize("case", list(PHOTO_CASES))
def test_draw_page_photo_upload_refuses_with_a_sentence(case, draw, work):
    name, data, message = PHOTO_CASES[case]
    at = upload(draw, name, data, "image/png")
    assert not at.exception
    assert len(at.error) == 1 and message in at.error[0].value
    assert files_under(work) == []


def data_url(data: bytes, kind: str = "image/png") -> str:
    return f"data:{kind};base64," + base64.b64encode(data).decode()


def gif() -> bytes:
    out = io.BytesIO()
    Image.new("L", (20, 20), 255).save(out, format="GIF")
    return out.getvalue()


CANVAS_CASES = {
    "corrupt": (data_url(b"\x89PNG\r\n\x1a\n" + bytes(40)), "could not be read as a PNG or JPEG image"),
    "empty": ("data:image/png;base64,", "The drawing did not arrive as an image."),
    "oversized": (data_url(bytes(6_000_000)), "The drawing is larger than 5 MB."),
    "not an image": ("javascript:alert(document.cookie)", "The drawing did not arrive as an image."),
    "another format": (data_url(gif()), "This is a GIF file; please upload a PNG or JPEG image."),
    "a decompression bomb": (data_url(png_bomb()), "The image is 8000x8000 pixels"),
    "a model file": (data_url(b"PK\x03\x04" + bytes(100)), "could not be read as a PNG or JPEG image"),
}


@pytest.fixture(scope="module")
def canvas(work):
    return run_page("pages/4_Draw.py")


@pytest.mark.parametrize("case", list(CANVAS_CASES))
def test_draw_page_canvas_data_refused_with_a_sentence_and_the_page_asks_again(case, canvas, work):
    """What the browser sends as the drawing (a hostile client can send anything) goes in the canvas's state."""
    url, message = CANVAS_CASES[case]
    canvas.session_state["draw_canvas"] = {"drawing": {"raw": {"objects": []}, "data": url}}
    at = canvas.run()
    assert not at.exception
    assert len(at.error) == 1 and message in at.error[0].value
    assert "Draw a digit on the black square" in at.info[0].value  # no reading of a non-drawing
    assert files_under(work) == []
