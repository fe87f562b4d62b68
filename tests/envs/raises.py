"""An environment whose interpreter raises on its third step: a game error."""
specification = {"name": "raises", "agents": [2], "configuration": {"episodeSteps": 10}}


def interpreter(state, env):
    if not env.done and len(env.steps) == 3:
        raise ValueError("the organiser's bug on step 3")
    return state


def renderer(state, env):
    return ""
