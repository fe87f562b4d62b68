"""Hungry Geese: always turns left (north, west, south, east, north, ...)."""

LEFT = {"NORTH": "WEST", "WEST": "SOUTH", "SOUTH": "EAST", "EAST": "NORTH"}
last = "EAST"


def agent(observation, configuration):
    global last
    last = LEFT[last]
    return last
