"""The touchable network: the tap targets sit where nnlab.plots.live.network_image draws the neurons."""

import io
from itertools import combinations

import numpy as np
import pytest
from PIL import Image

from nnlab.playground.config import Hidden, PlaygroundConfig
from nnlab.plots.live import network_image
from nnlab.plots.network import edge_target, image_geometry, neuron_columns, tap_targets

SETUPS = [PlaygroundConfig(), PlaygroundConfig(layers=(Hidden(8, "relu"),) * 3),
          PlaygroundConfig(layers=(), features=("x1", "x2", "x1^2")), PlaygroundConfig(layers=(Hidden(1, "tanh"),))]


@pytest.mark.parametrize("config", SETUPS, ids=lambda c: ",".join(str(h.units) for h in c.layers) or "none")
def test_neuron_targets_are_on_the_drawn_neurons(config):
    columns, titles = neuron_columns(config.to_spec())
    maps = [np.full((25, 25, len(ys)), 1.0, dtype=np.float32) for ys in columns]  # every neuron at +1: full blue
    picture = Image.open(io.BytesIO(network_image(columns, titles, list(config.features), None, maps)))
    geometry = image_geometry(columns)
    assert picture.size == (geometry.width, geometry.height)
    pixels = np.asarray(picture.convert("RGB"), dtype=np.int32)
    blue = pixels[int(geometry.centres[0][0][1]), int(geometry.centres[0][0][0])]
    assert blue[2] > 150 and blue[0] < 60  # the neuron's colour: blue
    for column in geometry.centres:
        for x, y in column:
            for dx, dy in ((0, 0), (-0.4, -0.4), (0.4, 0.4)):  # the centre and near two corners
                px, py = int(x + dx * geometry.node), int(y + dy * geometry.node)
                assert np.abs(pixels[py, px] - blue).max() < 40, (x, y, dx, dy)
            outside = pixels[int(y), int(x - 0.6 * geometry.node)]  # just left of the square: not the neuron
            assert np.abs(outside - blue).max() > 60


def test_edge_targets_are_on_their_edge_and_apart_on_the_default_network():
    columns, _ = neuron_columns(PlaygroundConfig().to_spec())
    geometry = image_geometry(columns)
    targets = tap_targets(geometry, str)
    edges = [t for t in targets if not t.neuron]
    assert len(edges) == 2 * 4 + 4 * 2 + 2 * 1 and len(targets) - len(edges) == 2 + 4 + 2 + 1
    assert min(np.hypot(a.x - b.x, a.y - b.y) for a, b in combinations(edges, 2)) >= 13
    (x0, y0), (x1, y1) = geometry.centres[1][2], geometry.centres[2][0]
    x, y = edge_target(geometry, 1, 2, 0)
    assert x0 < x < x1 and abs((y - y0) * (x1 - x0) - (y1 - y0) * (x - x0)) < 1e-6  # on the segment
    assert {t.key for t in targets} >= {"e:0:1:3", "n:3:0", "n:0:1"}
