"""Compares the game process's step wire (written in Rust for speed: `cagematch_wire`)
with the Python it stands in for: the actions it reads with `json.loads`, and the reply
it writes with `state_of` and Python's JSON encoder (hidden, shared and nested
observation fields; awkward numbers and strings), read back exactly (types, -0.0). Where
the Rust side says it cannot write a state as Python would (a key that is not a string,
an int past 64 bits, NaN, a set), it must say so (`None`) rather than write something
else. On its first step seat 1 wins if every case agrees; the game raises, naming the
first difference, if not."""
import json
import math

import cagematch_wire as wire
import kaggle_core as core
import kaggle_utils as u

specification = {"name": "wire_probe", "agents": [2], "configuration": {"episodeSteps": 3}}

OBSERVATION = {
    "secret": {"type": "string", "hidden": True, "default": "s"},
    "board": {"type": "array", "shared": True, "default": []},
    "inner": {
        "type": "object",
        "default": {},
        "properties": {
            "mine": {"type": "integer", "default": 0},
            "common": {"type": "string", "shared": True, "default": ""},
            "deep": {"type": "object", "default": {}, "properties": {"x": {"shared": True, "default": 0}}},
        },
    },
    "step": {"type": "integer", "shared": True, "default": 0},
}
PLAN = core.merge_plan(OBSERVATION)

AWKWARD = [
    0, -1, 2**63 - 1, -(2**63), 2**64 - 1, 1.0, -0.0, 0.1, 1e300, 1e-7, 2.5e-320, True, False, None,
    "", "é✓😀", "\x00\x01\x1f\x7f\n\t\r\"\\/\u2028", (1, "a"), [], {}, {"k": [1, {"j": None}]},
    u.Struct(a=1, b=u.Struct(c=[2])),
]
# Values the Rust side leaves to Python.
LEFT = [2**64, -(2**63) - 1, float("nan"), float("inf"), {1: "a"}, {"a": {(1, 2): 3}}, {1, 2},
        "\ud800", type("F", (float,), {})(1.5), type("S", (str,), {})("s"), type("D", (dict,), {})(a=1)]


class Env:
    """What `state_of` and the wire read of an environment."""

    def __init__(self, state):
        self.state = u.structify(state)
        self.observation_plan = PLAN


def seat(status, reward, **observation):
    return {"status": status, "reward": reward, "observation": observation, "action": None}


def states():
    for value in AWKWARD:
        yield [
            seat("ACTIVE", 0, secret="a", board=[value], inner={"mine": 1, "common": "c0", "deep": {"x": 1}}, step=4, v=value),
            seat("DONE", value if isinstance(value, (int, float)) else None, secret="b", board=[9],
                 inner={"mine": 2, "common": "c1", "deep": {"x": 2, "y": value}}, step=5, v=[value, value]),
        ]
    # Seat 2 without what seat 1 shares, or with `inner` not an object; seat 1 with a
    # falsy `inner`.
    yield [seat("ACTIVE", 1, board=[1], inner={}, step=1), seat("ACTIVE", 2, inner={"deep": {}}, step=2)]
    yield [seat("ACTIVE", 1, board=[1], inner=None, step=1), seat("INACTIVE", None, inner=[1, 2], step=2)]
    yield [seat("ERROR", None, step=0), seat("TIMEOUT", None, board=[], step=0, inner={"deep": 3})]


def same(a, b):
    """Equal, with the same types all the way down (1 is not 1.0 or True; -0.0 is not 0.0)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        return a == b and math.copysign(1, a) == math.copysign(1, b) or a != a and b != b
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    return a == b


def check():
    for state in states():
        env = Env(state)
        for refused, log in [([None, None], ""), (["'x' is not of type 'integer'", None], "printed\n")]:
            ours = wire.reply(env, refused, log)
            theirs = {"state": core.state_of(env), "refused": refused, "log": log}
            if ours is None or not same(json.loads(ours), json.loads(json.dumps(theirs))):
                raise ValueError(f"the wire writes {str(ours)[:300]} for {str(theirs)[:300]}")
    for value in LEFT:
        env = Env([seat("ACTIVE", 0, step=1), seat("ACTIVE", 0, step=1)])
        # Set after structify, which refuses some of them.
        env.state[0].observation.v = value
        ours = wire.reply(env, [None, None], "")
        if ours is not None:
            raise ValueError(f"the wire wrote {ours[:200]} for {value!r}, which Python writes otherwise")
    for step in [[["ok", 1], ["ok", 1.0]], [["ok", -0.0], ["status", "TIMEOUT"]], [["ok", None], ["ok", True]],
                 [["ok", {"submission": [1, "é\n", {"a": 2**63 - 1}]}], ["ok", -(2**63)]], [["ok", 2**64 - 1], ["ok", 1e300]]]:
        line = json.dumps({"step": step}, separators=(",", ":"))
        if not same(wire.actions(line), json.loads(line)["step"]):
            raise ValueError(f"the wire reads {wire.actions(line)!r} from {line}")


def interpreter(state, env):
    if env.done:
        return state
    check()
    state[0].reward, state[1].reward = 1, 0
    state[0].status = state[1].status = "DONE"
    return state


def renderer(state, env):
    return ""
