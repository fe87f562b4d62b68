"""cagematch's stand-in for the kaggle_environments package: the pieces single-file agents
import, written from Kaggle's documented behaviour (scripts/kaggle_crosscheck.py compares
them with the real package). The match itself is run by cagematch, so make() and
evaluate() are here only so that `from kaggle_environments import make` loads."""


def _runner_only(name):
    def stub(*args, **kwargs):
        raise NotImplementedError(
            "kaggle_environments." + name + "() is not available inside a cagematch bot: "
            "cagematch runs the match"
        )

    stub.__name__ = name
    return stub


make = _runner_only("make")
evaluate = _runner_only("evaluate")
