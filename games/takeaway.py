"""Take-away: a pile of stones, two players in turn take 1 to `maxTake` of them, and
whoever takes the last stone wins. A complete Kaggle-format environment in one module
(the example of docs/games.md, "Your own game"): `specification`, `interpreter`,
`renderer`, and built-in `agents`."""

specification = {
    "name": "takeaway",
    "title": "Take-away",
    "description": "Take 1 to maxTake stones in turn; whoever takes the last one wins.",
    "version": "1.0.0",
    "agents": [2],
    "configuration": {
        "stones": {"description": "Stones in the pile at the start.", "type": "integer", "minimum": 1, "maximum": 1000, "default": 21},
        "maxTake": {"description": "Most stones one move may take.", "type": "integer", "minimum": 1, "maximum": 10, "default": 3},
        "episodeSteps": 1001,
        "actTimeout": 1,
    },
    "reward": {"description": "1 for the winner, 0 for the loser.", "type": "integer", "default": 0},
    "observation": {
        "pile": {"description": "Stones left.", "type": "integer", "shared": True, "default": 0},
        "mark": {"description": "Which player this is (1 or 2).", "type": "integer", "defaults": [1, 2]},
        "remainingOverageTime": 60,
    },
    "action": {"description": "How many stones to take.", "type": "integer", "minimum": 1, "default": 1},
    "status": {"defaults": ["ACTIVE", "INACTIVE"]},
}


def interpreter(state, env):
    if env.done:
        # The start: a full pile.
        state[0].observation.pile = env.configuration.stones
        return state
    for i in (0, 1):
        # A player whose agent failed (or sent what the action schema refuses) loses.
        if state[i].status in ("INVALID", "ERROR", "TIMEOUT"):
            state[1 - i].status = "DONE"
            state[1 - i].reward = 1
            return state
    mover = 0 if state[0].status == "ACTIVE" else 1
    other = 1 - mover
    take = state[mover].action
    pile = state[0].observation.pile
    if take > env.configuration.maxTake or take > pile:
        # Against the rules: the mover loses at once.
        state[mover].status = "INVALID"
        state[other].status = "DONE"
        state[other].reward = 1
        return state
    pile -= take
    state[0].observation.pile = pile
    if pile == 0:
        state[mover].reward = 1
        state[mover].status = "DONE"
        state[other].status = "DONE"
        return state
    state[mover].status = "INACTIVE"
    state[other].status = "ACTIVE"
    return state


def renderer(state, env):
    pile = state[0].observation.pile
    return f"pile: {pile} {'o' * min(pile, 60)}\n"


def take_one(observation, configuration):
    return 1


def perfect(observation, configuration):
    # Leave a multiple of maxTake + 1 when one can.
    n = observation.pile % (configuration.maxTake + 1)
    return n if n > 0 else 1


agents = {"take_one": take_one, "perfect": perfect}
