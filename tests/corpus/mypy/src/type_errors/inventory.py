from typing import Optional


def find(items: dict[str, int], key: str) -> Optional[int]:
    return items.get(key)


def total(items: dict[str, int]) -> int:
    count: int = find(items, "apples")
    return count + "1"


def label(n: int) -> str:
    return n
