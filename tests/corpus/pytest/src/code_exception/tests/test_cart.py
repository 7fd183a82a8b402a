from shop.cart import load, total


def test_total():
    assert total([{"price": 2, "qty": 3}]) == 6


def test_missing_qty():
    items = [{"price": 2}]
    assert total(items) == 2


def test_load_bad_json():
    assert load("{items: []}") == 0
