"""Several boundary pictures per tick on a busy server (nnlab.playground.session.keyframes_for) and the
plane component's data that carries them (nnlab.ui.components.plane.plane_data)."""

import base64

import numpy as np
import pytest

from nnlab.playground.config import PlaygroundConfig
from nnlab.playground.session import (
    KEYFRAME_EVERY_S,
    MAX_KEYFRAMES,
    MAX_TICK_PERIOD_S,
    PlaygroundRun,
    keyframes_for,
    tick_period,
)
from nnlab.ui.components.plane import PALETTE_SIZE, plane_data


@pytest.mark.parametrize(("interval_s", "expected"), [(0.05, 1), (0.2, 1), (0.5, 2), (1.0, 4), (2.0, MAX_KEYFRAMES),
                                                      (60.0, MAX_KEYFRAMES)])
def test_a_longer_interval_between_ticks_asks_for_more_pictures(interval_s, expected):
    assert keyframes_for(interval_s) == expected
    assert interval_s / keyframes_for(interval_s) >= min(interval_s, KEYFRAME_EVERY_S * 0.75)


@pytest.mark.parametrize(("asked_s", "gap_s", "expected"), [
    (0.05, 0.07, 0.07),  # alone: the ticks come about as often as asked
    (1.4, 2.5, 2.5),  # a busy server: the tick also waited for its turn; its pictures fill the real round
    (2.0, 0.3, 2.0),  # the browser asks every 2 s: the next tick is not sooner
    (0.05, 240.0, MAX_TICK_PERIOD_S),  # the first tick after a pause: not spread over minutes
])
def test_the_pictures_of_a_tick_fill_the_time_until_the_next_one(asked_s, gap_s, expected):
    assert tick_period(asked_s, gap_s) == expected


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


def test_once_an_epoch_costs_is_known_a_ticks_pictures_come_from_one_call_and_match_the_model_then():
    """The busy-server path: one compiled call trains the tick's epochs and records the grid's outputs
    (Trainer.train_frames); each picture equals the boundary of a twin run trained to the same epoch."""
    run = playing_run(1)
    run.advance(0.02)  # the first call measures what an epoch costs
    assert run.trainer.epoch_cost > 0
    calls = []
    real = run.trainer.train_frames
    run.trainer.train_frames = lambda *args, **kwargs: calls.append(args[:2]) or real(*args, **kwargs)
    run.keyframes = 4
    before = run.trainer.epoch
    run.advance(0.04)
    keyframes = run.take_keyframes()
    assert len(calls) == 1 and calls[0][1] == 4  # one call for the four pictures
    epochs = [epoch for epoch, _ in keyframes]
    every = epochs[0] - before
    assert len(keyframes) == 3 and every >= 1 and epochs == [before + every * i for i in (1, 2, 3)]
    assert run.trainer.epoch == before + 4 * every  # the fourth picture is now: the page draws it

    twin = playing_run(1)
    twin.trainer.train_for(60.0, whole_epochs=True, max_epochs=before)
    for epoch, values in keyframes:
        twin.trainer.train_for(60.0, whole_epochs=True, max_epochs=epoch)
        assert twin.trainer.epoch == epoch
        np.testing.assert_allclose(values, twin.plane_values(), atol=1e-4)
    twin.trainer.train_for(60.0, whole_epochs=True, max_epochs=run.trainer.epoch)
    np.testing.assert_allclose(run.plane_values(), twin.plane_values(), atol=1e-4)

