"""The playground's data: the data set controls, a student's own points (click or tap the plane to add or
erase them, clear them, upload or download a CSV) and the plane component that shows and edits them.

Own points live in the setup (``PlaygroundConfig.own``) like every other setting, so a click is a new setup
and the page trains on it from scratch. A CSV that cannot be read leaves the setup as it was and shows its
sentence (:func:`nnlab.datasets.points_csv.points_from_csv`) until the next upload.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import streamlit as st

import nnlab.ui.playground as pg
from nnlab.datasets.points_csv import MAX_BYTES, MAX_CLASS, MAX_ROWS, points_to_csv
from nnlab.datasets.toy2d import make_2d
from nnlab.playground.config import (
    DATASET_ORDER,
    DATASET_TITLES,
    MAX_SEED,
    NOISE_RANGE,
    OWN,
    POINTS_RANGE,
    TRAIN_PERCENT_RANGE,
)
from nnlab.playground.own_points import OwnPoints
from nnlab.plots.style import CLASS_COLOR_NAMES
from nnlab.ui.playground_plane import palette, plane_points

UPLOAD_ERROR, CLICK_MODE, CLICK_VALUE, VERSION = "pg_upload_error", "pg_click_mode", "pg_click_value", "pg_own_version"
PLANE_KEY = "pg_plane"
ERASE = "erase"
DATASET_HELP = {
    "dataset": "The points to learn: classes (2 to 5 colours), a real value (regression), or your own points",
    "noise": "How much random jitter moves each point: more noise, more overlap between the classes",
    "train_percent": "The share of the points the network trains on; the rest test it",
    "points": "How many points the data set has",
}


def current_points(setup) -> tuple[np.ndarray, np.ndarray]:
    """All the points of the setup's data set (training and test), in the order they are drawn."""
    if setup.dataset == OWN:
        return setup.own.arrays() if setup.own is not None else (np.zeros((0, 2), np.float32), np.zeros(0, np.int64))
    return make_2d(setup.dataset, n=setup.points, noise=setup.noise / 100, seed=setup.data_seed)


def _bump_version() -> None:
    st.session_state[VERSION] = st.session_state.get(VERSION, 0) + 1


def _set_own(own: OwnPoints) -> None:
    _bump_version()
    pg.set_config(replace(pg.config(), dataset=OWN, own=own))


def _choose_dataset(widget: str) -> None:
    """A built-in set, or "Your own points": those start as a copy of the points on the plane."""
    setup, chosen = pg.config(), st.session_state[widget]
    if chosen == OWN and setup.own is None:
        _set_own(OwnPoints.from_arrays(*current_points(setup)))
    else:
        pg.set_config(replace(setup, dataset=chosen))


def _upload(widget: str) -> None:
    upload = st.session_state.get(widget)
    if upload is None:
        return
    try:
        if upload.size > MAX_BYTES:
            raise ValueError(f"The file is {upload.size / 1000:,.0f} kB; a points file is at most "
                             f"{MAX_BYTES // 1000} kB.")
        own = OwnPoints.from_csv(upload.getvalue())
    except ValueError as error:
        st.session_state[UPLOAD_ERROR] = f"{upload.name}: {error} Your points are unchanged."
        return
    st.session_state[UPLOAD_ERROR] = None
    _set_own(own)


def data_controls() -> None:
    """The sidebar's Data section: the data set, its sliders, and the CSV upload and download."""
    setup = pg.config()
    if "data" in setup.hide:
        return
    st.subheader("Data")
    options = (*DATASET_ORDER, OWN)
    widget = pg.key("dataset")
    st.selectbox("Dataset", options, index=options.index(setup.dataset), key=widget, format_func=DATASET_TITLES.get,
                 on_change=_choose_dataset, args=(widget,), help=DATASET_HELP["dataset"])
    sliders = [("train_percent", "Training share of the points", TRAIN_PERCENT_RANGE, 10, "%d%%")]
    if setup.dataset != OWN:
        sliders = [("noise", "Noise", NOISE_RANGE, 5, "%d%%"), *sliders,
                   ("points", "Number of points", POINTS_RANGE, 50, "%d")]
    for field, label, (low, high), step, fmt in sliders:
        widget = pg.key(field)
        st.slider(label, low, high, getattr(setup, field), step, format=fmt, key=widget, on_change=pg._change,
                  args=(field, widget), help=DATASET_HELP[field])
    if setup.dataset == OWN:
        st.caption("Click or tap the plane to add points; choose the class (or the value) above the plane.")
    else:
        st.button("Regenerate", key="pg_regenerate", on_click=_regenerate, icon=":material/casino:",
                  help="Draw new random points (and start training over)")
    widget = pg.key("upload")
    st.file_uploader("Upload points (CSV)", type=["csv"], key=widget, on_change=_upload, args=(widget,),
                     help=f"A CSV file with the header x1,x2,label: labels 0 to {MAX_CLASS} (classes) or "
                          f"values from -1 to 1 (regression), up to {MAX_ROWS:,} rows and {MAX_BYTES // 1000} kB")
    error = st.session_state.get(UPLOAD_ERROR)
    if error:
        st.error(error, icon=":material/error:")
    points, labels = current_points(setup)
    if len(points):
        st.download_button("Download points (CSV)", points_to_csv(points, labels), file_name="points.csv",
                           mime="text/csv", key="pg_download", on_click="ignore", icon=":material/download:",
                           help="The points on the plane (training and test) as x1,x2,label: open it in a "
                                "spreadsheet, or upload it again later")


def _regenerate() -> None:
    setup = pg.config()
    pg.set_config(replace(setup, data_seed=(setup.data_seed + 1) % (MAX_SEED + 1)))


# ---- the plane you click ------------------------------------------------------------------------


def _clear() -> None:
    own = pg.config().own
    if own is not None:
        _set_own(own.cleared())


def _on_click() -> None:
    """Add a point of the chosen class (or value) where the plane was clicked, or erase the points there."""
    from nnlab.ui.components.plane import clicked

    click, setup = clicked(PLANE_KEY), pg.config()
    if not click or setup.own is None:
        return
    x1, x2 = float(click["x1"]), float(click["x2"])
    mode = st.session_state.get(CLICK_MODE) or 0  # None: the student unselected the choice; adds class 0
    if mode == ERASE:
        _set_own(setup.own.erase(x1, x2))
    elif setup.own.regression:
        _set_own(setup.own.add(x1, x2, float(st.session_state.get(CLICK_VALUE, 1.0))))
    else:
        _set_own(setup.own.add(x1, x2, int(mode)))


def click_controls(setup) -> None:
    """What a click does (add a class or a value, or erase), then Clear; above the plane. The choices
    are a row of radio buttons that wraps (as pills or a segmented control, Erase was cut at 768 px)."""
    own = setup.own
    if own.regression:
        if st.session_state.get(CLICK_MODE) not in ("add", ERASE):
            st.session_state[CLICK_MODE] = "add"
        st.radio("A click", ["add", ERASE], key=CLICK_MODE, horizontal=True,
                 format_func=lambda c: "Add" if c == "add" else "Erase",
                 help="What clicking or tapping the plane does: add a point, or erase the points there")
    else:
        choices = [*range(MAX_CLASS + 1), ERASE]
        if st.session_state.get(CLICK_MODE) not in choices:
            st.session_state[CLICK_MODE] = 0
        st.radio("A click adds", choices, key=CLICK_MODE, horizontal=True,
                 format_func=lambda c: "Erase" if c == ERASE else CLASS_COLOR_NAMES[c],
                 help="The class of the points a click or tap adds (by its colour), or Erase")
    with st.container(horizontal=True, vertical_alignment="bottom", gap="small", key="pg_click_controls"):
        if own.regression:
            st.slider("Value of new points", -1.0, 1.0, 1.0, 0.1, key=CLICK_VALUE, width=200,
                      help="The target of the points you add: -1 (orange) to +1 (blue)")
        st.button("Clear", key="pg_clear", on_click=_clear, icon=":material/delete:", disabled=not len(own),
                  help="Remove every point (Download keeps a copy first)")


def own_plane(run, plane_values) -> None:
    """The own points on the plane component: the network's output under them, clicks add or erase."""
    from nnlab.ui.components.plane import plane, plane_data

    setup = pg.config()
    click_controls(setup)
    data = run.data if run is not None and run.matches(setup) else None
    if data is not None:
        regression = run.regression
        # every own point is shown (a new one may have gone to the test set): training dots, test diamonds
        points = plane_points(data.train_points, data.train_labels, regression, False)
        points += plane_points(data.test_points, data.test_labels, regression, True)
    else:  # the network for these points is being built: show the points alone
        pts, labels = setup.own.arrays()
        points = plane_points(pts, labels, setup.own.regression, False)
    n = len(setup.own)
    caption = (f"{n} points (dots train, diamonds test) · click or tap to "
               f"{'erase' if st.session_state.get(CLICK_MODE) == ERASE else 'add'}")
    plane(plane_data(plane_values if data is not None else None, palette(setup.n_classes), points, extent=6.0,
                     version=st.session_state.get(VERSION, 0), discrete=setup.discretize,
                     adds=st.session_state.get(CLICK_MODE) != ERASE, caption=caption,
                     label="Your points on the plane, over the network's answer; click to add or erase",
                     edge="#555555" if setup.own.regression else "white"),
          key=PLANE_KEY, on_click=_on_click)
