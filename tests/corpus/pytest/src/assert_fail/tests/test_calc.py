import unittest

from calc import add, square


def test_add():
    assert add(1, 2) == 3
    assert add(2, 2) == 4


def test_square():
    assert square(3) == 9


class SquareTest(unittest.TestCase):
    def test_seven(self):
        self.assertEqual(square(7), 50)
