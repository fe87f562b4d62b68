def agent(observation, configuration):
    # Leave the opponent a multiple of maxTake + 1 stones whenever one can.
    n = observation.pile % (configuration.maxTake + 1)
    return n if n > 0 else 1
