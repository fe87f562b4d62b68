"""An environment that imports numpy (whose OpenBLAS would start a thread per core) and
wins seat 1 only if the game process still has one thread: a game process must not
spin on other workers' cores. Played with a game venv that has numpy."""
import os

import numpy  # noqa: F401

specification = {"name": "threads", "agents": [2], "configuration": {"episodeSteps": 3}}


def interpreter(state, env):
    if env.done:
        return state
    threads = len(os.listdir("/proc/self/task"))
    if threads != 1:
        raise ValueError(f"the game process has {threads} threads")
    state[0].reward, state[1].reward = 1, 0
    state[0].status = state[1].status = "DONE"
    return state


def renderer(state, env):
    return ""
