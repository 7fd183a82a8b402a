import json


def read_settings(text):
    settings = json.loads(text)
    return settings["name"]
