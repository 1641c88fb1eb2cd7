"""Draw a digit: the network reads it the moment you let go of the mouse."""

from __future__ import annotations

import numpy as np
import streamlit as st

from nnlab.digits import photos, pictures, preprocess, reader
from nnlab.library import store
from nnlab.plots.digits import probability_bars
from nnlab.ui.compat.canvas_state import drawn_rgba
from nnlab.ui.compat.fast_canvas import st_canvas
from nnlab.ui.page import setup_page

setup_page("Draw a digit", "✏️")

BUNDLED, SESSION, SAVED = "Bundled CNN", "Trained on the MNIST page", "A saved model"
CANVAS = 280
PLOT_CONFIG = {"displayModeBar": False}


def bundled_model():
    with st.spinner("Loading the bundled network (TensorFlow starts once)…"):
        return reader.pretrained_model()


@st.cache_resource(max_entries=4, show_spinner="Loading the saved model…")
def saved_model(name: str, folder: str, modified: float):
    """A saved model, read-only and shared; ``modified`` makes a re-saved file load again."""
    return store.load_model(name, folder)


def choose_model():
    """The model choice row; returns the model that reads the digits (the bundled one when another fails)."""
    info = reader.pretrained_info()
    session_model = st.session_state.get("mnist_model")
    saved_names = store.list_models()
    accuracy = f"{info['test_accuracy']:.2%} on the MNIST test set" if "test_accuracy" in info else "ships with nnlab"
    left, right = st.columns([3, 2])
    choice = left.radio(
        "Which network reads your digit?", [BUNDLED, SESSION, SAVED], horizontal=True, key="draw_model_choice",
        captions=[accuracy, "ready" if session_model is not None else "none yet",
                  f"{len(saved_names)} in models/" if saved_names else "none yet"])
    model = None
    if choice == SESSION:
        if session_model is None:
            right.info("No network has been trained in this session yet: train one on the **MNIST** page, "
                       "then come back. Meanwhile the bundled network reads your digits.")
        else:
            model = getattr(session_model, "model", session_model)
    elif choice == SAVED:
        if not saved_names:
            right.info("No saved models yet (`.keras` files in the `models/` folder). "
                       "Meanwhile the bundled network reads your digits.")
        else:
            name = right.selectbox("Saved model", saved_names, key="draw_saved_name")
            try:
                path = store.model_path(name)
                model = saved_model(name, str(path.parent), path.stat().st_mtime)
            except (store.StoreError, OSError) as error:
                right.error(f"{error} The bundled network reads your digits instead.")
    if model is not None:
        try:
            reader.check_digit_model(model)
        except reader.DigitModelError as error:
            right.error(f"{error} The bundled network reads your digits instead.")
            model = None
    return model if model is not None else bundled_model()


def show_seen(image, key: str):
    """The 28x28 input, each pixel a 10x10 block with a grid line."""
    blank = np.zeros((preprocess.SIZE, preprocess.SIZE), np.float32)
    with st.container(key=f"{key}_seen"):
        st.image(pictures.enlarge(blank if image is None else image, 10, grid=70), width=CANVAS)


def show_reading(reading: reader.Reading | None, key: str, empty_text: str):
    """The answer in words and the ten probability bars."""
    with st.container(key=f"{key}_answer"):
        if reading is None:
            st.info(empty_text)
        elif reading.sure:
            st.markdown(f"## It is a **{reading.digit}**")
            st.caption(f"{reading.confidence:.0%} sure")
        else:
            st.markdown("## Not sure…")
            st.caption(reading.sentence())
    st.plotly_chart(probability_bars(None if reading is None else reading.probabilities,
                                     sure=reading is None or reading.sure),
                    key=f"{key}_bars", config=PLOT_CONFIG, theme=None)


def recipe_steps(steps: preprocess.Steps):
    """The three stages of the MNIST recipe, side by side."""
    with st.container(border=True, key="draw_recipe"):
        crop, box, final = st.columns(3)
        height, width = steps.crop.shape
        crop.image(steps.crop, clamp=True, width=max(20, round(140 * width / max(height, width))),
                   caption=f"1. Crop to the ink: {width}x{height} canvas pixels")
        box.image(pictures.enlarge(steps.box, 7), width=7 * steps.box.shape[1],
                  caption=f"2. Shrink into a 20x20 box, shape kept: {steps.box.shape[1]}x{steps.box.shape[0]}")
        row, col = steps.centre_of_mass
        final.image(pictures.enlarge(steps.image, 5, grid=70), width=140,
                    caption=f"3. Place in 28x28 with the centre of mass ({row:.1f}, {col:.1f}) at the middle")


@st.fragment
def drawing_section(model):
    """Canvas -> what the network sees -> what it reads; reruns alone when the drawing changes.

    The answer is computed from the drawing the canvas sent and written first, so it
    reaches the browser before the canvas and the pictures are sent again.
    """
    left, middle, right = st.columns([1.1, 1, 1.3], gap="medium")
    try:
        rgba, problem = drawn_rgba("draw_canvas"), None
    except photos.DigitImageError as error:
        rgba, problem = None, str(error)
    steps = None if rgba is None else preprocess.mnist_steps(preprocess.ink_from_rgba(rgba))
    image = None if steps is None else steps.image
    with right:
        st.subheader("3 · What it reads")
        show_reading(None if image is None else reader.read_digit(image, model), "draw",
                     "Draw a digit on the black square, with the mouse or a finger.")
    with middle:
        st.subheader("2 · What it sees")
        show_seen(image, "draw")
        st.caption("Your drawing as MNIST digits were made: cropped, scaled into a 20x20 box keeping its shape, "
                   "and placed in 28x28 pixels with its centre of mass in the middle.")
        show_steps = st.toggle("Show the recipe step by step", key="draw_show_steps")
    with left:
        st.subheader("1 · Draw")
        pen = st.slider("Pen width", 6, 40, 18, key="draw_pen")
        st_canvas(stroke_width=pen, stroke_color="#FFFFFF", background_color="#000000",
                  height=CANVAS, width=CANVAS, drawing_mode="freedraw",
                  return_image_data=True, key="draw_canvas")
        st.caption("Undo and clear: the toolbar above the canvas (move the mouse over it).")
        if problem:
            st.error(problem)
    if show_steps and steps is not None:  # drawn only when asked: each image costs time after every stroke
        recipe_steps(steps)


def photo_section(model):
    """An uploaded photo or scan, through the same recipe."""
    st.subheader("Or read a photo of a digit")
    left, middle, right = st.columns([1.1, 1, 1.3], gap="medium")
    upload = left.file_uploader("A photo or scan of one digit (PNG or JPEG, up to 5 MB). "
                                "Dark ink on light paper works; crop it roughly to the digit.",
                                type=["png", "jpg", "jpeg"], key="draw_photo")
    if upload is None:
        return
    try:
        image = photos.photo_to_mnist(upload.getvalue())
    except photos.DigitImageError as error:
        left.error(str(error))
        return
    if image is None:
        left.warning("No digit found in this picture: it looks like blank paper. Try a darker pen or a closer crop.")
        return
    with middle:
        show_seen(image, "photo")
    with right:
        show_reading(reader.read_digit(image, model), "photo", "")


st.title("✏️ Draw a digit")
st.write("Draw a digit from 0 to 9. When you let go of the mouse the network reads it and shows how sure it is "
         "of each answer. Try a thick one, a tiny one in a corner, a 7 with a bar: can you fool it?")
chosen = choose_model()
drawing_section(chosen)
st.divider()
photo_section(chosen)
