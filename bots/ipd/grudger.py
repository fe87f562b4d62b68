# IPD: Grudger — cooperate until the opponent defects once, then defect forever.

def agent(observation):
    return "D" if "D" in observation.opponentHistory else "C"
