"""A tiny calculator."""


def add(a: int, b: int) -> int:
    """Returns the sum of a and b."""
    return a + b


def sub(a: int, b: int) -> int:
    """Returns a minus b."""
    return a - b
