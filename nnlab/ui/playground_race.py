"""Race two setups, on the playground page: the same data and seed, one thing different, side by side.

Choose what differs (neurons, activation, learning rate, optimizer, batch size) and its two values;
**Start race** builds both networks from the page's current setup (:func:`nnlab.playground.race.make_race`)
and the one live driver trains them in step (the same epoch on both boundaries at every redraw),
drawing their boundaries next to each other and their loss curves in one chart. The choices are fixed
until **New race**; starting a race pauses the playground's own network, so the two racers get the CPU.
"""

from __future__ import annotations

import base64

import streamlit as st

from nnlab.playground.race import CHANGES, make_race, other_value
from nnlab.playground.session import RUN_EVERY_S
from nnlab.plots.race import race_loss_figure
from nnlab.training.live import RUNNING
from nnlab.ui import live_driver

KEY = "pg_race"
RACE_BUDGET_S = 0.15  # training per tick, split between the two racers (the second then catches up)
PICTURE_PX = 320


def _settings():
    from nnlab.ui.playground import config

    setup = config()
    name = st.session_state.get(f"{KEY}_change", "units")
    change = CHANGES[name]
    value_a = st.session_state.get(f"{KEY}_a_{name}", change.read(setup))
    value_b = st.session_state.get(f"{KEY}_b_{name}", other_value(change, value_a))
    return setup, change, value_a, value_b


def _start() -> None:
    from nnlab.ui.playground import RUN

    main = st.session_state.get(RUN)
    if main is not None:
        main.pause()
    setup, change, value_a, value_b = _settings()
    if value_a == value_b:
        st.session_state[f"{KEY}_error"] = "Choose two different values: the race compares them."
        return
    live_driver.start(KEY, lambda: make_race(setup, change, value_a, value_b))


def _picture(jpeg: bytes, name: str, description: str) -> None:
    """A boundary as a picture in the page's own message (as the playground's live boundary)."""
    encoded = base64.b64encode(jpeg).decode("ascii")
    st.html(f'<img data-nnlab-live="{name}" alt="{description}" src="data:image/jpeg;base64,{encoded}" '
            f'style="width:100%;max-width:{PICTURE_PX}px;display:block;margin:auto">')


def _draw(runs) -> None:
    if not runs:
        st.info("Choose what differs and press **Start race**: both networks start from the same seed.")
        return
    columns = st.columns(len(runs), gap="small")
    for index, (column, leg) in enumerate(zip(columns, runs, strict=True)):
        last = leg.trainer.history.last
        with column:
            st.markdown(f"**{leg.title}**")
            loss = f"loss {last.train_loss:.3f} / test {last.test_loss:.3f}" if last else "not trained yet"
            st.caption(f"Epoch {leg.trainer.epoch:,} · {loss}")
            boundary = leg.frame(leg.config, everything=False, live=True).boundary
            _picture(boundary, f"race_{'ab'[index]}", f"The decision boundary of {leg.title}")
    curves = [(leg.title, [r.epoch for r in leg.history.epochs], leg.history.series("train_loss"),
               leg.history.series("test_loss")) for leg in runs]
    st.plotly_chart(race_loss_figure(curves), key=f"{KEY}_loss", config={"displayModeBar": False})


def _choice(widget: str, name: str) -> None:
    st.session_state[name] = st.session_state[widget]


def race() -> None:
    """The race section: what differs, Start/Pause/Reset, the two boundaries and the overlaid curves."""
    st.subheader("Race two setups")
    st.caption("Two networks, the same points and the same seed, one thing different. "
               "They train in step: both pictures always show the same epoch.")
    runs = live_driver.runs_of(KEY)
    locked = runs is not None
    setup, change, value_a, value_b = _settings()
    with st.container(horizontal=True, gap="small", key="pg_race_settings"):
        widget = f"{KEY}_change_box"
        st.selectbox("What differs", list(CHANGES), index=list(CHANGES).index(change.name), key=widget,
                     format_func=lambda n: CHANGES[n].title, on_change=_choice, args=(widget, f"{KEY}_change"),
                     disabled=locked, width=260)
        for side, value in (("a", value_a), ("b", value_b)):
            widget = f"{KEY}_{side}_box_{change.name}"
            st.selectbox(f"Setup {side.upper()}", change.options, index=list(change.options).index(value),
                         key=widget, format_func=change.show, on_change=_choice,
                         args=(widget, f"{KEY}_{side}_{change.name}"), disabled=locked, width=200)
    running = locked and any(run.state == RUNNING for run in runs)
    with st.container(horizontal=True, gap="xsmall", key="pg_race_controls"):
        st.button("Start race" if runs is None else "Resume race", key=f"{KEY}_start", on_click=_start,
                  type="primary", disabled=running, icon=":material/sports_score:",
                  help="Build both networks from the setup above and train them side by side")
        # Not "Pause race" nor "Reset race": the page's own Pause and Reset are found by their names
        # (tests, benchmarks), and a name containing theirs would be found too.
        st.button("Hold race", key=f"{KEY}_pause", on_click=live_driver.pause, args=(KEY,), disabled=not running,
                  icon=":material/pause:", help="Pause both networks")
        st.button("New race", key=f"{KEY}_reset", on_click=live_driver.reset, args=(KEY,), disabled=runs is None,
                  icon=":material/restart_alt:", help="Forget both networks; change the choices and start again")
    if live_driver.start_error(KEY):
        st.error(live_driver.start_error(KEY))
    live_driver.live_fragment(KEY, lambda: live_driver.runs_of(KEY) or [], _draw, every_s=RUN_EVERY_S,
                              budget_s=RACE_BUDGET_S)
