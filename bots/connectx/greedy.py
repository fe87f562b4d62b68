# ConnectX: win now if possible, otherwise block the opponent's immediate win,
# otherwise avoid handing the opponent a win, preferring central columns.
import random


def drop(board, column, mark, config):
    """The board after `mark` drops in `column` (which has room)."""
    board = board[:]
    row = max(r for r in range(config.rows) if board[column + r * config.columns] == 0)
    board[column + row * config.columns] = mark
    return board


def wins(board, mark, config):
    cols, rows, n = config.columns, config.rows, config.inarow
    for r in range(rows):
        for c in range(cols):
            for dr, dc in ((0, 1), (1, 0), (1, 1), (1, -1)):
                end_r, end_c = r + dr * (n - 1), c + dc * (n - 1)
                if not (0 <= end_r < rows and 0 <= end_c < cols):
                    continue
                if all(board[(c + dc * i) + (r + dr * i) * cols] == mark for i in range(n)):
                    return True
    return False


def agent(obs, config):
    me, you = obs.mark, 3 - obs.mark
    legal = [c for c in range(config.columns) if obs.board[c] == 0]
    for c in legal:
        if wins(drop(obs.board, c, me, config), me, config):
            return c
    for c in legal:
        if wins(drop(obs.board, c, you, config), you, config):
            return c
    safe = [c for c in legal
            if not any(wins(drop(drop(obs.board, c, me, config), d, you, config), you, config)
                       for d in range(config.columns) if drop(obs.board, c, me, config)[d] == 0)]
    choices = safe or legal
    centre = (config.columns - 1) / 2
    best = min(abs(c - centre) for c in choices)
    return random.choice([c for c in choices if abs(c - centre) == best])
