def render(rows):
    for row in rows
        print(row)


render([1, 2])
