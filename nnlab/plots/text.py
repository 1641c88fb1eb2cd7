"""Pictures of the review model: the map of word vectors, and a typed review with each word coloured by its push."""

from __future__ import annotations

import html

import numpy as np
import plotly.graph_objects as go

from nnlab.plots.style import NEGATIVE, POSITIVE, style_layout

# Labels of neighbouring words go round their dots in turn, so that a tight cluster stays readable.
LABEL_POSITIONS = ("top center", "bottom center", "middle right", "middle left", "top right", "bottom left",
                   "top left", "bottom right")


def word_map_figure(word_map) -> go.Figure:
    """The words as grey dots on the PCA plane; the most positive (blue) and most negative (orange) labelled."""
    index = {word: i for i, word in enumerate(word_map.words)}
    traces = [go.Scattergl(x=word_map.coords[:, 0], y=word_map.coords[:, 1], mode="markers", name="other words",
                           text=list(word_map.words), hovertemplate="%{text}<extra></extra>",
                           marker=dict(size=6, color="#BBBBBB"))]
    for words, colour, name, symbol in ((word_map.positive, POSITIVE, "most positive", "circle"),
                                        (word_map.negative, NEGATIVE, "most negative", "diamond")):
        rows = [index[word] for word in words]
        traces.append(go.Scatter(x=word_map.coords[rows, 0], y=word_map.coords[rows, 1], mode="markers+text",
                                 name=name, text=list(words),
                                 textposition=[LABEL_POSITIONS[i % len(LABEL_POSITIONS)] for i in range(len(rows))],
                                 textfont=dict(size=15, color=colour), marker=dict(size=11, color=colour,
                                                                                   symbol=symbol),
                                 hovertemplate="%{text}<extra></extra>"))
    first, second = (100 * word_map.explained).round(0)
    layout = style_layout("Word vectors, 16 numbers each, on their two main directions (PCA)", height=480)
    layout.update(xaxis=dict(title=f"direction 1 ({first:.0f} % of the spread)", zeroline=False),
                  yaxis=dict(title=f"direction 2 ({second:.0f} % of the spread)", zeroline=False),
                  legend=dict(orientation="h", y=-0.18))
    return go.Figure(traces, layout=layout)


def _mix(colour: str, strength: float) -> str:
    """``colour`` faded towards white: ``strength`` 0 is white, 1 the colour itself."""
    rgb = np.array([int(colour[i:i + 2], 16) for i in (1, 3, 5)])
    mixed = np.round(255 - (255 - rgb) * strength).astype(int)
    return "#" + "".join(f"{value:02X}" for value in mixed)


def review_html(pushes, scale: float | None = None) -> str:
    """The review's words as coloured chips: blue pushes towards positive, orange towards negative, the stronger
    the push the deeper the colour; unknown words struck through. Every word is HTML-escaped."""
    if not pushes:
        return ""
    scale = scale or max(max(abs(p.push) for p in pushes), 1e-9)
    chips = []
    for push in pushes:
        strength = min(1.0, abs(push.push) / scale)
        colour = _mix(POSITIVE if push.push > 0 else NEGATIVE, 0.85 * strength)
        ink = "#FFFFFF" if strength > 0.6 else "#1A1A1A"
        style = f"background:{colour};color:{ink};padding:2px 6px;border-radius:4px;margin:2px;display:inline-block"
        if not push.known:
            style += ";text-decoration:line-through"
        chips.append(f'<span data-push="{push.push:+.3f}" title="{push.push:+.2f}" style="{style}">'
                     f"{html.escape(push.word)}</span>")
    return f'<div style="line-height:2.1;font-size:1.05rem">{" ".join(chips)}</div>'
