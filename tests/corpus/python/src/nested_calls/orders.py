def average(prices):
    return sum(prices) / len(prices)


def summary(orders):
    lines = []
    for name, prices in orders.items():
        lines.append(f"{name}: {average(prices):.2f}")
    return "\n".join(lines)


if __name__ == "__main__":
    print("starting")
    print(summary({"a": [1, 2], "b": []}))
