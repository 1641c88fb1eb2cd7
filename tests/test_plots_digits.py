"""The probability bars of the Draw page (nnlab.plots.digits)."""

import numpy as np
import plotly.graph_objects as go

from nnlab.plots.digits import OTHER_BARS, UNSURE_BAR, probability_bars
from nnlab.plots.style import POSITIVE


def test_the_answer_is_the_coloured_bar_with_percent_labels():
    probabilities = np.array([0.01, 0.02, 0.01, 0.9, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01])
    figure = probability_bars(probabilities)
    go.Figure(figure.to_dict())  # built without validation for speed: it must still validate
    bars = figure.data[0]
    assert list(bars.x) == [str(d) for d in range(10)]
    assert bars.marker.color[3] == POSITIVE and bars.marker.color.count(OTHER_BARS) == 9
    assert bars.text[3] == "90%" and bars.text[0] == "1%"


def test_unsure_answers_are_orange_and_nothing_drawn_has_no_labels():
    unsure = probability_bars(np.full(10, 0.1) + np.eye(10)[7] * 0.05, sure=False).data[0]
    assert unsure.marker.color[7] == UNSURE_BAR
    empty = probability_bars(None).data[0]
    assert set(empty.text) == {""} and set(empty.marker.color) == {OTHER_BARS}
    assert probability_bars(None).layout.yaxis.range == (0, 1.15)


def test_every_digit_is_labelled_on_the_axis():
    """Plotly's automatic ticks label only 0, 2, 4, 6, 8 on a narrow chart: the ticks are given."""
    axis = probability_bars(None).layout.xaxis
    assert axis.tickmode == "array"
    assert list(axis.tickvals) == list(axis.ticktext) == [str(d) for d in range(10)]
