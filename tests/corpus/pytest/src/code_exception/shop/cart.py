import json


def total(items):
    return sum(item["price"] * item["qty"] for item in items)


def load(text):
    data = json.loads(text)
    return total(data["items"])
