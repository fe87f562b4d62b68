# RPS: frequency counter — play what beats the opponent's most frequent sign so far.
from collections import Counter

seen = Counter()


def agent(observation, configuration):
    if observation.step > 0:
        seen[observation.lastOpponentAction] += 1
    if not seen:
        return 0
    favourite = max(sorted(seen), key=lambda s: seen[s])
    return (favourite + 1) % configuration.signs
