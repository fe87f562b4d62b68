"""Lowest unique number: a random number from 1 to maxNumber."""
import random


def agent(observation, configuration):
    return random.randint(1, configuration.maxNumber)
