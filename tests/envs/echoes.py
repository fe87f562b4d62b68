"""An environment that writes down, in seat 1's observation, the type and value of each
action seat 1 played, as its interpreter got it: what the game process's checks and
copies hand on must be what the bot sent (`1` is not `1.0` or `True`, `-0.0` is not
`0.0`). Actions are numbers or strings; anything else breaks the action schema."""

specification = {
    "name": "echoes",
    "agents": [2],
    "configuration": {"episodeSteps": 12},
    "action": {"type": ["number", "string"], "default": 0},
    "observation": {"seen": {"type": "array", "default": []}},
}


def interpreter(state, env):
    if env.done:
        return state
    action = state[0].action
    state[0].observation.seen = state[0].observation.seen + [f"{type(action).__name__}:{action!r}"]
    return state


def renderer(state, env):
    return "\n".join(state[0].observation.seen)
