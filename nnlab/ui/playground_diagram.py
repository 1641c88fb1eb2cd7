"""The playground's network you can touch: tap a connection or a neuron, read and edit its number.

While the run plays, the network is a picture updated in place (:mod:`nnlab.plots.live`). Paused,
the same picture sits inside a plotly chart with a marker on each connection and on each neuron
(:func:`nnlab.plots.network.touchable_network`); a click or a tap selects one
(``on_select`` with ``selection_mode="points"``), and below the chart

* a connection shows its weight, a neuron its formula ``a = f(w·x + b)`` with its numbers and its bias;
* the value can be typed (checked: 1e9 or NaN is refused with a sentence) or nudged by ±0.1, and the
  boundary redraws at once (the callback runs before the page draws it);
* the same choice is offered by a list, for screens where a marker is too small to hit.

While "Inspect one step" is open (:mod:`nnlab.ui.playground_inspect`), the picture's connections show
that step's updates and a tap explains that weight's gradient.

State: ``pg_picked`` (the selected target's key), ``pg_edit_note`` (the last edit's message).
"""

from __future__ import annotations

import streamlit as st

from nnlab.playground import weights
from nnlab.plots.network import Target, edge_target, image_geometry, neuron_columns, touchable_network
from nnlab.training.live import RUNNING

PICKED, NOTE, CHART = "pg_picked", "pg_edit_note", "pg_network_touch"
NUDGE = 0.1


def edge_key(layer: int, source: int, neuron: int) -> str:
    return f"e:{layer}:{source}:{neuron}"


def neuron_key(column: int, neuron: int) -> str:
    return f"n:{column}:{neuron}"


def parse_key(key: str) -> tuple[str, tuple[int, ...]]:
    kind, *numbers = key.split(":")
    return kind, tuple(int(n) for n in numbers)


def _targets(run, hover_edge, hover_neuron) -> tuple[object, list[Target]]:
    columns, _ = neuron_columns(run.drawn_spec)  # the Dense layers (dropout has no column)
    geometry = image_geometry(columns)
    targets = []
    for c in range(len(columns) - 1):
        for i in range(len(columns[c])):
            for j in range(len(columns[c + 1])):
                x, y = edge_target(geometry, c, i, j)
                targets.append(Target(edge_key(c, i, j), x, y, hover_edge(c, i, j), neuron=False))
    for c, centres in enumerate(geometry.centres):
        for j, (x, y) in enumerate(centres):
            targets.append(Target(neuron_key(c, j), x, y, hover_neuron(c, j), neuron=True))
    return geometry, targets


def _picked() -> None:
    """The chart's selection callback: keep the tapped target (an emptied selection keeps the last one)."""
    event = st.session_state.get(CHART)
    points = (event or {}).get("selection", {}).get("points", []) if isinstance(event, dict) else \
        getattr(getattr(event, "selection", None), "points", [])
    keys = [point.get("customdata") for point in points if isinstance(point.get("customdata"), str)]
    if keys:
        st.session_state[PICKED] = keys[-1]
        st.session_state.pop(NOTE, None)


def _choose(widget: str) -> None:
    st.session_state[PICKED] = st.session_state[widget]
    st.session_state.pop(NOTE, None)


def _set(run, param: weights.Param, value, what: str) -> None:
    try:
        previous = weights.set_value(run.trainer.model, param, value, run.trainer.lock)
    except ValueError as error:
        st.session_state[NOTE] = ("error", str(error))
        return
    new = weights.get_value(run.trainer.model, param)
    st.session_state[NOTE] = ("success", f"{what}: {previous:.3f} → {new:.3f}. The boundary is redrawn with it.")


def _typed(run, param: weights.Param, widget: str, what: str) -> None:
    _set(run, param, st.session_state.get(widget, "").strip().replace("−", "-"), what)


def _nudge(run, param: weights.Param, delta: float, what: str) -> None:
    _set(run, param, weights.get_value(run.trainer.model, param) + delta, what)


def network_view(run, picture: bytes, inspection=None) -> None:
    """The network: a picture while playing; paused, the touchable chart and the selected number's editor."""
    if run.state == RUNNING:
        st.image(picture)
        return
    model = run.trainer.model
    names = weights.names_for(model, run.features)
    if inspection is None:
        layers = [(layer.kernel.numpy(), layer.bias.numpy()) for layer in weights.dense_layers(model)]

        def hover_edge(c, i, j):
            return f"{names[c][i]} → {names[c + 1][j]}: w = {layers[c][0][i, j]:.3f} (tap to edit)"

        def hover_neuron(c, j):
            if c == 0:
                return f"{names[0][j]}: an input feature"
            return f"{names[c][j]}: bias b = {layers[c - 1][1][j]:.3f} (tap for its formula)"
    else:
        numbers = inspection.numbers

        def hover_edge(c, i, j):
            return (f"{names[c][i]} → {names[c + 1][j]}: w = {inspection.W[c][i, j]:.3f}, "
                    f"∂L/∂w = {numbers.dW[c][i, j]:.4f}, Δw = {inspection.dW_update[c][i, j]:+.4f}")

        def hover_neuron(c, j):
            mean_a = numbers.a[c][:, j].mean()
            if c == 0:
                return f"{names[0][j]}: mean over the batch {mean_a:.3f}"
            return (f"{names[c][j]}: mean a = {mean_a:.3f}, mean δ = {numbers.delta[c - 1][:, j].mean():.4f}, "
                    f"Δb = {inspection.db_update[c - 1][j]:+.4f}")

    geometry, targets = _targets(run, hover_edge, hover_neuron)
    valid = {t.key for t in targets}
    picked = st.session_state.get(PICKED)
    if picked not in valid:
        picked = None
    figure = touchable_network(picture, geometry, targets, selected=picked)
    st.plotly_chart(figure, key=CHART, on_select=_picked, selection_mode="points",
                    config={"displayModeBar": False, "scrollZoom": False})
    _picker(targets, names, picked)
    if picked is not None:
        if inspection is None:
            _editor(run, names, picked)
        else:
            _gradient_story(inspection, names, picked)


def _label(key: str, names) -> str:
    kind, numbers = parse_key(key)
    if kind == "e":
        c, i, j = numbers
        return f"weight {names[c][i]} → {names[c + 1][j]}"
    c, j = numbers
    return f"neuron {names[c][j]}" if c else f"input {names[0][j]}"


def _picker(targets, names, picked) -> None:
    """The same choice as a list (neurons, then connections), for fingers bigger than a marker."""
    options = [t.key for t in targets if t.neuron] + [t.key for t in targets if not t.neuron]
    widget = f"pg_pick_list_{picked}"
    st.selectbox("Tap a connection or a neuron above, or pick it here", [None] + options,
                 index=0 if picked is None else options.index(picked) + 1, key=widget, on_change=_choose,
                 args=(widget,), format_func=lambda k: "—" if k is None else _label(k, names))


def _value_editor(run, param: weights.Param, what: str) -> None:
    value = weights.get_value(run.trainer.model, param)
    widget = f"pg_value_{param.layer}_{param.neuron}_{param.source}_{value:.6f}"
    with st.container(horizontal=True, vertical_alignment="bottom", gap="xsmall", key="pg_value_editor"):
        st.text_input(what, value=f"{value:.3f}", key=widget, width=150, on_change=_typed,
                      args=(run, param, widget, what), help="Type a number between −100 and 100 and press Enter")
        st.button("Set", key="pg_value_set", on_click=_typed, args=(run, param, widget, what))
        st.button(f"−{NUDGE:g}", key="pg_value_down", on_click=_nudge, args=(run, param, -NUDGE, what))
        st.button(f"+{NUDGE:g}", key="pg_value_up", on_click=_nudge, args=(run, param, NUDGE, what))


def _editor(run, names, picked: str) -> None:
    kind, numbers = parse_key(picked)
    note = st.session_state.get(NOTE)
    if kind == "e":
        c, i, j = numbers
        param = weights.Param(c, j, i)
        st.markdown(f"**Weight {names[c][i]} → {names[c + 1][j]}**: multiplies what {names[c][i]} sends "
                    f"to {names[c + 1][j]}.")
        _value_editor(run, param, f"w ({names[c][i]} → {names[c + 1][j]})")
    else:
        c, j = numbers
        formula = weights.neuron_formula(run.trainer.model, run.features, c, j, run.data.x_train[0])
        st.markdown(f"**{formula.name}** computes")
        st.code(formula.formula, language=None, wrap_lines=True)
        st.caption("At the first training point:")
        st.code(formula.at_point, language=None, wrap_lines=True)
        if c:
            _value_editor(run, weights.Param(c - 1, j), f"b (bias of {names[c][j]})")
    if note:
        (st.error if note[0] == "error" else st.success)(note[1])


def _gradient_story(inspection, names, picked: str) -> None:
    """For the tapped connection or neuron: its gradient over the batch, written out with its numbers."""
    kind, numbers = parse_key(picked)
    p = inspection.numbers
    n = len(inspection.indices)
    if kind == "e":
        c, i, j = numbers
        products = p.a[c][:, i] * p.delta[c][:, j]
        shown = " + ".join(f"{v:.3f}" for v in products[:4]) + (" + …" if n > 4 else "")
        st.markdown(f"**Weight {names[c][i]} → {names[c + 1][j]}** = {inspection.W[c][i, j]:.4f}")
        st.code(f"∂L/∂w = (1/N) Σ a({names[c][i]})·δ({names[c + 1][j]}) = (1/{n})·({shown}) = "
                f"{p.dW[c][i, j]:.5f}\nΔw = {inspection.dW_update[c][i, j]:+.5f}  ({inspection.rule})",
                language=None, wrap_lines=True)
    else:
        c, j = numbers
        if c == 0:
            st.markdown(f"**{names[0][j]}** over the batch: " + ", ".join(f"{v:.2f}" for v in p.a[0][:, j]))
            return
        st.markdown(f"**{names[c][j]}** over the batch of {n}")
        st.code(f"z = {', '.join(f'{v:.3f}' for v in p.z[c - 1][:, j])}\n"
                f"a = {', '.join(f'{v:.3f}' for v in p.a[c][:, j])}\n"
                f"δ = ∂L/∂z = {', '.join(f'{v:.4f}' for v in p.delta[c - 1][:, j])}\n"
                f"∂L/∂b = mean δ = {p.db[c - 1][j]:.5f}   Δb = {inspection.db_update[c - 1][j]:+.5f}",
                language=None, wrap_lines=True)

