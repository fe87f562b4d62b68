"""An environment that prints megabytes every step and returns a huge observation."""
specification = {
    "name": "floods",
    "agents": [2],
    "configuration": {"episodeSteps": 4},
    "observation": {"junk": {"type": "string", "shared": True, "default": ""}},
}


def interpreter(state, env):
    print("x" * 3_000_000)
    state[0].observation.junk = "\x1b]0;owned\x07" + "y" * 100_000
    return state


def renderer(state, env):
    return "z" * 10_000_000
