"""Lowest unique number: the lowest number nobody picked last round (1 at the start)."""


def agent(observation, configuration):
    picked = set(p for p in observation.lastPicks if p is not None)
    for n in range(1, configuration.maxNumber + 1):
        if n not in picked:
            return n
    return 1
