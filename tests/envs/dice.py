"""An environment whose chance is Python's `random`: the same seed must deal the same
dice, whichever game process plays the match."""
import random

specification = {
    "name": "dice",
    "agents": [2],
    "configuration": {"episodeSteps": 6},
    "observation": {"die": {"type": "integer", "shared": True, "default": 0}},
}


def interpreter(state, env):
    state[0].observation.die = random.randint(1, 1_000_000)
    return state


def renderer(state, env):
    return ""
