"""Hungry Geese: a random direction, never straight back."""
import random

OPPOSITE = {"NORTH": "SOUTH", "SOUTH": "NORTH", "EAST": "WEST", "WEST": "EAST"}
last = None


def agent(observation, configuration):
    global last
    last = random.choice([m for m in OPPOSITE if m != OPPOSITE.get(last)])
    return last
