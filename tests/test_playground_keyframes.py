"""Several boundary pictures per tick on a busy server (nnlab.playground.session.keyframes_for) and the
plane component's data that carries them (nnlab.ui.components.plane.plane_data)."""

import base64

import numpy as np
import pytest

from nnlab.playground.config import PlaygroundConfig
from nnlab.playground.session import KEYFRAME_EVERY_S, MAX_KEYFRAMES, PlaygroundRun, keyframes_for
from nnlab.ui.components.plane import PALETTE_SIZE, plane_data


@pytest.mark.parametrize(("interval_s", "expected"), [(0.05, 1), (0.2, 1), (0.5, 2), (1.0, 4), (2.0, MAX_KEYFRAMES),
                                                      (60.0, MAX_KEYFRAMES)])
def test_a_longer_interval_between_ticks_asks_for_more_pictures(interval_s, expected):
    assert keyframes_for(interval_s) == expected
    assert interval_s / keyframes_for(interval_s) >= min(interval_s, KEYFRAME_EVERY_S * 0.75)


def playing_run(keyframes: int) -> PlaygroundRun:
    run = PlaygroundRun(PlaygroundConfig(dataset="xor", seed=3))
    run.keyframes = keyframes
    run.resume()
    return run


def test_a_tick_records_its_earlier_moments_in_order_and_they_are_taken_once():
    run = playing_run(4)
    start = run.plane_values()
    run.advance(0.05)
    keyframes = run.take_keyframes()
    assert len(keyframes) == 3  # 4 stretches: a picture after each of the first 3, the page draws the 4th
    epochs = [epoch for epoch, _ in keyframes]
    assert 0 < epochs[0] < epochs[1] < epochs[2] < run.trainer.epoch
    for _, values in keyframes:
        assert values.shape == (100, 100) and 0.0 <= values.min() and values.max() <= 1.0
    assert not np.allclose(keyframes[0][1], start)  # each is a real moment of training, not a copy
    assert not np.allclose(keyframes[-1][1], run.plane_values())
    assert run.take_keyframes() == []


def test_alone_a_tick_records_no_extra_picture_and_the_record_stays_short():
    run = playing_run(1)
    run.advance(0.02)
    assert run.take_keyframes() == []
    run.keyframes = 3
    for _ in range(10):  # nobody takes them (a page that redrew nothing): at most MAX_KEYFRAMES - 1 kept
        run.advance(0.01)
    kept = run.take_keyframes()
    assert len(kept) == MAX_KEYFRAMES - 1 and kept[-1][0] < run.trainer.epoch


def test_the_plane_data_carries_each_picture_with_its_epoch():
    now = np.full((4, 4), 1.0)
    earlier = [(3, np.zeros((4, 4))), (7, np.full((4, 4), 0.5)), (8, np.zeros((5, 5)))]  # the last: another grid
    data = plane_data(now, ["#FFFFFF"] * PALETTE_SIZE, [], extent=6.0, version=0, epoch=9, keyframes=earlier,
                      spacing_ms=250, clicks=False)
    assert data["epoch"] == 9 and data["spacing"] == 250 and data["clicks"] is False
    assert [frame["epoch"] for frame in data["frames"]] == [3, 7]
    assert set(base64.b64decode(data["frames"][1]["z"])) == {round(0.5 * (PALETTE_SIZE - 1))}
    assert set(base64.b64decode(data["z"])) == {PALETTE_SIZE - 1}
