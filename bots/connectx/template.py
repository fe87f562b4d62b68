# ConnectX bot template for cagematch — Kaggle's ConnectX, unchanged.
#
# The agent is the LAST function defined in this file. It is called once per move with
# (observation, configuration), cut to the parameters it declares, so `def agent(obs)`
# and `def agent(obs, config)` both work. Both are dicts that also read as attributes:
# obs.board == obs["board"].
#
# observation
#   board                 flat list of rows * columns cells, row 0 at the top:
#                         0 empty, 1 seat 1's discs, 2 seat 2's discs
#   mark                  your disc: 1 if you move first, 2 if second
#   step                  moves played so far in this game (0 on the first move)
#   remainingOverageTime  seconds left in your time bank
# configuration
#   columns, rows, inarow          7, 6, 4 by default
#   actTimeout, timeout            seconds per move (CPU time); past it, the bank pays
#   agentTimeout                   seconds to load this file
#   episodeSteps, runTimeout       Kaggle's step and run limits
#
# Return a column number (an int from 0 to columns - 1) whose top cell is empty.
# Anything else — a full column, 7, "3", 3.0 — loses the game at once.
#
# You may import: math, random, itertools, functools, collections, heapq, bisect,
# statistics, string, re, json, copy, dataclasses, enum, typing, operator, time (plus
# any the tournament allows). `random` is seeded per match and seat, so a match replays
# exactly. print() is shown beside the move in the replay (64 KiB per match).
# Module-level variables keep their values between the moves of one match.

def agent(observation, configuration):
    # Play the centre-most column that still has room.
    columns = configuration.columns
    order = sorted(range(columns), key=lambda c: abs(c - (columns - 1) / 2))
    for column in order:
        if observation.board[column] == 0:
            return column
