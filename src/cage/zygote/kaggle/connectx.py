"""kaggle_environments.envs.connectx.connectx: board helpers and Kaggle's two built-in
ConnectX agents (a random one and a depth-4 negamax), move for move as Kaggle's package
1.33 plays them.
The board is a flat list, row 0 at the top; 0 is empty, 1 and 2 are the marks."""
from random import choice

EMPTY = 0


def _lowest_empty_row(board, column, config):
    return max(r for r in range(config.rows) if board[column + r * config.columns] == EMPTY)


def play(board, column, mark, config):
    """Drops `mark` into `column` (in place)."""
    board[column + _lowest_empty_row(board, column, config) * config.columns] = mark


def is_win(board, column, mark, config, has_played=True):
    """Whether `mark` has (or, with has_played=False, would have) `inarow` in a line
    through the top piece of `column`."""
    rows, columns, need = config.rows, config.columns, config.inarow - 1
    if has_played:
        row = min(r for r in range(rows) if board[column + r * columns] == mark)
    else:
        row = _lowest_empty_row(board, column, config)

    def run(dr, dc):
        for i in range(1, need + 1):
            r, c = row + dr * i, column + dc * i
            if not (0 <= r < rows and 0 <= c < columns) or board[c + r * columns] != mark:
                return i - 1
        return need

    return (
        run(1, 0) >= need
        or run(0, 1) + run(0, -1) >= need
        or run(-1, -1) + run(1, 1) >= need
        or run(-1, 1) + run(1, -1) >= need
    )


def random_agent(obs, config):
    return choice([c for c in range(config.columns) if obs.board[c] == EMPTY])


def negamax_agent(obs, config):
    rows, columns = config.rows, config.columns
    size = rows * columns

    def leaf_score(board, column, mark, moves):
        # Past the depth limit: prefer cells next to the player's own pieces.
        row = _lowest_empty_row(board, column, config)
        score = (size + 1 - moves) / 2
        if column > 0 and board[row * columns + column - 1] == mark:
            score += 1
        if column < columns - 1 and board[row * columns + column + 1] == mark:
            score += 1
        if row > 0 and board[(row - 1) * columns + column] == mark:
            score += 1
        if row < rows - 2 and board[(row + 1) * columns + column] == mark:
            score += 1
        return score

    def negamax(board, mark, depth):
        moves = sum(1 for cell in board if cell != EMPTY)
        if moves == size:
            return 0, None
        for column in range(columns):
            if board[column] == EMPTY and is_win(board, column, mark, config, False):
                return (size + 1 - moves) / 2, column
        best_score, best_column = -size, None
        for column in range(columns):
            if board[column] != EMPTY:
                continue
            if depth <= 0:
                score = leaf_score(board, column, mark, moves)
            else:
                child = board[:]
                play(child, column, mark, config)
                score = -negamax(child, 1 if mark == 2 else 2, depth - 1)[0]
            # Ties are broken by a coin flip, as in Kaggle's current package.
            if score > best_score or (score == best_score and choice([True, False])):
                best_score, best_column = score, column
        return best_score, best_column

    _, column = negamax(obs.board[:], obs.mark, 4)
    if column is None:
        column = choice([c for c in range(columns) if obs.board[c] == EMPTY])
    return column


agents = {"random": random_agent, "negamax": negamax_agent}
