"""Hungry Geese: heads for food only every other step, else keeps its direction."""

MOVES = {"NORTH": (-1, 0), "EAST": (0, 1), "SOUTH": (1, 0), "WEST": (0, -1)}
OPPOSITE = {"NORTH": "SOUTH", "SOUTH": "NORTH", "EAST": "WEST", "WEST": "EAST"}
last = "NORTH"
step = 0


def agent(observation, configuration):
    global last, step
    step += 1
    rows, columns = configuration["rows"], configuration["columns"]
    me = observation["geese"][observation["index"]]
    if not me or step % 2 == 0:
        return last
    r, c = divmod(me[0], columns)

    def distance(move):
        dr, dc = MOVES[move]
        nr, nc = (r + dr) % rows, (c + dc) % columns
        best = rows + columns
        for food in observation["food"]:
            fr, fc = divmod(food, columns)
            best = min(best, min(abs(fr - nr), rows - abs(fr - nr)) + min(abs(fc - nc), columns - abs(fc - nc)))
        return best

    last = min((m for m in MOVES if m != OPPOSITE[last]), key=distance)
    return last
