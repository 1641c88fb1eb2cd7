"""What the MNIST page hands the Draw page: the model trained (or chosen) in this session, with its result.

One typed value in the session state, written and read only through :func:`hand_over` and
:func:`session_model`: no page spells a session-state key for it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import streamlit as st

from nnlab.mnist.evaluation import Evaluation

SESSION_MODEL = "nnlab_session_model"  # the session-state key; tests read it, pages use the accessors


@dataclass(frozen=True)
class SessionModel:
    """The session's digit reader and what is known about it.

    ``evaluation``: its answers on the 10,000 MNIST test images (None when it could not be tested).
    ``save_name``: the name the Save box proposes (None: a model loaded from the models folder, saved already).
    ``first_layer_start``: the first Dense layer's weights before training, as images (to show what
    training changed; None when unknown or not a Dense first layer).
    """

    model: object  # a Keras model, (N, 28, 28) -> (N, 10)
    title: str
    evaluation: Evaluation | None
    note: str = ""
    save_name: str | None = None
    first_layer_start: np.ndarray | None = None


def session_model() -> SessionModel | None:
    """The model handed over in this session, or None before any."""
    return st.session_state.get(SESSION_MODEL)


def hand_over(handed: SessionModel) -> None:
    """``handed`` becomes the session's model, for this page and the others."""
    st.session_state[SESSION_MODEL] = handed
