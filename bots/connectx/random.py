# ConnectX: a random legal column (Kaggle's built-in "random" agent).
import random


def random_agent(obs, config):
    return random.choice([c for c in range(config.columns) if obs.board[c] == 0])
