"""An environment whose renderer raises: the match still counts."""
specification = {"name": "bad_renderer", "agents": [2], "configuration": {"episodeSteps": 3}}


def interpreter(state, env):
    return state


def renderer(state, env):
    raise RuntimeError("cannot draw")
