from parser import parse


def test_parse_one():
    assert parse("1") == [1]
    if True
        pass
