"""Hungry Geese: heads for the nearest food, never into a body or back on itself."""

MOVES = {"NORTH": (-1, 0), "EAST": (0, 1), "SOUTH": (1, 0), "WEST": (0, -1)}
OPPOSITE = {"NORTH": "SOUTH", "SOUTH": "NORTH", "EAST": "WEST", "WEST": "EAST"}
last = None


def agent(observation, configuration):
    global last
    rows, columns = configuration["rows"], configuration["columns"]
    me = observation["geese"][observation["index"]]
    if not me:
        return "NORTH"
    head = divmod(me[0], columns)
    bodies = {cell for goose in observation["geese"] for cell in goose[:-1]}

    def step(move):
        dr, dc = MOVES[move]
        return ((head[0] + dr) % rows) * columns + (head[1] + dc) % columns

    def distance(cell):
        r, c = divmod(cell, columns)
        best = rows + columns
        for food in observation["food"]:
            fr, fc = divmod(food, columns)
            dr, dc = abs(fr - r), abs(fc - c)
            best = min(best, min(dr, rows - dr) + min(dc, columns - dc))
        return best

    choices = [m for m in MOVES if m != OPPOSITE.get(last) and step(m) not in bodies]
    move = min(choices, key=lambda m: distance(step(m))) if choices else "NORTH"
    last = move
    return move
