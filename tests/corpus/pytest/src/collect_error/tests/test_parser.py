from parser import parse, parse_all


def test_parse():
    assert parse("1,2") == [1, 2]
