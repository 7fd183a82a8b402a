def parse(text):
    return [int(x) for x in text.split(",")]
