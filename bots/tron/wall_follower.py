# Tron: keep going straight while possible; when blocked, turn right, else left.
# Hugging walls and trails this way wastes little space.

ORDER = ["N", "E", "S", "W"]
MOVES = {"N": (0, -1), "E": (1, 0), "S": (0, 1), "W": (-1, 0)}
heading = None


def free(obs, config, name):
    x, y = obs.position
    dx, dy = MOVES[name]
    nx, ny = x + dx, y + dy
    return 0 <= nx < config.width and 0 <= ny < config.height and \
        obs.board[ny * config.width + nx] == 0


def agent(obs, config):
    global heading
    if heading is None:
        heading = "E" if obs.position[0] < config.width // 2 else "W"
    i = ORDER.index(heading)
    for name in (heading, ORDER[(i + 1) % 4], ORDER[(i + 3) % 4]):
        if free(obs, config, name):
            heading = name
            return name
    return heading
