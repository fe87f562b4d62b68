"""Hungry Geese: a random move that does not reverse or run into a body."""
import random

MOVES = {"NORTH": (-1, 0), "EAST": (0, 1), "SOUTH": (1, 0), "WEST": (0, -1)}
OPPOSITE = {"NORTH": "SOUTH", "SOUTH": "NORTH", "EAST": "WEST", "WEST": "EAST"}
last = None


def agent(observation, configuration):
    global last
    rows, columns = configuration["rows"], configuration["columns"]
    me = observation["geese"][observation["index"]]
    if not me:
        return "NORTH"
    r, c = divmod(me[0], columns)
    bodies = {cell for goose in observation["geese"] for cell in goose}

    def cell(move):
        dr, dc = MOVES[move]
        return ((r + dr) % rows) * columns + (c + dc) % columns

    safe = [m for m in MOVES if m != OPPOSITE.get(last) and cell(m) not in bodies]
    last = random.choice(safe or [m for m in MOVES if m != OPPOSITE.get(last)])
    return last
