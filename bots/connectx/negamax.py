# ConnectX: negamax with alpha-beta pruning to a fixed depth, scoring positions by the
# open lines each side could still complete. Fixed depth (not a clock) keeps it
# deterministic, so matches replay exactly.

DEPTH = 4


def lines(config):
    cols, rows, n = config.columns, config.rows, config.inarow
    out = []
    for r in range(rows):
        for c in range(cols):
            for dr, dc in ((0, 1), (1, 0), (1, 1), (1, -1)):
                end_r, end_c = r + dr * (n - 1), c + dc * (n - 1)
                if 0 <= end_r < rows and 0 <= end_c < cols:
                    out.append([(c + dc * i) + (r + dr * i) * cols for i in range(n)])
    return out


LINES = None


def score(board, me, config):
    """Open lines weighted by how full they are: mine count, theirs count against."""
    you = 3 - me
    total = 0
    for line in LINES:
        mine = theirs = 0
        for i in line:
            v = board[i]
            if v == me:
                mine += 1
            elif v == you:
                theirs += 1
        if mine and not theirs:
            total += 4 ** mine
        elif theirs and not mine:
            total -= 4 ** theirs
    return total


def won(board, mark):
    return any(all(board[i] == mark for i in line) for line in LINES)


def moves(board, config):
    centre = (config.columns - 1) / 2
    legal = [c for c in range(config.columns) if board[c] == 0]
    return sorted(legal, key=lambda c: abs(c - centre))


def play(board, column, mark, config):
    board = board[:]
    for r in range(config.rows - 1, -1, -1):
        if board[column + r * config.columns] == 0:
            board[column + r * config.columns] = mark
            return board
    return board


def negamax(board, mark, depth, alpha, beta, config):
    big = 10 ** 9
    legal = moves(board, config)
    if not legal:
        return 0
    if depth == 0:
        return score(board, mark, config)
    best = -big
    for c in legal:
        child = play(board, c, mark, config)
        if won(child, mark):
            return big - (DEPTH - depth)
        value = -negamax(child, 3 - mark, depth - 1, -beta, -alpha, config)
        if value > best:
            best = value
        if best > alpha:
            alpha = best
        if alpha >= beta:
            break
    return best


def agent(obs, config):
    global LINES
    if LINES is None:
        LINES = lines(config)
    board = list(obs.board)
    best_column, best_value = None, None
    for c in moves(board, config):
        child = play(board, c, obs.mark, config)
        if won(child, obs.mark):
            return c
        value = -negamax(child, 3 - obs.mark, DEPTH - 1, -10 ** 9, 10 ** 9, config)
        if best_value is None or value > best_value:
            best_column, best_value = c, value
    return best_column
