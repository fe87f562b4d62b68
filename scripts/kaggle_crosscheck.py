#!/usr/bin/env python3
"""Cross-checks cagematch's ConnectX and RPS against Kaggle's own environments.

Plays matches with `cagematch match --replay`, then feeds the very same actions to
`kaggle_environments` and compares, step by step, the boards (ConnectX), the running
rewards (RPS), when the game ends, and the final rewards. Also compares the default
configuration and the first observations.

Needs `pip install kaggle-environments` (not a cagematch dependency):

    python3 -m venv /tmp/kenv && /tmp/kenv/bin/pip install kaggle-environments
    /tmp/kenv/bin/python scripts/kaggle_crosscheck.py target/release/cagematch
"""
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from kaggle_environments import make

ROOT = Path(__file__).resolve().parent.parent
BINARY = sys.argv[1] if len(sys.argv) > 1 else str(ROOT / "target/release/cagematch")
failures = []


def check(condition, what):
    if not condition:
        failures.append(what)
        print("MISMATCH:", what)


def play(game, a, b, seed, settings=()):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "replay.json"
        args = [BINARY, "match", game, a, b, "--seed", str(seed), "--replay", str(path)]
        for s in settings:
            args += ["--set", s]
        subprocess.run(args, check=True, capture_output=True, cwd=ROOT)
        return json.loads(path.read_text())


def game_config(replay):
    """The game's own settings from the replay (the time fields are ours)."""
    skip = {"actTimeout", "agentTimeout", "runTimeout", "timeout"}
    return {k: v for k, v in replay["configuration"].items() if k not in skip}


def connectx(a, b, seed, settings=()):
    replay = play("connectx", a, b, seed, settings)
    env = make("connectx", configuration=game_config(replay))
    env.reset()
    for frame in replay["frames"][1:]:
        move = frame["moves"][0]
        if frame["moves"][0].get("fault", {}).get("kind") not in (None, "illegal_action"):
            break
        actions = [None, None]
        actions[move["seat"]] = move["action"]
        state = env.step(actions)
        check(state[0].observation.board == frame["state"]["board"],
              f"connectx seed {seed}: board after step {frame['step']}")
    check(env.done, f"connectx seed {seed}: Kaggle's game is not over when ours is")
    kaggle = [s.reward for s in env.state]
    ours = replay["result"]["scores"]
    check(kaggle == ours, f"connectx seed {seed}: rewards {kaggle} (Kaggle) vs {ours}")
    return replay["result"]["outcomes"]


def rps(a, b, seed, settings=()):
    replay = play("rps", a, b, seed, settings)
    env = make("rps", configuration=game_config(replay))
    env.reset()
    for frame in replay["frames"][1:]:
        state = env.step([m["action"] for m in frame["moves"]])
        if not env.done:
            check([s.observation.reward for s in state] == [int(r) for r in frame["state"]["rewards"]],
                  f"rps seed {seed}: rewards after step {frame['step']}")
    check(env.done, f"rps seed {seed}: Kaggle's game is not over when ours is")
    check(len(replay["frames"]) - 1 == len(env.steps) - 1,
          f"rps seed {seed}: {len(replay['frames']) - 1} rounds vs Kaggle's {len(env.steps) - 1}")
    kaggle = [s.reward for s in env.state]
    ours = replay["result"]["scores"]
    check(kaggle == ours, f"rps seed {seed}: rewards {kaggle} (Kaggle) vs {ours}")
    return replay["result"]["outcomes"]


def defaults():
    for game, extra in (("connectx", {}), ("rps", {})):
        env = make(game)
        ours = play(game, f"bots/{game}/random.py", f"bots/{game}/random.py", 1)["configuration"]
        for key, value in env.configuration.items():
            if key in ("agentTimeout", "runTimeout"):
                continue  # ours: the load budget and the match's CPU seconds (documented)
            check(ours.get(key) == value, f"{game} configuration {key}: {ours.get(key)} vs Kaggle's {value}")
        first = env.reset()
        print(game, "Kaggle's first observations:", dict(first[0].observation), dict(first[1].observation))


defaults()
results = []
for seed in range(1, 21):
    results.append(connectx("bots/connectx/random.py", "bots/connectx/random.py", seed))
    results.append(connectx("bots/connectx/greedy.py", "bots/connectx/random.py", seed))
for seed in range(1, 6):
    results.append(connectx("bots/connectx/random.py", "bots/connectx/random.py", seed,
                            ["rows=4", "columns=5", "inarow=3"]))
for seed in range(1, 6):
    results.append(rps("bots/rps/random.py", "bots/rps/random.py", seed))
    results.append(rps("bots/rps/counter.py", "bots/rps/random.py", seed))
    results.append(rps("bots/rps/rock.py", "bots/rps/random.py", seed, ["episodeSteps=30", "tieRewardThreshold=3"]))
    results.append(rps("bots/rps/pattern.py", "bots/rps/random.py", seed, ["signs=5", "episodeSteps=100"]))
# Illegal actions: Kaggle marks the seat INVALID with reward None.
results.append(rps("bots/rps/rock.py", "tests/fixtures/games/plays_seven.py", 1))
print(f"{len(results)} matches compared; outcomes seen: "
      f"{sorted(set(tuple(r) for r in results))}")
print("all equal" if not failures else f"{len(failures)} mismatches")
sys.exit(1 if failures else 0)
