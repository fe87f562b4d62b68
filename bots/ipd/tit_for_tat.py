# IPD: Tit For Tat — cooperate first, then copy the opponent's last action.

def agent(observation):
    if not observation.opponentHistory:
        return "C"
    return observation.opponentHistory[-1]
