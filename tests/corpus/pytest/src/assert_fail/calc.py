def add(a, b):
    return a + b - 1


def square(n):
    return n * n
