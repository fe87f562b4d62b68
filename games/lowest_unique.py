"""Lowest unique number: every round, 3 to 8 players each pick a number from 1 to
`maxNumber` at once; the lowest number picked by exactly one player scores that player a
point. After `rounds` rounds the most points win. A free-for-all Kaggle-format
environment in one module (the example of docs/games.md, "More than two seats")."""

specification = {
    "name": "lowest_unique",
    "title": "Lowest unique number",
    "description": "Pick a number each round; the lowest number nobody else picked scores.",
    "version": "1.0.0",
    "agents": [3, 4, 5, 6, 7, 8],
    "configuration": {
        "rounds": {"description": "Rounds in a match.", "type": "integer", "minimum": 1, "maximum": 500, "default": 30},
        "maxNumber": {"description": "The largest number a player may pick.", "type": "integer", "minimum": 2, "maximum": 9, "default": 5},
        "episodeSteps": 501,
        "actTimeout": 1,
    },
    "reward": {"description": "Points: rounds won.", "type": "integer", "default": 0},
    "observation": {
        "round": {"description": "Rounds played.", "type": "integer", "shared": True, "default": 0},
        "lastPicks": {
            "description": "Every player's pick last round (null for one that is out).",
            "type": "array", "shared": True, "default": [],
        },
        "points": {"description": "Every player's points.", "type": "array", "shared": True, "default": []},
        "seat": {"description": "Which player this is, from 0.", "type": "integer", "defaults": [0, 1, 2, 3, 4, 5, 6, 7]},
        "legalActions": {
            "description": "The numbers one may pick (what `cagematch check`'s opponent picks from).",
            "type": "array", "shared": True, "default": [],
        },
        "remainingOverageTime": 60,
    },
    "action": {"description": "The number picked.", "type": "integer", "minimum": 1, "maximum": 9, "default": 1},
    "status": {"defaults": ["ACTIVE"] * 8},
}


def interpreter(state, env):
    shared = state[0].observation
    if env.done:
        # The start: nobody has picked yet.
        shared.round = 0
        shared.lastPicks = [None] * len(state)
        shared.points = [0] * len(state)
        shared.legalActions = list(range(1, env.configuration.maxNumber + 1))
        return state
    playing = [i for i, s in enumerate(state) if s.status == "ACTIVE"]
    picks = [None] * len(state)
    for i in playing:
        if state[i].action > env.configuration.maxNumber:
            state[i].status = "INVALID"
        else:
            picks[i] = state[i].action
    counts = {}
    for p in picks:
        if p is not None:
            counts[p] = counts.get(p, 0) + 1
    unique = [p for p, n in counts.items() if n == 1]
    points = list(shared.points)
    if unique:
        points[picks.index(min(unique))] += 1
    shared.round += 1
    shared.lastPicks = picks
    shared.points = points
    still = [i for i, s in enumerate(state) if s.status == "ACTIVE"]
    over = shared.round >= env.configuration.rounds or len(still) < 2
    for i, s in enumerate(state):
        if s.status == "ACTIVE":
            s.reward = points[i]
            if over:
                s.status = "DONE"
    return state


def renderer(state, env):
    shared = state[0].observation
    lines = [f"round {shared.round} of {env.configuration.rounds}"]
    for i, s in enumerate(state):
        pick = shared.lastPicks[i] if i < len(shared.lastPicks) else None
        lines.append(f"player {i + 1}: picked {pick if pick is not None else '-'}, {shared.points[i]} points ({s.status})")
    return "\n".join(lines) + "\n"


def one(observation, configuration):
    return 1


agents = {"one": one}
