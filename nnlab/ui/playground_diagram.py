"""The playground's network you can touch: tap a connection or a neuron, read and edit its number.

While the run plays, the network is a picture updated in place (:mod:`nnlab.plots.live`). Paused,
the same picture is drawn by a small component (``st.components.v2``) that lays a button over each
connection (a dot) and each neuron (its square), placed by :func:`nnlab.plots.network.tap_targets`;
a click or a tap on one selects it, and below the picture

* a connection shows its weight, a neuron its formula ``a = f(w·x + b)`` with its numbers and its bias;
* the value can be typed (checked: 1e9 or NaN is refused with a sentence) or nudged by ±0.1, and the
  boundary redraws at once (the callback runs before the page draws it);
* the same choice is offered by a list, for screens where a dot is too small to hit.

Why a component and not plotly's own selection (``st.plotly_chart(on_select=...)``): in Chromium with
touch events a tap on a plotly point fires ``plotly_click`` but never ``plotly_selected``, the only
event Streamlit listens to, so a tablet could not pick anything. Buttons work alike for mouse, touch
and keyboard, and their names (``aria-label``) are what a screen reader and the browser tests read.

While "Inspect one step" is open (:mod:`nnlab.ui.playground_inspect`), the picture's connections show
that step's updates and a tap explains that weight's gradient.

State: ``pg_picked`` (the selected target's key), ``pg_edit_note`` (the last edit's message).
"""

from __future__ import annotations

import base64

import streamlit as st

from nnlab.playground import weights
from nnlab.playground.backprop import read_layers
from nnlab.plots.network import image_geometry, neuron_columns, tap_targets
from nnlab.training.live import RUNNING

PICKED, NOTE, COMPONENT_KEY = "pg_picked", "pg_edit_note", "pg_network_touch"
NUDGE = 0.1
PICK_LABEL = "Tap a connection or a neuron above, or pick it here"
COMPONENT = "nnlab_touch_network"
CSS = """
.nn-root { position: relative; width: 100%; margin: 0 auto; }
.nn-root img { width: 100%; display: block; }
.nn-root button { position: absolute; transform: translate(-50%, -50%); padding: 0; margin: 0; cursor: pointer;
                  touch-action: manipulation; }
.nn-edge { width: 12px; height: 12px; border-radius: 50%; background: #ffffff; border: 1.5px solid #333333; }
.nn-neuron { background: transparent; border: 2px solid transparent; border-radius: 3px; }
.nn-root button:hover, .nn-root button:focus-visible { border-color: #CC79A7; outline: none; }
.nn-root button.nn-selected { border: 3px solid #CC79A7; box-shadow: 0 0 0 2px #ffffff; }
"""
JS = """
export default function (component) {
  const { data, setTriggerValue, parentElement } = component;
  let root = parentElement.querySelector('.nn-root');
  if (!root) {
    root = document.createElement('div');
    root.className = 'nn-root';
    parentElement.appendChild(root);
  }
  root.replaceChildren();
  root.style.maxWidth = data.width + 'px';
  const picture = document.createElement('img');
  picture.src = data.image;
  picture.alt = data.alt;
  root.appendChild(picture);
  for (const target of data.targets) {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = (target.neuron ? 'nn-neuron' : 'nn-edge') + (target.key === data.selected ? ' nn-selected' : '');
    button.style.left = (100 * target.x / data.width) + '%';
    button.style.top = (100 * target.y / data.height) + '%';
    if (target.neuron) {
      button.style.width = (100 * target.size / data.width) + '%';
      button.style.height = (100 * target.size / data.height) + '%';
    }
    button.title = target.label;
    button.setAttribute('aria-label', target.label);
    button.dataset.key = target.key;
    button.onclick = () => setTriggerValue('picked', target.key);
    root.appendChild(button);
  }
}
"""
_mount = None


def _component():
    """The component's mount command, registered once per process (see docs/ARCHITECTURE.md, "Drawing canvas")."""
    global _mount
    if _mount is None:
        _mount = st.components.v2.component(COMPONENT, html="", css=CSS, js=JS, isolate_styles=True)
    return _mount


def parse_key(key: str) -> tuple[str, tuple[int, ...]]:
    """``e:column:source:target`` (a connection) or ``n:column:neuron`` (a neuron) as (kind, numbers)."""
    kind, *numbers = key.split(":")
    return kind, tuple(int(n) for n in numbers)


def _picked() -> None:
    """The component's callback: keep the tapped target."""
    result = st.session_state.get(COMPONENT_KEY)
    key = getattr(result, "picked", None) if not isinstance(result, dict) else result.get("picked")
    if isinstance(key, str) and key:
        st.session_state[PICKED] = key
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
    st.session_state[NOTE] = ("success", f"{what}: {previous:.3f} → {new:.3f}. The boundary is redrawn with it; "
                              "the losses above change at the next epoch.")


def _typed(run, param: weights.Param, widget: str, what: str) -> None:
    _set(run, param, st.session_state.get(widget, "").strip().replace("−", "-"), what)


def _nudge(run, param: weights.Param, delta: float, what: str) -> None:
    _set(run, param, weights.get_value(run.trainer.model, param) + delta, what)


def _labels(run, names, inspection):
    """The text of each target (its tooltip and its name for screen readers and tests)."""
    model = run.trainer.model
    if inspection is None:
        numbers_now = read_layers(model)  # read once: a variable's .numpy() costs about 0.5 ms
        layers = [(layer.W, layer.b) for layer in numbers_now]
    numbers = inspection.numbers if inspection is not None else None
    point = run.data.x_train[0]

    def label(key: str) -> str:
        kind, index = parse_key(key)
        if kind == "e":
            c, i, j = index
            head = f"weight {names[c][i]} → {names[c + 1][j]}"
            if inspection is None:
                return f"{head} = {layers[c][0][i, j]:.3f}"
            return (f"{head} = {inspection.W[c][i, j]:.3f}, ∂L/∂w = {numbers.dW[c][i, j]:.4f}, "
                    f"Δw = {inspection.dW_update[c][i, j]:+.4f}")
        c, j = index
        if inspection is None:
            return "neuron " + weights.neuron_formula(model, run.features, c, j, point, numbers_now).formula if c else \
                f"input {names[0][j]}"
        mean_a = numbers.a[c][:, j].mean()
        if c == 0:
            return f"input {names[0][j]}: mean over the batch {mean_a:.3f}"
        return (f"neuron {names[c][j]}: mean a = {mean_a:.3f}, mean δ = {numbers.delta[c - 1][:, j].mean():.4f}, "
                f"Δb = {inspection.db_update[c - 1][j]:+.4f}")

    return label


def network_view(run, picture: bytes, inspection=None) -> None:
    """The network: a picture while playing; paused, the touchable picture and the selected number's editor."""
    columns, _ = neuron_columns(run.drawn_spec)  # the Dense layers (dropout has no column)
    geometry = image_geometry(columns)
    if run.state == RUNNING:
        # inline, with its shape reserved before it is decoded: as tall as the paused picture at once (st.image
        # fetched a file afterwards, and the pictures below jumped up by its height until it came, 149 px on a phone)
        encoded = base64.b64encode(picture).decode("ascii")
        st.html(f'<img alt="The network while training" src="data:image/jpeg;base64,{encoded}" '
                f'style="width:100%;max-width:{geometry.width}px;aspect-ratio:{geometry.width}/{geometry.height};'
                f'display:block;margin:0 auto">')
        # The list stays (greyed out), so that Play and Pause leave the pictures below where they are.
        st.selectbox(PICK_LABEL, ["—"], key="pg_pick_list_playing", disabled=True,
                     help="Pause to pick a weight or a neuron")
        return
    names = weights.names_for(run.trainer.model, run.features)
    targets = tap_targets(geometry, _labels(run, names, inspection))
    picked = st.session_state.get(PICKED)
    if picked not in {t.key for t in targets}:
        picked = None
    data = {
        "image": "data:image/jpeg;base64," + base64.b64encode(picture).decode("ascii"),
        "alt": "The network: tap a connection or a neuron", "width": geometry.width, "height": geometry.height,
        "selected": picked,
        "targets": [dict(key=t.key, x=round(t.x, 1), y=round(t.y, 1), size=round(t.size, 1), label=t.label,
                         neuron=t.neuron) for t in targets],
    }
    _component()(key=COMPONENT_KEY, data=data, on_picked_change=_picked)
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
    """The same choice as a list (neurons, then connections), for fingers bigger than a dot."""
    options = [t.key for t in targets if t.neuron] + [t.key for t in targets if not t.neuron]
    widget = f"pg_pick_list_{picked}"
    st.selectbox(PICK_LABEL, [None] + options,
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

