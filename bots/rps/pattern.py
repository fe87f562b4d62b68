# RPS: pattern matcher — remembers what the opponent played after each sequence of its
# last three signs and plays what beats the most likely next one. Falls back to random
# while it has seen too little.
import random
from collections import Counter, defaultdict

history = []
after = defaultdict(Counter)
LENGTH = 3


def agent(observation, configuration):
    signs = configuration.signs
    if observation.step > 0:
        history.append(observation.lastOpponentAction)
        if len(history) > LENGTH:
            after[tuple(history[-LENGTH - 1:-1])][history[-1]] += 1
    if len(history) >= LENGTH:
        counts = after.get(tuple(history[-LENGTH:]))
        if counts:
            likely = max(sorted(counts), key=lambda s: counts[s])
            return (likely + 1) % signs
    return random.randrange(signs)
