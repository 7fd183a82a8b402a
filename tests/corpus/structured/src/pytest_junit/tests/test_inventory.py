import json

import pytest

from inventory import restock, take


def test_restock_adds():
    assert restock({}, "apple", 2) == {"apple": 2}


def test_take_too_many():
    stock = {"pear": 1}
    take(stock, "pear", 3)


def test_counts_match():
    assert restock({"fig": 1}, "fig", 1)["fig"] == 3


def test_parse_config():
    json.loads("{not json")


@pytest.fixture
def broken_fixture():
    raise RuntimeError("fixture could not open db")


def test_uses_fixture(broken_fixture):
    assert broken_fixture


@pytest.mark.skip(reason="not ready")
def test_skipped():
    pass
