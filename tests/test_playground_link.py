"""The playground link's field table: one row per setting, and links written before open the same setup."""

from dataclasses import fields, replace
from urllib.parse import parse_qsl, urlencode

import pytest

from nnlab.playground.config import (
    DEFAULT,
    QUERY_KEYS,
    SESSION_FIELDS,
    URL_FIELDS,
    Hidden,
    PlaygroundConfig,
    from_query,
    to_query,
)

# A link as the page wrote it before the field table existed (every key, every kind of value).
OLD_LINK = ("data=circle&noise=10&train=70&points=300&dseed=2&features=x1sq%2Cx2sq%2Csinx1&layers=3%3Arelu%2C2%3Atanh"
            "&lr=0.03&batch=5&opt=adam&loss=squared_error&reg=l2&rate=0.01&seed=4&test=1&discrete=1&hide=data%2Cnetwork")
OLD_SETUP = PlaygroundConfig(
    dataset="circle", noise=10, train_percent=70, points=300, data_seed=2, features=("x1^2", "x2^2", "sin(x1)"),
    layers=(Hidden(3, "relu"), Hidden(2, "tanh")), learning_rate=0.03, batch_size=5, optimizer="adam",
    loss="squared_error", regularization="l2", reg_rate=0.01, seed=4, show_test=True, discretize=True,
    hide=frozenset({"data", "network"}),
)
# The fields added since (schedule, dropout), with values that a link writes out.
NEW_SETUP = replace(OLD_SETUP, schedule="cosine", layers=(Hidden(3, "relu", 0.2), Hidden(2, "tanh")))
DEFAULT_LINK = ("data=xor&noise=0&train=50&points=500&dseed=0&features=x1%2Cx2&layers=4%3Atanh%2C2%3Atanh&lr=0.1"
                "&batch=10&opt=momentum&loss=cross_entropy&reg=none&rate=0.001&seed=0&test=0&discrete=0")


def test_one_row_per_setup_field_and_one_key_per_row():
    assert sorted(row.field for row in URL_FIELDS) == sorted(
        f.name for f in fields(PlaygroundConfig) if f.name not in SESSION_FIELDS)
    assert QUERY_KEYS == tuple(row.key for row in URL_FIELDS) and len(set(QUERY_KEYS)) == len(QUERY_KEYS)


def test_an_old_link_opens_the_same_setup_and_is_written_the_same():
    assert from_query(dict(parse_qsl(OLD_LINK))) == (OLD_SETUP, [])
    assert urlencode(to_query(OLD_SETUP)) == OLD_LINK
    assert urlencode(to_query(DEFAULT)) == DEFAULT_LINK  # no hidden controls: no hide= at all


@pytest.mark.parametrize("row", URL_FIELDS, ids=[row.key for row in URL_FIELDS])
def test_each_row_reads_back_what_it_writes_and_only_its_field(row):
    value = getattr(NEW_SETUP, row.field)
    text = row.codec.write(value)
    assert row.codec.read(text) == value
    assert from_query({row.key: text}) == (replace(DEFAULT, **{row.field: value}), [])


BAD = {  # key -> (a value the page cannot use, what the message says)
    "data": ("mnist", "choose from xor, xor_corners"),
    "noise": ("51", "a whole number from 0 to 50"),
    "train": ("5", "a whole number from 10 to 90"),
    "points": ("many", "a whole number from 50 to 1000"),
    "dseed": ("-1", "a whole number from 0 to 1000000"),
    "features": ("x1,x1", "use each of x1, x2, x1sq"),
    "layers": ("1:tanh," * 6 + "1:tanh", "write up to 6 layers"),
    "lr": ("0.5", "choose one of 1e-05, 0.0001"),
    "sched": ("linear", "choose from constant, step, cosine."),
    "batch": ("65", "a whole number from 1 to 64"),
    "opt": ("rmsprop", "choose from sgd, momentum, adam."),
    "loss": ("hinge", "choose from cross_entropy, squared_error."),
    "reg": ("l3", "choose from none, l1, l2."),
    "rate": ("0.2", "choose one of 0, 0.0001"),
    "seed": ("1.5", "a whole number from 0 to 1000000"),
    "test": ("yes", "use 0 or 1."),
    "discrete": ("2", "use 0 or 1."),
    "hide": ("bogus", "the groups are data, features, network, training, lessons, share."),
}


@pytest.mark.parametrize("row", URL_FIELDS, ids=[row.key for row in URL_FIELDS])
def test_each_row_keeps_the_base_value_and_names_what_it_ignored(row):
    bad, why = BAD[row.key]
    config, ignored = from_query({row.key: bad}, base=OLD_SETUP)
    expected = frozenset() if row.key == "hide" else getattr(OLD_SETUP, row.field)  # hide keeps the known groups
    assert config == replace(OLD_SETUP, **{row.field: expected})
    assert len(ignored) == 1 and ignored[0].startswith(f"Ignored {row.key}={bad[:40]!r} from the link: ")
    assert why in ignored[0]


def test_hide_keeps_the_groups_it_knows_and_quotes_only_the_unknown_ones():
    config, ignored = from_query({"hide": "data,everything,share"})
    assert config.hide == {"data", "share"}
    assert ignored == ["Ignored hide='everything' from the link: "
                       "the groups are data, features, network, training, lessons, share."]


def test_dropout_and_schedule_travel_in_the_link():
    query = to_query(NEW_SETUP)
    assert query["layers"] == "3:relu:0.2,2:tanh" and query["sched"] == "cosine"
    assert from_query(query) == (NEW_SETUP, [])
    config, ignored = from_query({"layers": "3:relu:0.7"})
    assert config.layers == DEFAULT.layers and "a dropout of 0, 0.1, 0.2, 0.3, 0.5" in ignored[0]


def test_own_points_are_not_in_a_link():
    config, ignored = from_query({"data": "own"})
    assert config.dataset == DEFAULT.dataset
    assert ignored == ["Ignored data='own' from the link: own points are not part of a link; "
                       "download them as a CSV file and upload it there."]
