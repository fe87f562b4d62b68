# IPD: Defector — always defect.

def agent(observation):
    return "D"
