"""Rock, paper, scissors as a Kaggle-format environment in one module: kaggle_environments'
own rps specification and interpreter (1.33.2), for `cagematch bench`'s row comparing a
Python game with the built-in RPS and with kaggle_environments' env.run."""

specification = {
    "name": "rps_bench",
    "agents": [2],
    "configuration": {
        "signs": {"type": "integer", "minimum": 3, "maximum": 5, "default": 3},
        "episodeSteps": {"type": "integer", "minimum": 2, "default": 1000},
        "tieRewardThreshold": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 20},
        "agentTimeout": {"type": "number", "minimum": 0, "default": 60},
        "actTimeout": 1,
    },
    "reward": {"enum": [-1, 0, 1], "default": 0},
    "observation": {
        "lastOpponentAction": {"type": "integer", "minimum": 0, "maximum": 4},
        "remainingOverageTime": 60,
        "reward": {"type": "integer", "minimum": -999, "maximum": 999, "default": 0},
    },
    "action": {"type": "integer", "minimum": 0, "maximum": 4},
}


def get_score(left_move, right_move):
    delta = right_move - left_move if (left_move + right_move) % 2 == 0 else left_move - right_move
    return 0 if delta == 0 else (1 if delta > 0 else -1)


def interpreter(state, env):
    player1, player2 = state[0], state[1]
    if env.done:
        return state

    def is_valid_action(player, sign_count):
        return player.action is not None and isinstance(player.action, int) and 0 <= player.action < sign_count

    is_player1_valid = is_valid_action(player1, env.configuration.signs)
    is_player2_valid = is_valid_action(player2, env.configuration.signs)
    if not is_player2_valid:
        player2.status = "INVALID"
        player2.reward = 0
        if is_player1_valid:
            player1.status = "DONE"
            player1.reward = 1
            return state
    if not is_player1_valid:
        player1.status = "INVALID"
        player1.reward = 0
        if is_player2_valid:
            player2.status = "DONE"
            player2.reward = 1
            return state
        return state
    score = get_score(player1.action, player2.action)
    player1.observation.lastOpponentAction = player2.action
    player1.reward += score
    player2.observation.lastOpponentAction = player1.action
    player2.reward -= score
    player1.observation.reward = int(player1.reward)
    player2.observation.reward = int(player2.reward)
    remaining_steps = env.configuration.episodeSteps - player1.observation.step - 1
    if remaining_steps <= 1:
        player1.status = "DONE"
        player2.status = "DONE"
        if abs(player1.reward) < env.configuration.tieRewardThreshold:
            player1.reward = 0
            player2.reward = 0
    return state


def renderer(state, env):
    return f"{state[0].reward} to {state[1].reward}\n"
