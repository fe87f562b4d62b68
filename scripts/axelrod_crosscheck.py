#!/usr/bin/env python3
"""Cross-checks cagematch's iterated Prisoner's Dilemma against the Axelrod library.

Plays the deterministic example bots against each other with `cagematch match --json`
and compares the final scores and the winner with `axelrod.Match` between the same
strategies (default game and 200 turns), then checks the noisy case statistically
(a different generator, so not move for move). Last, a whole round robin of the 14
strategies in tests/fixtures/axelrod/ (`cagematch run --headless`): every bot's mean
payoff per turn and the ranking against `axelrod.Tournament` between the library's own
strategies.

    /tmp/kenv/bin/pip install axelrod pyyaml
    /tmp/kenv/bin/python scripts/axelrod_crosscheck.py target/release/cagematch
"""
import itertools
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

import axelrod as axl

ROOT = Path(__file__).resolve().parent.parent
BINARY = str(Path(sys.argv[1]).resolve()) if len(sys.argv) > 1 else str(ROOT / "target/release/cagematch")
BOTS = {
    "tit_for_tat": axl.TitForTat,
    "grudger": axl.Grudger,
    "defector": axl.Defector,
    "template": axl.Cooperator,  # bots/ipd/template.py always cooperates
}
failures = 0
for a, b in itertools.product(BOTS, repeat=2):
    out = subprocess.run(
        [BINARY, "match", "ipd", f"bots/ipd/{a}.py", f"bots/ipd/{b}.py", "--seed", "1", "--json"],
        check=True, capture_output=True, cwd=ROOT, text=True)
    ours = json.loads(out.stdout)
    match = axl.Match((BOTS[a](), BOTS[b]()), turns=200)
    match.play()
    theirs = list(match.final_score())
    winner = match.winner()
    expected = ["draw", "draw"] if winner is False else (
        ["win", "loss"] if str(winner) == str(match.players[0]) else ["loss", "win"])
    same = ours["scores"] == theirs and ours["outcomes"] == expected
    failures += not same
    print(f"{a:>12} vs {b:<12} cagematch {ours['scores']} {ours['outcomes']}  "
          f"axelrod {theirs} {expected}  {'ok' if same else 'MISMATCH'}")

# Noise: Tit For Tat against itself, 200 turns, noise 0.1 — mean total over 40 seeds.
def mean_total(run):
    totals = [run(seed) for seed in range(40)]
    return sum(totals) / len(totals)

def ours(seed):
    out = subprocess.run(
        [BINARY, "match", "ipd", "bots/ipd/tit_for_tat.py", "bots/ipd/tit_for_tat.py",
         "--seed", str(seed), "--set", "noise=0.1", "--json"],
        check=True, capture_output=True, cwd=ROOT, text=True)
    return sum(json.loads(out.stdout)["scores"])

def theirs(seed):
    m = axl.Match((axl.TitForTat(), axl.TitForTat()), turns=200, noise=0.1, seed=seed)
    m.play()
    return sum(m.final_score())

a, b = mean_total(ours), mean_total(theirs)
close = abs(a - b) / b < 0.08
failures += not close
print(f"noise 0.1, TFT vs TFT, mean total over 40 seeds: cagematch {a:.1f}, axelrod {b:.1f}  "
      f"{'ok' if close else 'MISMATCH'}")

# A whole round robin, ranked as Axelrod ranks: by mean payoff per turn (cagematch's
# default ranking for IPD). One repetition: these strategies are deterministic, so the
# median over repetitions Axelrod takes is the one value.
STRATEGIES = {
    "alternator": axl.Alternator,
    "bully": axl.Bully,
    "cooperator": axl.Cooperator,
    "cycler_ccd": lambda: axl.Cycler("CCD"),
    "defector": axl.Defector,
    "go_by_majority": axl.GoByMajority,
    "grudger": axl.Grudger,
    "hard_tit_for_tat": axl.HardTitForTat,
    "prober": axl.Prober,
    "suspicious_tit_for_tat": axl.SuspiciousTitForTat,
    "tit_for_tat": axl.TitForTat,
    "tit_for_two_tats": axl.TitFor2Tats,
    "two_tits_for_tat": axl.TwoTitsForTat,
    "win_stay_lose_shift": axl.WinStayLoseShift,
}
with tempfile.TemporaryDirectory() as tmp:
    folder = ROOT / "tests/fixtures/axelrod"
    tournament = Path(tmp) / "axelrod.yaml"
    tournament.write_text(yaml.safe_dump({
        "name": "Axelrod cross-check", "game": "ipd", "configuration": {"turns": 200},
        "bots": {"folder": str(folder)}, "games_per_pair": 1, "seed": 1,
        "output": str(Path(tmp) / "runs"),
    }))
    export = Path(tmp) / "standings.yaml"
    subprocess.run([BINARY, "run", str(tournament), "--headless", "--export", str(export)],
                   check=True, capture_output=True, cwd=tmp)
    ours = yaml.safe_load(export.read_text())
names = list(STRATEGIES)
results = axl.Tournament([STRATEGIES[n]() for n in names], turns=200, repetitions=1,
                         seed=1).play(progress_bar=False)
theirs = {names[i]: results.normalised_scores[i][0] for i in range(len(names))}
rows = {r["name"]: r for r in ours["standings"]}
print(f"round robin of {len(names)}, ranking: {ours['ranking']}")
print(f"{'bot':>24}  cagematch rank  payoff/turn   axelrod rank  normalised score")
axelrod_rank = {names[i]: k + 1 for k, i in enumerate(results.ranking)}
for name in sorted(names, key=lambda n: rows[n]["rank"]):
    same = abs(rows[name]["payoff_per_turn"] - theirs[name]) < 1e-6
    failures += not same
    print(f"{name:>24}  {rows[name]['rank']:>14}  {rows[name]['payoff_per_turn']:>11.4f}  "
          f"{axelrod_rank[name]:>13}  {theirs[name]:>16.4f}  {'ok' if same else 'MISMATCH'}")
# The same order, bots with equal scores (to 1e-6) taken as tied.
def order(score):
    return [sorted(g) for g in _groups(sorted(names, key=lambda n: -score(n)), score)]
def _groups(ranked, score):
    groups = []
    for n in ranked:
        if groups and abs(score(groups[-1][0]) - score(n)) < 1e-6:
            groups[-1].append(n)
        else:
            groups.append([n])
    return groups
same_order = order(lambda n: rows[n]["payoff_per_turn"]) == order(lambda n: theirs[n])
failures += not same_order
print(f"same ranking (ties grouped): {'ok' if same_order else 'MISMATCH'}; "
      f"defector: cagematch rank {rows['defector']['rank']}, axelrod rank {axelrod_rank['defector']}, "
      f"{rows['defector']['wins']} wins and {rows['defector']['losses']} losses")
sys.exit(1 if failures else 0)
