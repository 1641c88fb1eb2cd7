"""The Teach page's figures are valid plotly (they are built without validation, for speed)."""

import numpy as np
import plotly.graph_objects as go

from nnlab.plots.teach import class_bars, learning_curves
from nnlab.training.history import EpochRecord, History


def test_class_bars_validate_and_mark_the_top_class():
    figure = go.Figure(class_bars(("circle", "star"), np.array([0.3, 0.7]), sure=True).to_dict())
    bars = figure.data[0]
    assert list(bars.x) == ["circle", "star"] and bars.text == ("30%", "70%")
    assert bars.marker.color[1] != bars.marker.color[0]
    assert go.Figure(class_bars(("a", "b", "c"), None).to_dict()).data[0].y == (0.0, 0.0, 0.0)


def test_learning_curves_validate_with_and_without_a_history():
    history = History(epochs=[EpochRecord(e, 1 / e, 0.5 + e / 10, 2 / e, None if e == 1 else 0.9, e * 0.1)
                              for e in range(1, 4)])
    figure = go.Figure(learning_curves(history, "copies", "drawings").to_dict())
    assert len(figure.data) == 4 and figure.layout.showlegend
    assert np.isnan(figure.data[3].y[0])  # a missing value is a gap, not a zero
    empty = go.Figure(learning_curves(None, "copies", "drawings").to_dict())
    assert any("Press Train" in a.text for a in empty.layout.annotations)
