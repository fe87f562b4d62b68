"""Hungry Geese: always turns right (north, east, south, west, north, ...)."""

RIGHT = {"NORTH": "EAST", "EAST": "SOUTH", "SOUTH": "WEST", "WEST": "NORTH"}
last = "WEST"


def agent(observation, configuration):
    global last
    last = RIGHT[last]
    return last
