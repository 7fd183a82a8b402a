"""Tests for calc."""

import calc


def test_add() -> None:
    assert calc.add(2, 3) == 5


def test_sub() -> None:
    assert calc.sub(5, 3) == 2
