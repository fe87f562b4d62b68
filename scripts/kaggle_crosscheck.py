#!/usr/bin/env python3
"""Compares cagematch's kaggle_environments stand-in (src/cage/zygote/kaggle/) with the
real package, function by function, on exhaustive or seeded random inputs.

    python3.11 -m venv /tmp/kg && /tmp/kg/bin/pip install kaggle-environments
    /tmp/kg/bin/python scripts/kaggle_crosscheck.py

Exits 1 on the first difference. The stand-in's modules are loaded from their files
under the names the real package uses for them, prefixed `cm_`."""
import importlib.util
import random
import sys
import types
from pathlib import Path

import kaggle_environments.envs.connectx.connectx as real_cx
import kaggle_environments.envs.rps.agents as real_agents
import kaggle_environments.envs.rps.utils as real_rps
import kaggle_environments.utils as real_utils

HERE = Path(__file__).resolve().parent.parent / "src" / "cage" / "zygote" / "kaggle"


def load(name, file):
    spec = importlib.util.spec_from_file_location(name, HERE / file)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


ours_rps = load("cm_rps_utils", "rps_utils.py")
ours_utils = load("cm_utils", "utils.py")
ours_cx = load("cm_connectx", "connectx.py")
# The stand-in's agents import get_score from the package path, as bots do.
sys.modules.setdefault("kaggle_environments.envs.rps.utils", real_rps)
ours_agents = load("cm_rps_agents", "rps_agents.py")

failures = 0


def check(what, ours, theirs):
    global failures
    if ours != theirs:
        failures += 1
        print(f"DIFFERENT {what}: ours {ours!r}, Kaggle's {theirs!r}")


# get_score: every pair for 3, 5 and 7 signs.
for signs in (3, 5, 7):
    for a in range(signs):
        for b in range(signs):
            check(f"get_score({a}, {b})", ours_rps.get_score(a, b), real_rps.get_score(a, b))

# structify and Struct: nested data, attribute access, setting.
data = {"board": [0, 1, 2], "nested": {"x": [{"y": 1}]}, "items": 5, "mark": 1}
ours, theirs = ours_utils.structify(data), real_utils.structify(data)
check("structify", dict(ours), dict(theirs))
check("structify nested attribute", ours.nested.x[0].y, theirs.nested.x[0].y)
ours.extra, theirs.extra = 3, 3
check("Struct setattr", (ours["extra"], ours.extra), (theirs["extra"], theirs.extra))

# RPS agents: the same moves against the same random opponent, with the same seed.
for name in ("rock", "paper", "scissors", "copy_opponent", "reactionary",
             "counter_reactionary", "statistical"):
    ours_agent, real_agent = getattr(ours_agents, name), real_agents.agents[name]
    config = real_utils.Struct(signs=3, episodeSteps=50)
    opponent = random.Random(name)
    for step in range(50):
        move = opponent.randrange(3)
        obs = real_utils.Struct(step=step, lastOpponentAction=move)
        random.seed(step)
        a = ours_agent(obs, config)
        random.seed(step)
        b = real_agent(obs, config)
        check(f"{name} at step {step}", a, b)

# ConnectX: is_win and both agents on seeded random positions.
rng = random.Random(2026)
for game in range(300):
    config = real_utils.Struct(rows=6, columns=7, inarow=4)
    board = [0] * 42
    mark = 1
    for _ in range(rng.randrange(0, 30)):
        open_columns = [c for c in range(7) if board[c] == 0]
        if not open_columns:
            break
        column = rng.choice(open_columns)
        if real_cx.is_win(board, column, mark, config, False):
            break
        real_cx.play(board, column, mark, config)
        mark = 3 - mark
    for column in range(7):
        if board[column] == 0:
            check(f"is_win game {game} column {column}",
                  ours_cx.is_win(board, column, mark, config, False),
                  real_cx.is_win(board, column, mark, config, False))
    obs = real_utils.Struct(board=board, mark=mark)
    random.seed(game)
    a = ours_cx.negamax_agent(obs, config)
    random.seed(game)
    b = real_cx.negamax_agent(obs, config)
    check(f"negamax game {game}", a, b)

print(f"kaggle_environments stand-in: {'no difference' if failures == 0 else f'{failures} differences'}")
sys.exit(1 if failures else 0)
