# RPS: a uniformly random sign (unbeatable on average, and beats nobody).
import random


def agent(observation, configuration):
    return random.randrange(configuration.signs)
