"""kaggle_environments.utils: Struct (a dict whose keys read as attributes) and structify."""


class Struct(dict):
    def __init__(self, **entries):
        entries = {k: v for k, v in entries.items() if k != "items"}
        dict.__init__(self, entries)
        self.__dict__.update(entries)

    def __setattr__(self, attr, value):
        self.__dict__[attr] = value
        self[attr] = value


# Values structify returns as they are: no call needed for them.
_PLAIN = frozenset((int, float, str, bool, type(None)))
_new = dict.__new__
_update = dict.update


def structify(o):
    """Lists and dicts, cloned, with every dict a Struct: what Kaggle's structify makes
    (`Struct(**{k: structify(v) …})`), built without a call per plain value or the
    keyword-argument round trip."""
    t = type(o)
    if t is dict or t is Struct:
        entries = {k: v if type(v) in _PLAIN else structify(v) for k, v in o.items() if k != "items"}
        for k in entries:
            if type(k) is not str or k == "self":
                # Kaggle's `Struct(**…)` refuses such a key with its TypeError.
                return Struct(**entries)
        s = _new(Struct)
        _update(s, entries)
        s.__dict__.update(entries)
        return s
    if t is list:
        return [v if type(v) in _PLAIN else structify(v) for v in o]
    if isinstance(o, list):
        return [structify(o[i]) for i in range(len(o))]
    if isinstance(o, dict):
        return Struct(**{k: structify(v) for k, v in o.items()})
    return o
