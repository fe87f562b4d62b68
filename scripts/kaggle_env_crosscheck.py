#!/usr/bin/env python3
"""Plays the same deterministic bots through cagematch and through kaggle_environments'
own Environment.run, and reports every difference: each step's statuses, rewards and
seat 1's observation (its think-time bank aside), the number of steps, and the final
rewards. Games with chance (Hungry Geese places geese and food at random) are dealt the
same cards: cagematch runs with a seed key file this script makes (`--seed-key`), so it
knows the game's seed and seeds Kaggle's `random` with it.

    .venv-games/bin/python scripts/kaggle_env_crosscheck.py target/debug/cagematch .venv-games

Run with the Python of the game venv (it imports kaggle_environments). Exits 1 if any
case differs, 2 if it cannot run. The table it prints is the one docs/games.md shows.
"""

import hmac
import json
import os
import random
import subprocess
import sys
import tempfile

import kaggle_environments

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Deterministic agents, as source (written to bot files for cagematch, exec'd for Kaggle).
AGENTS = {
    "take_one": "def agent(observation, configuration):\n    return 1\n",
    "perfect": (
        "def agent(observation, configuration):\n"
        "    n = observation.pile % (configuration.maxTake + 1)\n"
        "    return n if n > 0 else 1\n"
    ),
    "greedy_takes_nine": "def agent(observation, configuration):\n    return 9\n",
    "takes_words": "def agent(observation, configuration):\n    return 'all of them'\n",
    "rps_cycle": "def agent(observation, configuration):\n    return observation.step % configuration.signs\n",
    "rps_copy": (
        "def agent(observation, configuration):\n"
        "    last = observation.get('lastOpponentAction')\n"
        "    return 0 if last is None else (last + 1) % configuration.signs\n"
    ),
    "rps_seven_at_50": (
        "def agent(observation, configuration):\n"
        "    return 7 if observation.step == 50 else 1\n"
    ),
    "cx_leftmost": (
        "def agent(observation, configuration):\n"
        "    return [c for c in range(configuration.columns) if observation.board[c] == 0][0]\n"
    ),
    "cx_center": (
        "def agent(observation, configuration):\n"
        "    order = sorted(range(configuration.columns), key=lambda c: abs(c - configuration.columns // 2))\n"
        "    return [c for c in order if observation.board[c] == 0][0]\n"
    ),
    "cx_always_zero": "def agent(observation, configuration):\n    return 0\n",
    # OpenSpiel environments ask both seats once before the game (no legal actions yet).
    "os_first": (
        "def agent(observation, configuration):\n"
        "    return {'submission': (observation.get('legalActions') or [0])[0]}\n"
    ),
    "os_last": (
        "def agent(observation, configuration):\n"
        "    return {'submission': (observation.get('legalActions') or [0])[-1]}\n"
    ),
    # Hungry Geese (deterministic: what they do depends only on the observation).
    "geese_greedy": open(os.path.join(ROOT, "bots", "hungry_geese", "greedy.py")).read(),
    "geese_left": open(os.path.join(ROOT, "bots", "hungry_geese", "left.py")).read(),
    "geese_north": "def agent(observation, configuration):\n    return 'NORTH'\n",
    "geese_jumps": "def agent(observation, configuration):\n    return 'UP'\n",
}

# A seed key known to this script (cagematch's seat and game seeds are keyed by it).
KEY = "5eed" * 16

# (cagematch's game name, Kaggle's, settings, the seats' agents)
CASES = [
    ("games/takeaway.py", None, {}, ["take_one", "perfect"]),
    ("games/takeaway.py", None, {"stones": 30, "maxTake": 4}, ["perfect", "take_one"]),
    ("games/takeaway.py", None, {}, ["greedy_takes_nine", "take_one"]),
    ("games/takeaway.py", None, {}, ["take_one", "takes_words"]),
    ("kaggle:rps", "rps", {}, ["rps_cycle", "rps_copy"]),
    ("kaggle:rps", "rps", {"episodeSteps": 200}, ["rps_seven_at_50", "rps_cycle"]),
    ("kaggle:connectx", "connectx", {}, ["cx_leftmost", "cx_center"]),
    ("kaggle:connectx", "connectx", {}, ["cx_always_zero", "cx_always_zero"]),
    ("kaggle:open_spiel_tic_tac_toe", "open_spiel_tic_tac_toe", {"includeLegalActions": True}, ["os_first", "os_last"]),
    ("kaggle:open_spiel_connect_four", "open_spiel_connect_four", {"includeLegalActions": True}, ["os_first", "os_last"]),
    ("kaggle:open_spiel_chess", "open_spiel_chess", {"includeLegalActions": True, "episodeSteps": 30}, ["os_first", "os_last"]),
    ("kaggle:hungry_geese", "hungry_geese", {}, ["geese_greedy", "geese_left", "geese_greedy", "geese_north"]),
    ("kaggle:hungry_geese", "hungry_geese", {"episodeSteps": 60}, ["geese_greedy", "geese_greedy", "geese_jumps"]),
    ("kaggle:hungry_geese", "hungry_geese", {"rows": 9, "columns": 13}, ["geese_left"] * 2 + ["geese_greedy"] * 6),
]


def agent_of(name):
    scope = {}
    exec(AGENTS[name], scope)
    return scope["agent"]


def game_seed(seed, seats):
    """cagematch's seed for the game's chance in a match seeded `seed` (`SeedKey::seat_seed`
    at index `seats`), under this script's key."""
    message = b"cagematch seat seed\0" + seed.to_bytes(8, "little") + seats.to_bytes(8, "little")
    mac = hmac.new(bytes.fromhex(KEY), message, "sha256").digest()
    return int.from_bytes(mac[:8], "little") >> 1


def kaggle_run(env_name, settings, agents):
    if env_name is None:
        sys.path.insert(0, os.path.join(ROOT, "games"))
        import takeaway

        env = kaggle_environments.make(
            {
                "specification": takeaway.specification,
                "interpreter": takeaway.interpreter,
                "renderer": takeaway.renderer,
                "html_renderer": lambda: "",
            },
            configuration=settings,
        )
    else:
        env = kaggle_environments.make(env_name, configuration=settings)
    # The game's chance as cagematch deals it (the same seed, the same cards).
    random.seed(game_seed(1, len(agents)))
    env.run([agent_of(a) for a in agents])
    return env


def cagematch_run(binary, venv, game, settings, agents, folder):
    key = os.path.join(folder, "seed-key")
    with open(os.open(key, os.O_WRONLY | os.O_CREAT, 0o600), "w") as f:
        f.write(KEY + "\n")
    paths = []
    for i, name in enumerate(agents):
        path = os.path.join(folder, f"{i}_{name}.py")
        with open(path, "w") as f:
            f.write(AGENTS[name])
        paths.append(path)
    replay = os.path.join(folder, "replay.json")
    cmd = [binary, "match", game, *paths, "--seed", "1", "--json", "--replay", replay,
           "--game-venv", venv, "--move-time", "60", "--seed-key", key]
    for k, v in settings.items():
        cmd += ["--set", f"{k}={json.dumps(v)}"]
    environ = {k: v for k, v in os.environ.items() if k != "CAGEMATCH_SEED_KEY"}
    out = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=600, env=environ)
    if out.returncode != 0:
        raise RuntimeError(f"cagematch failed: {out.stderr.strip()}")
    with open(replay) as f:
        return json.loads(out.stdout), json.load(f)


def without_bank(observation):
    return {k: v for k, v in observation.items() if k != "remainingOverageTime"}


def differences(env, summary, record):
    diffs = []
    steps = env.steps
    frames = record["frames"]
    final = [s.reward for s in steps[-1]]
    if summary["scores"] != final:
        diffs.append(f"final rewards: cagematch {summary['scores']}, kaggle {final}")
    faulted = any(f is not None for f in summary["faults"])
    # A seat's fault ends cagematch's match on the step it happened; Kaggle records one
    # more state (the interpreter's answer to it), which cagematch scores as the forfeit.
    compared = len(frames) - (1 if faulted else 0)
    if len(frames) != len(steps):
        diffs.append(f"steps: cagematch {len(frames)}, kaggle {len(steps)}")
    hidden = {k for k, p in env.specification.observation.items() if isinstance(p, dict) and p.get("hidden")}
    for t in range(min(compared, len(steps))):
        state = frames[t]["state"]
        theirs = steps[t]
        statuses = [s.status for s in theirs]
        rewards = [s.reward for s in theirs]
        if state["statuses"] != statuses:
            diffs.append(f"step {t}: statuses cagematch {state['statuses']}, kaggle {statuses}")
        if [None if r is None else float(r) for r in state["rewards"]] != [None if r is None else float(r) for r in rewards]:
            diffs.append(f"step {t}: rewards cagematch {state['rewards']}, kaggle {rewards}")
        ours = without_bank(state["observations"][0])
        kaggle_obs = without_bank({k: v for k, v in json.loads(json.dumps(theirs[0].observation)).items() if k not in hidden})
        if json.dumps(ours, sort_keys=True) != json.dumps(kaggle_obs, sort_keys=True):
            diffs.append(f"step {t}: seat 1's observation differs")
        if len(diffs) > 5:
            break
    return diffs


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    binary, venv = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    failed = 0
    print(f"{'game':<32} {'seats':<36} {'steps':>5}  {'final rewards':<18} differences")
    for game, env_name, settings, agents in CASES:
        with tempfile.TemporaryDirectory() as folder:
            try:
                env = kaggle_run(env_name, settings, agents)
                summary, record = cagematch_run(binary, venv, game, settings, agents, folder)
                diffs = differences(env, summary, record)
            except Exception as e:  # a case that cannot run is a failure, said in one line
                diffs = [f"could not run: {type(e).__name__}: {e}"[:300]]
                summary, env = {"scores": "-"}, None
        failed += bool(diffs)
        steps = len(env.steps) if env else "-"
        label = game + (" " + ",".join(f"{k}={v}" for k, v in settings.items()) if settings else "")
        seats = " v ".join(agents) if len(agents) == 2 else f"{len(agents)} seats: " + ", ".join(sorted(set(agents)))
        print(f"{label[:32]:<32} {seats[:36]:<36} {steps:>5}  {str(summary['scores']):<18} {'none' if not diffs else diffs[0]}")
        for d in diffs[1:]:
            print(f"{'':>95}{d}")
    print(f"{len(CASES)} cases, {failed} with differences")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
