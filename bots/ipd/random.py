# IPD: cooperate or defect with equal chance (Axelrod's Random).
import random


def agent(observation):
    return random.choice("CD")
