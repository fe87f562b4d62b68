"""An environment whose interpreter never returns on its second step."""
specification = {"name": "hangs", "agents": [2], "configuration": {"episodeSteps": 10}}


def interpreter(state, env):
    if not env.done and len(env.steps) == 2:
        while True:
            pass
    return state


def renderer(state, env):
    return ""
