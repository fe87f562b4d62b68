"""Hungry Geese: flies east and never turns (the board wraps around)."""


def agent(observation, configuration):
    return "EAST"
