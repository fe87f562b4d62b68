# A cagematch bot: the template every game's bot follows.
#
# The agent is the LAST function (callable) defined in this file, as on Kaggle.
# It is called once per move with (observation, configuration), cut to the number of
# parameters it declares: `def agent():`, `def agent(observation):` and
# `def agent(observation, configuration):` all work. Both arguments are dicts that also
# allow attribute access: observation.step == observation["step"].
#
# Return the action: an int, float, str, bool, None, or lists/dicts of these.
# Anything else (a set, an object, NaN) loses the game with a `protocol` fault.
#
# What you may use: the allowed modules (math, random, itertools, functools, collections,
# heapq, bisect, statistics, string, re, json, copy, dataclasses, enum, typing, operator,
# time, plus any the tournament adds). `random` is seeded by the referee, so a match with
# the same seed replays exactly. There is no file, network, process or thread access.
#
# print() works: what you print is kept per move (up to the log limit) and shown beside
# the move. Module-level variables keep their values between moves of one match.

import random

moves_seen = 0


def agent(observation, configuration):
    global moves_seen
    moves_seen += 1
    print("step", observation.step, "moves seen", moves_seen)
    return random.randint(0, 2)
