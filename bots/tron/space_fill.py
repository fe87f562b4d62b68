# Tron: look one step ahead and move where the most cells stay reachable (flood fill),
# counting cells closer to us than to the opponent higher; ties go to the move that keeps
# more walls beside us, which fills space tightly.
from collections import deque

MOVES = {"N": (0, -1), "E": (1, 0), "S": (0, 1), "W": (-1, 0)}


def distances(board, w, h, start):
    dist = {start: 0}
    queue = deque([start])
    while queue:
        x, y = queue.popleft()
        for dx, dy in MOVES.values():
            nx, ny = x + dx, y + dy
            if 0 <= nx < w and 0 <= ny < h and board[ny * w + nx] == 0 and (nx, ny) not in dist:
                dist[(nx, ny)] = dist[(x, y)] + 1
                queue.append((nx, ny))
    return dist


def agent(obs, config):
    w, h = config.width, config.height
    x, y = obs.position
    ox, oy = obs.opponentPosition
    board = list(obs.board)
    theirs = distances(board, w, h, (ox, oy))
    best, best_value = "N", None
    for name, (dx, dy) in MOVES.items():
        nx, ny = x + dx, y + dy
        if not (0 <= nx < w and 0 <= ny < h) or board[ny * w + nx] != 0:
            continue
        if abs(nx - ox) + abs(ny - oy) == 1:
            risk = 1  # the opponent could move into the same cell: a head-on draw
        else:
            risk = 0
        board[ny * w + nx] = obs.mark
        mine = distances(board, w, h, (nx, ny))
        board[ny * w + nx] = 0
        closer = sum(1 for cell, d in mine.items() if d < theirs.get(cell, 10 ** 9))
        walls = sum(1 for ddx, ddy in MOVES.values()
                    if not (0 <= nx + ddx < w and 0 <= ny + ddy < h)
                    or board[(ny + ddy) * w + nx + ddx] != 0)
        value = (len(mine) + closer, -risk, walls)
        if best_value is None or value > best_value:
            best, best_value = name, value
    return best
