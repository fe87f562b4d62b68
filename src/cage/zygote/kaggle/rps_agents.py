"""kaggle_environments.envs.rps.agents: the built-in Rock-Paper-Scissors agents."""
import random

from kaggle_environments.envs.rps.utils import get_score


def random_agent(observation, configuration):
    return random.randrange(0, configuration.signs)


def rock(observation, configuration):
    return 0


def paper(observation, configuration):
    return 1 % configuration.signs


def scissors(observation, configuration):
    return 2 % configuration.signs


def copy_opponent(observation, configuration):
    if observation.step > 0:
        return observation.lastOpponentAction
    return random.randrange(0, configuration.signs)


_last_react_action = None


def reactionary(observation, configuration):
    global _last_react_action
    if observation.step == 0:
        _last_react_action = random.randrange(0, configuration.signs)
    elif get_score(_last_react_action, observation.lastOpponentAction) <= 1:
        _last_react_action = (observation.lastOpponentAction + 1) % configuration.signs
    return _last_react_action


_last_counter_action = None


def counter_reactionary(observation, configuration):
    global _last_counter_action
    if observation.step == 0:
        _last_counter_action = random.randrange(0, configuration.signs)
    elif get_score(_last_counter_action, observation.lastOpponentAction) == 1:
        _last_counter_action = (_last_counter_action + 2) % configuration.signs
    else:
        _last_counter_action = (observation.lastOpponentAction + 1) % configuration.signs
    return _last_counter_action


_action_histogram = {}


def statistical(observation, configuration):
    global _action_histogram
    if observation.step == 0:
        _action_histogram = {}
        # Kaggle's returns None here, which its runner (and cagematch) plays as the
        # action schema's default, 0.
        return
    action = observation.lastOpponentAction
    if action not in _action_histogram:
        _action_histogram[action] = 0
    _action_histogram[action] += 1
    mode_action = None
    mode_action_count = None
    for k, v in _action_histogram.items():
        if mode_action_count is None or v > mode_action_count:
            mode_action = k
            mode_action_count = v
            continue
    return (mode_action + 1) % configuration.signs


agents = {
    "random": random_agent,
    "rock": rock,
    "paper": paper,
    "scissors": scissors,
    "copy_opponent": copy_opponent,
    "reactionary": reactionary,
    "counter_reactionary": counter_reactionary,
    "statistical": statistical,
}
