"""A student's own points as CSV: the round trip and every kind of bad file."""

import numpy as np
import pytest

from nnlab.datasets import make_2d, points_from_csv, points_to_csv


@pytest.mark.parametrize("name", ["xor", "five_blobs", "plane", "multi-gaussian"])
def test_points_round_trip_exactly(name):
    points, labels = make_2d(name, n=300, noise=0.2, seed=3)
    again_points, again_labels = points_from_csv(points_to_csv(points, labels))
    assert again_points.dtype == np.float32 and again_points.shape == (300, 2)
    np.testing.assert_array_equal(again_points, points)
    np.testing.assert_array_equal(again_labels, labels)
    assert again_labels.dtype == labels.dtype


def test_a_hand_written_file_reads():
    points, labels = points_from_csv(b"\xef\xbb\xbfX1, x2 ,Label\r\n-2.5,1,0\r\n\r\n3,4.25,1\r\n0,0,4\r\n")
    np.testing.assert_array_equal(points, [[-2.5, 1], [3, 4.25], [0, 0]])
    assert labels.tolist() == [0, 1, 4] and labels.dtype == np.int64
    _, values = points_from_csv(b"x1,x2,label\n1,1,0.5\n2,2,-1\n")
    assert values.dtype == np.float32 and values.tolist() == [0.5, -1.0]


@pytest.mark.parametrize("data, sentence", [
    ("x1,x2,label\n1,2,0\n".encode("utf-16"), "not text \\(UTF-8\\)"),
    (b"\xff\xfe\x00garbage", "not text \\(UTF-8\\)"),
    (b"a,b,c\n1,2,0\n", "header x1,x2,label"),
    (b"x1,x2\n1,2\n", "header x1,x2,label"),
    (b"x1,x2,label\n1,2\n", "Row 2 has 2 values"),
    (b"x1,x2,label\n1,2,0\n3,4,1,5\n", "Row 3 has 4 values"),
    (b"x1,x2,label\n1,abc,0\n2,2,1\n", "Row 2: 'abc' in column x2 is not a number"),
    (b"x1,x2,label\n1,2,0\n2,2,one\n", "Row 3: 'one' in column label is not a number"),
    (b"x1,x2,label\nnan,2,0\n2,2,1\n", "finite number"),
    (b"x1,x2,label\n1,inf,0\n2,2,1\n", "finite number"),
    (b"x1,x2,label\n1,2,-inf\n2,2,1\n", "finite number"),
    (b"x1,x2,label\n1,2,1\n2,2,1\n", "at least two classes"),
    (b"x1,x2,label\n1,2,7\n2,2,1\n", "neither a class"),
    (b"x1,x2,label\n1,200,0\n2,2,1\n", "from -20 to 20"),
    (b"", "empty"),
    (b"x1,x2,label\n\"" + b"1" * 150_000 + b"\",2,0\n", "not a readable CSV|not a number"),
    (b"x1,x2,label\n1,2\x00,0\n2,2,1\n", "not a readable CSV|not a number"),
    (b"x1,x2,label\n", "no points"),
    (b"x1,x2,label\n" + b"1,2,0\n" * 2001, "2,001 points; at most 2,000"),
    (b"x1,x2,label\n" + b"1.000000000,2.00000000,0\n" * 9000, "at most 200 kB"),
])
def test_bad_files_raise_a_sentence(data, sentence):
    with pytest.raises(ValueError, match=sentence):
        points_from_csv(data)


def test_two_thousand_points_fit():
    points, labels = make_2d("five_blobs", n=2000, noise=0.0, seed=0)
    data = points_to_csv(points, labels)
    assert len(data) <= 200_000
    assert len(points_from_csv(data)[0]) == 2000
