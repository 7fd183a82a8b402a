"""A tiny stock keeper."""


def restock(stock, item, count):
    stock[item] = stock.get(item, 0) + count
    return stock


def take(stock, item, count):
    if stock[item] < count:
        raise ValueError(f"only {stock[item]} {item} left")
    stock[item] -= count
    return stock
