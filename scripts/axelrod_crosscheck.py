#!/usr/bin/env python3
"""Cross-checks cagematch's iterated Prisoner's Dilemma against the Axelrod library.

Plays the deterministic example bots against each other with `cagematch match --json`
and compares the final scores and the winner with `axelrod.Match` between the same
strategies (default game and 200 turns), then checks the noisy case statistically
(a different generator, so not move for move).

    /tmp/kenv/bin/pip install axelrod
    /tmp/kenv/bin/python scripts/axelrod_crosscheck.py target/release/cagematch
"""
import itertools
import json
import subprocess
import sys
from pathlib import Path

import axelrod as axl

ROOT = Path(__file__).resolve().parent.parent
BINARY = sys.argv[1] if len(sys.argv) > 1 else str(ROOT / "target/release/cagematch")
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
sys.exit(1 if failures else 0)
