# Tron (light cycles) bot template for cagematch.
#
# Two cycles move one cell per step at the same time, each leaving a trail. Moving off
# the grid or into any trail (yours or the opponent's, heads included) crashes. If only
# one cycle crashes, the other wins; both at once, or head-on into the same cell, draw.
#
# The agent is the LAST function defined in this file, called once per step with
# (observation, configuration) cut to the parameters it declares. Both are dicts that
# also read as attributes: obs.board == obs["board"].
#
# observation
#   board                 flat list of height * width cells, row 0 at the top:
#                         0 empty, 1 seat 1's trail, 2 seat 2's trail
#   mark                  your trail's number (1 or 2)
#   position              your head as [x, y]; the cell index is y * width + x
#   opponentPosition      the opponent's head as [x, y]
#   step                  steps played so far
#   remainingOverageTime  seconds left in your time bank
# configuration
#   width, height         20 x 20 by default
#   episodeSteps          a draw is declared after episodeSteps - 1 steps
#   actTimeout, agentTimeout, runTimeout
#
# Return "N" (up, y - 1), "E" (right, x + 1), "S" (down, y + 1) or "W" (left, x - 1).
# Anything else loses at once. Turning back onto your own trail is a crash.
#
# You may import: math, random, itertools, functools, collections, heapq, bisect,
# statistics, string, re, json, copy, dataclasses, enum, typing, operator, time.
# `random` is seeded per match and seat. Module-level variables last the match.

MOVES = {"N": (0, -1), "E": (1, 0), "S": (0, 1), "W": (-1, 0)}


def agent(observation, configuration):
    # Take the first move (in N, E, S, W order) that does not crash right away.
    x, y = observation.position
    w, h = configuration.width, configuration.height
    for name, (dx, dy) in MOVES.items():
        nx, ny = x + dx, y + dy
        if 0 <= nx < w and 0 <= ny < h and observation.board[ny * w + nx] == 0:
            return name
    return "N"
