"""Compares the game process's `structify` (written in Rust for speed) with the Python
one it replaced, which `tests/e2e/kaggle_env.rs` checks against kaggle_environments'
own: on its first step, seat 1 wins if every case makes (or refuses) the same, and the
game raises, naming the first difference, if not."""
import kaggle_utils as u

specification = {"name": "structify_probe", "agents": [2], "configuration": {"episodeSteps": 3}}


class L(list):
    pass


class D(dict):
    pass


def nested(depth):
    o = {"leaf": [1, 2.5, "x", None, True]}
    for _ in range(depth):
        o = {"a": [o]}
    return o


def with_items_attribute():
    s = u.Struct(a=1)
    s.items = 5
    return s


CASES = [
    1, "x", None, True, 2.5, (1, 2), [], {}, [1, [2, {"a": 3}]],
    {"a": {"b": [1, {"c": None}]}, "items": 4, "info": {}},
    [{"observation": {"step": 1, "board": [0] * 6}, "status": "ACTIVE", "reward": None}] * 2,
    L([{"a": 1}]), D(a={"b": 2}), {"a": L([1])}, {"a": D(b=1)},
    u.Struct(a=1, b={"c": 2}), {"1": 1, "self2": 2}, nested(150), {"n": 2**80, "f": float("inf")},
    {"\ud800": 1, "x": {"\udfff": [2]}},
]
# A Struct whose `items` attribute hides the method: Kaggle's calls it (TypeError).
REFUSED = [with_items_attribute(), {1: 2}, {"self": 1}, {"a": {"self": 2}}, [{"x": {(1, 2): 3}}], nested(300), nested(5000)]


def shape(o):
    if isinstance(o, dict):
        # A Struct's attributes: their names, and whether each is its entry's value.
        attributes = getattr(o, "__dict__", {})
        return (type(o).__name__, sorted((k, shape(v)) for k, v in o.items()),
                sorted((k, k in o and o[k] is v) for k, v in attributes.items()))
    if isinstance(o, list):
        return (type(o).__name__, [shape(v) for v in o])
    return (type(o).__name__, o)


def outcome(f, case):
    try:
        return "made", shape(f(case))
    except (TypeError, RecursionError) as e:
        return "refused", type(e).__name__
    except Exception as e:  # anything else is refused the same way or differs
        return "refused", f"{type(e).__name__}: {e}"


def python_alone(case):
    """The Python structify all the way down: it finds `structify` among its module's
    globals, which the game process points at the Rust one."""
    rust = u.structify
    u.structify = u._structify_python
    try:
        return u._structify_python(case)
    finally:
        u.structify = rust


def interpreter(state, env):
    if env.done:
        return state
    if u.structify is u._structify_python:
        raise ValueError("the game process's structify is the Python one")
    for case in CASES + REFUSED:
        ours, theirs = outcome(u.structify, case), outcome(python_alone, case)
        if ours != theirs:
            raise ValueError(f"structify differs on {repr(case)[:60]}: {str(ours)[:200]} vs {str(theirs)[:200]}")
    for case in CASES:
        made = u.structify(case)
        if made is case and isinstance(case, (list, dict)):
            raise ValueError(f"structify returned {repr(case)[:60]} itself, not a copy")
    state[0].reward, state[1].reward = 1, 0
    state[0].status = state[1].status = "DONE"
    return state


def renderer(state, env):
    return ""
