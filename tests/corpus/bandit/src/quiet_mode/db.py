import pickle


def load(blob):
    return pickle.loads(blob)


def query(cursor, name):
    cursor.execute("SELECT * FROM users WHERE name = '%s'" % name)
    return eval(name)
