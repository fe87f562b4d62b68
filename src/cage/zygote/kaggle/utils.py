"""kaggle_environments.utils: Struct (a dict whose keys read as attributes) and structify."""


class Struct(dict):
    def __init__(self, **entries):
        entries = {k: v for k, v in entries.items() if k != "items"}
        dict.__init__(self, entries)
        self.__dict__.update(entries)

    def __setattr__(self, attr, value):
        self.__dict__[attr] = value
        self[attr] = value


def structify(o):
    """Lists and dicts, cloned, with every dict a Struct."""
    if isinstance(o, list):
        return [structify(o[i]) for i in range(len(o))]
    if isinstance(o, dict):
        return Struct(**{k: structify(v) for k, v in o.items()})
    return o
