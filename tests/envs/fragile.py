"""Take-away with an organiser's bug: taking 7 stones raises instead of being refused.
A match where a bot takes 7 is void (a game error); the others play as usual."""

specification = {
    "name": "fragile",
    "agents": [2],
    "configuration": {
        "stones": {"type": "integer", "default": 21},
        "maxTake": {"type": "integer", "default": 3},
        "episodeSteps": 100,
    },
    "observation": {
        "pile": {"type": "integer", "shared": True, "default": 0},
        "mark": {"type": "integer", "defaults": [1, 2]},
    },
    "action": {"type": "integer", "minimum": 1, "default": 1},
    "status": {"defaults": ["ACTIVE", "INACTIVE"]},
}


def interpreter(state, env):
    if env.done:
        state[0].observation.pile = env.configuration.stones
        return state
    for i in (0, 1):
        if state[i].status in ("INVALID", "ERROR", "TIMEOUT"):
            state[1 - i].status = "DONE"
            state[1 - i].reward = 1
            return state
    mover = 0 if state[0].status == "ACTIVE" else 1
    take = state[mover].action
    if take == 7:
        raise KeyError("seven")
    pile = state[0].observation.pile
    if take > env.configuration.maxTake or take > pile:
        state[mover].status = "INVALID"
        state[1 - mover].status = "DONE"
        state[1 - mover].reward = 1
        return state
    pile -= take
    state[0].observation.pile = pile
    if pile == 0:
        state[mover].reward = 1
        state[mover].status = state[1 - mover].status = "DONE"
        return state
    state[mover].status = "INACTIVE"
    state[1 - mover].status = "ACTIVE"
    return state


def renderer(state, env):
    return f"pile: {state[0].observation.pile}\n"
