# Tron: a random move among those that do not crash at once.
import random

MOVES = {"N": (0, -1), "E": (1, 0), "S": (0, 1), "W": (-1, 0)}


def agent(obs, config):
    x, y = obs.position
    w, h = config.width, config.height
    safe = [name for name, (dx, dy) in MOVES.items()
            if 0 <= x + dx < w and 0 <= y + dy < h and obs.board[(y + dy) * w + x + dx] == 0]
    return random.choice(safe) if safe else "N"
