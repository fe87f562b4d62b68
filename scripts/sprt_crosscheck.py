#!/usr/bin/env python3
"""Reference LLRs for src/tournament/sprt.rs's unit test, computed independently.

The pentanomial GSPRT's maximum-likelihood distributions found by a general
optimiser (scipy SLSQP), not by the θ equation the Rust code solves.

    /tmp/kenv/bin/pip install numpy scipy
    /tmp/kenv/bin/python scripts/sprt_crosscheck.py
"""
import math
import numpy as np
from scipy.optimize import minimize
A = np.array([0, .25, .5, .75, 1])
def score(elo): return 1 / (1 + 10 ** (-elo / 400))
def mle(p, s):
    cons = [{'type': 'eq', 'fun': lambda q: q.sum() - 1}, {'type': 'eq', 'fun': lambda q: (q * A).sum() - s}]
    r = minimize(lambda q: -(p * np.log(q)).sum(), p.copy(), constraints=cons, bounds=[(1e-12, 1)] * 5, method='SLSQP', options={'ftol': 1e-15, 'maxiter': 1000})
    return r.x
for counts, e0, e1 in [([100, 500, 1000, 600, 120], 0, 5), ([30, 200, 600, 210, 25], -2, 3), ([6, 28, 59, 33, 8], -30, 30), ([10, 40, 100, 80, 30], 0, 10)]:
    c = np.array([x if x else 1e-3 for x in counts], float)
    n = c.sum(); p = c / n
    q0, q1 = mle(p, score(e0)), mle(p, score(e1))
    print(counts, e0, e1, repr(n * (p * (np.log(q1) - np.log(q0))).sum()))
