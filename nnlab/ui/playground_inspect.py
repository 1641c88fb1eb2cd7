"""One step under the microscope, on the playground page: inspect a mini-batch's step, then apply it.

Paused, **Inspect one step** runs one mini-batch forward and backward
(:func:`nnlab.playground.inspect_step.inspect`): the network picture then shows the step's updates
on its connections (:mod:`nnlab.ui.playground_diagram`), and below the pictures the batch, the loss,
the formulas of backpropagation (those of the Under-the-hood page) and, layer by layer, every
activation, gradient and update. **Apply this step** takes it (the boundary moves); **Close** forgets it.

State: ``pg_inspect`` = (run, inspection) while open; ``pg_inspect_count`` (each inspection takes the
next batch); ``pg_inspect_note`` (what the last Apply did).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from nnlab.hood.scratch import tex_matrix
from nnlab.playground import inspect_step, weights
from nnlab.playground.backprop import DERIVATIVE_TEXT, backprop, read_layers
from nnlab.training.live import RUNNING

INSPECT, COUNT, NOTE = "pg_inspect", "pg_inspect_count", "pg_inspect_note"
EDIT_NOTE = "pg_edit_note"  # the weight editor's message (nnlab.ui.playground_diagram)
FORMULAS = (
    r"z_l = a_{l-1} W_l + b_l,\qquad a_l = f_l(z_l),\qquad a_0 = x",
    r"\delta_L = \hat y - y \quad\text{(cross-entropy with sigmoid or softmax)}",
    r"\delta_l = f_l'(z_l) \odot \big(\delta_{l+1} W_{l+1}^{\top}\big)",
    r"\frac{\partial L}{\partial W_l} = \tfrac{1}{N}\, a_{l-1}^{\top} \delta_l,\qquad "
    r"\frac{\partial L}{\partial b_l} = \tfrac{1}{N} \textstyle\sum_i \delta_{l,i}",
)


def current(run):
    """The open inspection of ``run``, or None (also once the model has moved: trained, edited, reset)."""
    value = st.session_state.get(INSPECT)
    if value is None:
        return None
    shown_run, inspection = value
    if shown_run is not run or run.state == RUNNING or not inspect_step.is_current(run, inspection):
        st.session_state.pop(INSPECT, None)
        return None
    return inspection


def _open(run) -> None:
    if run.state == RUNNING:
        return
    st.session_state[INSPECT] = (run, inspect_step.inspect(run, st.session_state.get(COUNT, 0)))
    for note in (NOTE, EDIT_NOTE):
        st.session_state.pop(note, None)


def _apply(run) -> None:
    value = st.session_state.pop(INSPECT, None)
    if value is None:
        return
    _, inspection = value
    st.session_state[COUNT] = st.session_state.get(COUNT, 0) + 1
    if not inspect_step.apply(run, inspection):
        st.session_state[NOTE] = ("warning", "The network changed since this step was inspected: nothing applied.")
        return
    after = backprop(read_layers(run.trainer.model), inspection.x, inspection.labels, inspection.loss).loss
    st.session_state[NOTE] = ("success", f"Step applied: the loss on that batch went from {inspection.numbers.loss:.4f} "
                              f"to {after:.4f}. The boundary moved with it.")


def _close() -> None:
    st.session_state.pop(INSPECT, None)
    st.session_state[COUNT] = st.session_state.get(COUNT, 0) + 1


def controls(run, inspection) -> None:
    """Under the network: Inspect one step, or Apply this step / Close while one is open."""
    with st.container(horizontal=True, gap="xsmall", key="pg_inspect_controls"):
        if inspection is None:
            st.button("Inspect one step", key="pg_inspect_open", on_click=_open, args=(run,),
                      icon=":material/biotech:", disabled=run.state == RUNNING,
                      help="Follow one mini-batch forward and backward: activations, loss, gradients, updates")
        else:
            st.button("Apply this step", key="pg_inspect_apply", on_click=_apply, args=(run,), type="primary",
                      icon=":material/check:", help="Change every weight by its Δ: one optimizer step")
            st.button("Close", key="pg_inspect_close", on_click=_close, icon=":material/close:")
    note = st.session_state.get(NOTE)
    if note is not None and inspection is None:
        (st.success if note[0] == "success" else st.warning)(note[1])


def panel(run, inspection) -> None:
    """The whole step, below the pictures: the batch, the loss, the formulas, every layer's numbers."""
    if inspection is None:
        return
    p = inspection.numbers
    names = weights.names_for(run.trainer.model, run.features)
    n = len(inspection.indices)
    st.subheader("One step under the microscope")
    st.markdown(f"A mini-batch of **{n}** training points goes forward through the network, then the loss's "
                "gradient comes back (backpropagation, as on the Under-the-hood page). The network picture's "
                "connections now show each weight's **update** Δw (blue: the step raises it, orange: lowers it, "
                "thicker: larger); tap one for its numbers.")
    if any(layer.kind == "dropout" for layer in run.spec.layers):
        st.info("This network has dropout. The inspected step follows every neuron (none switched off), "
                "so its gradients are those of the network without dropout.", icon=":material/info:")
    loss_text = f"{p.data_loss:.4f}" + (f" + penalty {p.penalty:.4f} = {p.loss:.4f}" if p.penalty else "")
    st.markdown(f"**Loss on this batch** ({inspection.loss.replace('_', ' ')}): {loss_text} · "
                f"**Update rule**: {inspection.rule}")
    batch = pd.DataFrame({name: inspection.x[:, k] for k, name in enumerate(names[0])})
    batch["label"] = inspection.labels
    out = p.a[-1]
    for k, name in enumerate(names[-1]):
        batch[f"{name} (prediction)"] = out[:, k]
    st.dataframe(batch, hide_index=True, height=min(36 * (n + 1) + 2, 300))
    with st.expander("Backpropagation, the formulas"):
        for formula in FORMULAS:
            st.latex(formula)
        st.caption("δ_l = ∂L/∂z_l for each example of the batch. Derivatives: "
                   + ", ".join(f"{name}′ = {text}" for name, text in DERIVATIVE_TEXT.items() if name != "softmax")
                   + ". The update Δ is the optimizer's: " + inspection.rule + ".")
    for index, activation in enumerate(inspection.activations):
        source = "the inputs" if index == 0 else f"hidden layer {index}"
        title = f"Layer {index + 1}: {source} → {', '.join(names[index + 1])} ({activation})"
        with st.expander(title, expanded=index == len(inspection.activations) - 1):
            table = pd.DataFrame({f"z({name})": p.z[index][:, j] for j, name in enumerate(names[index + 1])})
            for j, name in enumerate(names[index + 1]):
                table[f"a({name})"] = p.a[index + 1][:, j]
                table[f"δ({name})"] = p.delta[index][:, j]
            st.dataframe(table, hide_index=True, height=min(36 * (n + 1) + 2, 300))
            with st.container(horizontal=True, gap="medium"):
                for symbol, value in ((f"W_{index + 1}", inspection.W[index]),
                                      (rf"\partial L/\partial W_{index + 1}", p.dW[index]),
                                      (rf"\Delta W_{index + 1}", inspection.dW_update[index]),
                                      (rf"\partial L/\partial b_{index + 1}", p.db[index]),
                                      (rf"\Delta b_{index + 1}", inspection.db_update[index])):
                    st.latex(f"{symbol} = {tex_matrix(np.asarray(value), 4)}", width="content")
