import yaml_missing_pkg
from helpers import greet


def run() -> None:
    greet(42)
    reveal_type(greet)
