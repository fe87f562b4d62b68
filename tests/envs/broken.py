specification = {"name": "broken", "agents": [2]
def interpreter(state, env):
    return state
