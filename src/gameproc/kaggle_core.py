# The core of a Kaggle-format environment, as kaggle_environments' Environment runs it
# (core.py, utils.py, schemas.json of kaggle_environments 1.33.2), without its runner:
# cagematch asks the (caged) bots itself and hands this module their actions. Runs in
# the game process, never in the host. Kept to what the semantics need: defaults from
# the specification's schemas, actions checked against the action schema (a None action
# takes the schema's default), the interpreter called as Kaggle calls it, statuses and
# rewards as Kaggle sets them, and each seat's observation with the shared fields of
# agent 0 and without hidden ones.

import copy
import json

STATUSES = ["INACTIVE", "ACTIVE", "DONE", "ERROR", "INVALID", "TIMEOUT"]

SCHEMAS = {
    "specification": {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "name": {"type": "string", "default": ""},
            "title": {"type": "string", "default": ""},
            "version": {"type": "string", "default": ""},
            "description": {"type": "string", "default": ""},
            "configuration": {"type": "object", "default": {}},
            "agents": {"type": "array", "items": {"type": "integer"}, "default": [1]},
            "reward": {"type": "object", "default": {"type": ["number", "null"], "default": 0}},
            "info": {"type": "object", "default": {}},
            "observation": {"type": "object", "default": {}},
            "action": {"type": "object", "default": {"type": "integer", "default": 0}},
            "status": {"type": "object", "default": {}},
        },
    },
    "configuration": {
        "type": "object",
        "additionalProperties": True,
        "properties": {
            "episodeSteps": {"type": "integer", "minimum": 1, "default": 1000},
            "actTimeout": {"type": "number", "minimum": 0, "default": 6},
            "runTimeout": {"type": "number", "minimum": 0, "default": 1200},
        },
    },
    "state": {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "action": {"type": "integer", "default": 0},
            "reward": {"type": "number", "default": 0},
            "info": {"type": "object", "default": {}},
            "observation": {
                "type": "object",
                "additionalProperties": True,
                "properties": {
                    "remainingOverageTime": {
                        "shared": False,
                        "type": "number",
                        "minimum": 0,
                        "default": 12,
                    },
                    "step": {"type": "integer", "shared": True, "minimum": 0, "default": 0},
                },
                "default": {},
            },
            "status": {"type": "string", "default": "ACTIVE", "enum": STATUSES},
        },
    },
}


# Plain values a structified action keeps as they are.
PLAIN = frozenset((int, float, str, bool, type(None)))
# Plain actions whose verdict an environment remembers, and the longest string of them.
CHECKED_MAX = 1024
CHECKED_CHARS = 64


class Invalid(Exception):
    """A value that breaks its schema, or a specification Kaggle would refuse."""


# The same Struct and structify the bots get (kaggle_environments.utils's), loaded by the
# game process as `kaggle_utils`.
from kaggle_utils import Struct, structify  # noqa: E402

# A step's request read and its reply written in Rust (src/gameproc/wire.rs), where the
# game process has it.
try:
    import cagematch_wire as wire
except ImportError:
    wire = None


def plain(o):
    """Plain dicts and lists, for JSON."""
    if isinstance(o, list):
        return [plain(x) for x in o]
    if isinstance(o, dict):
        return {k: plain(v) for k, v in o.items()}
    return o


def default_schema(schema, data):
    """kaggle_environments.utils.default_schema: fill defaults in place."""
    default = schema.get("default") if isinstance(schema, dict) else None
    if default is None and data is None:
        return None
    kind = schema.get("type") if isinstance(schema, dict) else None
    if kind == "object":
        default = copy.deepcopy(default if isinstance(default, dict) else {})
        if data is None or not isinstance(data, dict):
            obj = default
        else:
            obj = data
            for k, v in default.items():
                if k not in obj:
                    obj[k] = v
        properties = schema.get("properties")
        if isinstance(properties, dict):
            for key, prop_schema in properties.items():
                value = obj.get(key) if isinstance(obj, dict) else None
                new_value = default_schema(prop_schema, value)
                if new_value is not None:
                    obj[key] = new_value
        return obj
    if kind == "array":
        default = copy.deepcopy(default if isinstance(default, list) else [])
        arr = data if isinstance(data, list) else default
        item_schema = schema.get("items") if isinstance(schema.get("items"), dict) else {}
        for index, value in enumerate(arr):
            if value is None and len(default) > index:
                new_value = default[index]
            else:
                new_value = default_schema(item_schema, value)
            if new_value is not None:
                arr[index] = new_value
        return arr
    return data if data is not None else default


TYPES = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool)
    or isinstance(v, float) and v.is_integer(),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
}


def validate(data, schema, where="instance"):
    """The parts of JSON Schema (draft 7) Kaggle environments use; raises Invalid."""
    if schema is True or not isinstance(schema, dict):
        return
    kind = schema.get("type")
    if kind is not None:
        kinds = kind if isinstance(kind, list) else [kind]
        for k in kinds:
            check = TYPES.get(k)
            if check is None or check(data):
                break
        else:
            raise Invalid(f"{short(data)} is not of type {', '.join(map(repr, kinds))} ({where})")
    if "enum" in schema and data not in schema["enum"]:
        raise Invalid(f"{short(data)} is not one of {schema['enum']!r} ({where})")
    if "const" in schema and data != schema["const"]:
        raise Invalid(f"{short(data)} was expected to be {schema['const']!r} ({where})")
    if isinstance(data, (int, float)) and not isinstance(data, bool):
        if "minimum" in schema and data < schema["minimum"]:
            raise Invalid(f"{data} is less than the minimum of {schema['minimum']} ({where})")
        if "maximum" in schema and data > schema["maximum"]:
            raise Invalid(f"{data} is greater than the maximum of {schema['maximum']} ({where})")
        if "exclusiveMinimum" in schema and data <= schema["exclusiveMinimum"]:
            raise Invalid(f"{data} is not above {schema['exclusiveMinimum']} ({where})")
        if "exclusiveMaximum" in schema and data >= schema["exclusiveMaximum"]:
            raise Invalid(f"{data} is not below {schema['exclusiveMaximum']} ({where})")
    if isinstance(data, str):
        if "minLength" in schema and len(data) < schema["minLength"]:
            raise Invalid(f"{short(data)} is too short ({where})")
        if "maxLength" in schema and len(data) > schema["maxLength"]:
            raise Invalid(f"{short(data)} is too long ({where})")
    if isinstance(data, list):
        if "minItems" in schema and len(data) < schema["minItems"]:
            raise Invalid(f"too few items ({where})")
        if "maxItems" in schema and len(data) > schema["maxItems"]:
            raise Invalid(f"too many items ({where})")
        items = schema.get("items")
        if isinstance(items, dict):
            for i, item in enumerate(data):
                validate(item, items, f"{where}[{i}]")
    if isinstance(data, dict):
        properties = schema.get("properties") or {}
        for key in schema.get("required") or []:
            if key not in data:
                raise Invalid(f"{key!r} is a required property ({where})")
        for key, value in data.items():
            if key in properties:
                validate(value, properties[key], f"{where}.{key}")
            elif schema.get("additionalProperties") is False:
                raise Invalid(f"additional property {key!r} is not allowed ({where})")
            elif isinstance(schema.get("additionalProperties"), dict):
                validate(value, schema["additionalProperties"], f"{where}.{key}")
    for sub in schema.get("allOf") or []:
        validate(data, sub, where)
    if "anyOf" in schema:
        if not any(ok(data, s) for s in schema["anyOf"]):
            raise Invalid(f"{short(data)} is not valid under any of the given schemas ({where})")
    if "oneOf" in schema:
        if sum(ok(data, s) for s in schema["oneOf"]) != 1:
            raise Invalid(f"{short(data)} is not valid under exactly one of the given schemas ({where})")


def ok(data, schema):
    try:
        validate(data, schema)
        return True
    except Invalid:
        return False


def short(value):
    text = repr(value)
    return text if len(text) <= 40 else text[:40] + "…"


def process_schema(schema, data):
    """kaggle_environments.utils.process_schema: (error or None, data with defaults)."""
    data = default_schema(schema, copy.deepcopy(data))
    try:
        validate(data, schema)
    except Invalid as e:
        return str(e), data
    return None, data


def process_specification(spec):
    spec = copy.deepcopy(spec)
    if "reward" in spec:
        reward = spec["reward"]
        # As kaggle_environments' `get(reward, str, "number", ["type"])`: a type that is
        # not a string (a list, once processed) counts as "number".
        reward_type = reward.get("type") if isinstance(reward, dict) else None
        reward_type = reward_type if isinstance(reward_type, str) else "number"
        if reward_type not in ["integer", "number"]:
            raise Invalid("specification: reward type must be an integer or number")
        reward["type"] = [reward_type, "null"]

    def extend(source, field_name):
        field = copy.deepcopy(source[field_name]["properties"])
        given = spec.get(field_name) or {}
        if not isinstance(given, dict):
            raise Invalid(f"specification: `{field_name}` must be an object")
        for k, v in given.items():
            if not isinstance(v, dict):
                if k not in field:
                    raise Invalid(f"specification: {field_name}.{k} sets the default of no property")
                field[k]["default"] = v
            elif k not in field:
                field[k] = v
            elif field[k].get("type") == v.get("type"):
                field[k] = v
            else:
                raise Invalid(f"specification: {field_name}.{k} cannot change its type")
        spec[field_name] = field

    extend(SCHEMAS, "configuration")
    extend(SCHEMAS["state"]["properties"], "observation")
    err, spec = process_schema(SCHEMAS["specification"], spec)
    if err:
        raise Invalid("specification: " + err)
    agents = spec["agents"]
    if not agents or not all(isinstance(n, int) and n >= 1 for n in agents):
        raise Invalid("specification: `agents` must list seat counts")
    return spec


# What `prepared` made, by configuration (a process serves one environment; a runner
# plays it with a handful of configurations). Cleared past PREPARED_MAX.
PREPARED = {}
PREPARED_MAX = 64


def prepared(specification, configuration):
    """(specification, configuration, state schema, per-seat schemas, observation plan)
    for a configuration: the specification and the settings processed as Kaggle's
    Environment does on every `make`, done once per configuration. The first two are plain (each Environment
    structifies its own copy); the schemas are this module's own, which no interpreter
    sees under Kaggle's names."""
    key = json.dumps(configuration or {}, sort_keys=True, default=repr)
    if key in PREPARED:
        return PREPARED[key]
    spec = process_specification(specification)
    err, config = process_schema({"type": "object", "properties": spec.get("configuration") or {}}, configuration or {})
    if err:
        raise Invalid("configuration: " + err)
    state = SCHEMAS["state"]["properties"]
    state_schema = {
        **SCHEMAS["state"],
        "properties": {
            "action": {**state["action"], **(spec.get("action") or {})},
            "reward": {**state["reward"], **(spec.get("reward") or {})},
            "info": {**state["info"], "properties": spec.get("info") or {}},
            "observation": {**state["observation"], "properties": spec.get("observation") or {}},
            "status": {**state["status"], **(spec.get("status") or {})},
        },
    }
    if len(PREPARED) >= PREPARED_MAX:
        PREPARED.clear()
    plan = merge_plan(state_schema["properties"]["observation"].get("properties") or {})
    PREPARED[key] = (spec, config, state_schema, {}, plan)
    return PREPARED[key]


class Environment:
    """What an interpreter and a renderer see as `env` (Kaggle's names)."""

    def __init__(self, specification, interpreter, renderer, configuration, info=None):
        spec, config, self.state_schema, self.position_schemas, self.observation_plan = prepared(
            specification, configuration
        )
        # Fresh structures every match: an interpreter may change what it is given.
        self.specification = structify(spec)
        self.configuration = structify(config)
        self.interpreter = interpreter
        self.renderer = renderer
        self.info = structify(info or {})
        self.debug = False
        self.logs = []
        self.steps = []
        self.state = None
        # Verdicts of the action schema on plain actions, by (type, value).
        self.checked = {}

    @property
    def name(self):
        return self.specification.get("name", "")

    def debug_print(self, message):
        """Kaggle's: prints only in debug mode (never, here)."""
        if self.debug:
            print(message)

    @property
    def version(self):
        return self.specification.get("version", "")

    @property
    def done(self):
        return all(s.status != "ACTIVE" for s in self.state)

    def position_schema(self, position):
        if position not in self.position_schemas:

            def update(props):
                for k, prop in list(props.items()):
                    if isinstance(prop, dict) and prop.get("shared", False) and position > 0:
                        del props[k]
                        continue
                    if isinstance(prop, dict) and isinstance(prop.get("defaults"), list) and len(prop["defaults"]) > position:
                        prop["default"] = prop["defaults"][position]
                        del prop["defaults"]
                    if isinstance(prop, dict) and isinstance(prop.get("properties"), dict):
                        update(prop["properties"])
                return props

            props = update(copy.deepcopy(plain(self.state_schema["properties"])))
            self.position_schemas[position] = {**self.state_schema, "properties": props}
        return self.position_schemas[position]

    def set_state(self, state):
        if len(state) not in self.specification.agents:
            raise Invalid(f"{len(state)} is not a valid number of agents for this game")
        states = []
        for position, s in enumerate(state):
            err, data = process_schema(self.position_schema(position), s)
            if err:
                raise Invalid(f"default state of seat {position + 1}: " + err)
            states.append(data)
        self.state = structify(states)
        self.steps = [self.state]
        return self.state

    def run_interpreter(self, state, fresh=False):
        """`fresh`: `state` is already the interpreter's own copy (see `step`)."""
        logs = []
        args = [state if fresh else structify(state), self, logs]
        # Structified again as Kaggle does: an interpreter that sets `state[i]["status"]`
        # (an item, not the attribute) is read right only from a fresh Struct.
        new_state = structify(self.interpreter(*args[: self.interpreter.__code__.co_argcount]))
        new_state[0].observation.step = 0 if self.done else len(self.steps)
        status_enum = self.state_schema["properties"]["status"]["enum"]
        for agent in new_state:
            if agent.status not in status_enum:
                agent.status = "INVALID"
            if agent.status in ["ERROR", "INVALID", "TIMEOUT"]:
                agent.reward = None
        return new_state

    def reset(self, num_agents):
        self.set_state([{} for _ in range(num_agents)])
        statuses = [a.status for a in self.state]
        for agent in self.state:
            agent.status = "INACTIVE"
        self.set_state(self.run_interpreter(self.state))
        if self.done and len(self.state) == len(statuses):
            for i in range(len(self.state)):
                self.state[i].status = statuses[i]
        return self.state

    def check_action(self, action):
        """(error or None, the action with the schema's defaults)."""
        schema = self.state_schema["properties"]["action"]
        if action is not None and not isinstance(action, (dict, list)):
            # A plain value has no defaults to fill: skip process_schema's deep copy, and
            # remember the verdict on a short one (a game's actions are mostly a handful
            # of values; a bot's long strings must not grow the memory).
            key = (type(action), action)
            cache = type(action) is not str or len(action) <= CHECKED_CHARS
            why = self.checked.get(key, False) if cache else False
            if why is False:
                try:
                    validate(action, schema)
                    why = None
                except Invalid as e:
                    why = str(e)
                if cache and len(self.checked) < CHECKED_MAX:
                    self.checked[key] = why
            return why, action
        return process_schema(schema, action)

    def step(self, actions):
        """`actions`: per seat, ["ok", action] or ["status", "TIMEOUT" | "ERROR"]. Returns
        why each seat's action broke the action schema (None where it did not)."""
        # What Kaggle hands the interpreter, `structify([{**s, "action": None}, …])` with
        # each seat's action or status set, made as one copy of the state.
        action_state = structify(self.state)
        refused = []
        for entry, (kind, value) in zip(action_state, actions):
            why = None
            if kind == "status":
                entry.action = None
                entry.status = value
            else:
                why, data = self.check_action(value)
                if why:
                    entry.action = None
                    entry.status = "INVALID"
                else:
                    entry.action = data if type(data) in PLAIN else structify(data)
            refused.append(why)
        self.state = self.run_interpreter(action_state, fresh=True)
        if self.state[0].observation.step >= self.configuration.episodeSteps - 1:
            for s in self.state:
                if s.status in ("ACTIVE", "INACTIVE"):
                    s.status = "DONE"
        self.steps.append(self.state)
        return refused

    def shared_state(self, position):
        """What seat `position`'s agent gets: shared fields from agent 0, no hidden ones."""

        def update(shared, state, props):
            for k, prop in props.items():
                if not isinstance(prop, dict):
                    continue
                if prop.get("hidden", False):
                    if k in state:
                        del state[k]
                elif prop.get("shared", False):
                    state[k] = shared[k]
                elif isinstance(prop.get("properties"), dict) and isinstance(state.get(k), dict):
                    update(shared[k], state[k], prop["properties"])
            return state

        return update(self.state[0], copy.deepcopy(self.state[position]), self.state_schema["properties"])

    def render(self):
        args = [self.state, self]
        return self.renderer(*args[: self.renderer.__code__.co_argcount])


# ---- The game process's side of the protocol (see src/gameproc/mod.rs) ----

import importlib
import importlib.util
import io
import os
import random
import sys
import traceback

# What one reply may carry of the interpreter's or renderer's printed output.
LOG_CHARS = 10000
# What one reply may carry of the renderer's drawing.
RENDER_CHARS = 65536
# The most seats a match may have (the host refuses more: `game::MAX_SEATS`).
MAX_SEATS = 8


def load(source):
    """The environment's parts: (specification, interpreter, renderer, agents)."""
    kind, where = source["kind"], source["where"]
    if kind == "kaggle":
        import kaggle_environments as ke

        if where in getattr(ke.core, "_lazy_environments", {}):
            ke.core._resolve_lazy(where)
        parts = ke.environments.get(where)
        if parts is None:
            known = sorted(set(ke.environments) | set(getattr(ke.core, "_lazy_environments", {})))
            raise LookupError(f"kaggle_environments has no environment `{where}` (it has: {', '.join(known)})")
        return parts["specification"], parts["interpreter"], parts["renderer"], parts.get("agents") or {}
    if kind == "folder":
        folder = os.path.abspath(where)
        name = os.path.basename(folder)
        sys.path.insert(0, os.path.dirname(folder))
        if os.path.exists(os.path.join(folder, "__init__.py")):
            module = importlib.import_module(f"{name}.{name}")
        else:
            sys.path.insert(0, folder)
            module = importlib.import_module(name)
        spec = getattr(module, "specification", None)
        if spec is None:
            with open(os.path.join(folder, name + ".json"), encoding="utf-8") as f:
                spec = json.load(f)
    else:
        path = os.path.abspath(where)
        sys.path.insert(0, os.path.dirname(path))
        name = os.path.splitext(os.path.basename(path))[0]
        loader_spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(loader_spec)
        sys.modules[name] = module
        loader_spec.loader.exec_module(module)
        spec = getattr(module, "specification", None)
    for part in ["interpreter", "renderer"]:
        if not callable(getattr(module, part, None)):
            raise Invalid(f"the environment defines no `{part}` function")
    if not isinstance(spec, dict):
        raise Invalid("the environment defines no `specification` (a dict, or NAME.json beside it)")
    return spec, module.interpreter, module.renderer, getattr(module, "agents", None) or {}


class Captured:
    """The environment's printed output, kept (capped) for the reply, never on the wire.
    `sys.stdout` and `sys.stderr` are this pair of buffers for as long as the process
    serves; a request reads and empties them only when something was printed."""

    def __init__(self):
        self.out, self.err = io.StringIO(), io.StringIO()
        sys.stdout, sys.stderr = self.out, self.err

    def take(self):
        """What was printed since the last call (capped), and empty buffers."""
        out, err = self.out, self.err
        if not out.tell() and not err.tell():
            return ""
        text = (out.getvalue() + err.getvalue())[:LOG_CHARS]
        for buffer in (out, err):
            buffer.seek(0)
            buffer.truncate()
        return text


def merge_plan(props):
    """What building an observation does with each field of `props` (the observation
    schema's properties): the hidden fields, the shared ones, and a plan for each nested
    object. Made once per configuration (see `prepared`), not per seat and step."""
    hidden, shared, nested = [], [], []
    for k, prop in props.items():
        if not isinstance(prop, dict):
            continue
        if prop.get("hidden", False):
            hidden.append(k)
        elif prop.get("shared", False):
            shared.append(k)
        elif isinstance(prop.get("properties"), dict):
            nested.append((k, merge_plan(prop["properties"])))
    return hidden, shared, nested


def observation_for(env, position):
    """Seat `position`'s observation as Kaggle's runner gives it (shared fields from agent
    0, hidden ones removed), built without copying what JSON only reads."""

    def merge(shared, own, plan):
        hidden, shared_keys, nested = plan
        out = dict(own)
        for k in hidden:
            out.pop(k, None)
        for k in shared_keys:
            if k in shared:
                out[k] = shared[k]
        for k, inner in nested:
            if isinstance(out.get(k), dict):
                out[k] = merge(shared.get(k) or {}, out[k], inner)
        return out

    return merge(env.state[0].observation, env.state[position].observation, env.observation_plan)


def state_of(env):
    n = len(env.state)
    return {
        "statuses": [s.status for s in env.state],
        "rewards": [s.reward for s in env.state],
        "observations": [observation_for(env, i) for i in range(n)],
        "step": env.state[0].observation.step,
    }


def one_line(e):
    """An exception in one line, with where in the environment's code it happened."""
    what = traceback.format_exception_only(type(e), e)[-1].strip()
    if isinstance(e, SyntaxError) and e.filename:
        return f"{what} ({os.path.basename(e.filename)}, line {e.lineno})"
    frames = [f for f in traceback.extract_tb(e.__traceback__) if not f.filename.startswith(("<", "kaggle_core"))]
    if frames:
        return f"{what} ({os.path.basename(frames[-1].filename)}, line {frames[-1].lineno})"
    return what


def serve(start, read, write):
    """Answers the host: one JSON line in, one out. A failure of the environment's code is
    a game error (with its traceback), never a crash of this loop. `{"reset": {…}}` starts
    the next match in the same process (the environment's code is loaded once)."""

    # One encoder for every reply (json.dumps with options makes one per call).
    encode = json.JSONEncoder(allow_nan=False, default=str).encode

    def reply(message):
        write(encode(message) + "\n")

    def begin(configuration, seed, seats):
        # The environment's chance (Python's `random`, numpy's global generator) is the
        # match's: the same seed plays the same match, in a fresh process or a reused one.
        random.seed(seed)
        numpy = sys.modules.get("numpy")
        if numpy is not None:
            numpy.random.seed((seed or 0) % 2**32)
        env = Environment(spec, interpreter, renderer, configuration or {}, {"seed": seed})
        allowed = [n for n in env.specification.agents if isinstance(n, int) and 2 <= n <= MAX_SEATS]
        if seats is None:
            # The probe that opens the environment: two seats where allowed.
            seats = 2 if 2 in allowed else (min(allowed) if allowed else None)
        if seats is None or seats not in env.specification.agents:
            wanted = "" if seats is None else f", not {seats}"
            raise Invalid(
                f"the environment allows {list(env.specification.agents)} seats{wanted}; "
                f"cagematch plays 2 to {MAX_SEATS}"
            )
        env.reset(seats)
        return env

    def ready(env, log):
        return {
            "ready": {
                "name": env.name,
                "title": env.specification.get("title", ""),
                "agents": list(env.specification.agents),
                "configuration": plain(env.configuration),
                "action": plain(env.state_schema["properties"]["action"]),
                "agent_names": sorted(agents) if isinstance(agents, dict) else [],
                "state": state_of(env),
                "log": log,
            }
        }

    env = None
    captured = Captured()
    try:
        spec, interpreter, renderer, agents = load(start["source"])
        env = begin(start.get("configuration"), start.get("seed"), start.get("seats"))
        reply(ready(env, captured.take()))
    except Invalid as e:
        reply({"error": str(e)})
        return
    except BaseException as e:
        reply({"error": "the environment failed to start: " + one_line(e)})
        return
    while True:
        line = read()
        if not line:
            return
        # A step's request (the host writes it so) is read in Rust.
        request = None if wire is not None and line.startswith('{"step":') else json.loads(line)
        try:
            # A step first: all but a handful of a match's requests are steps.
            if request is None:
                refused = env.step(wire.actions(line))
                log = captured.take()
                text = wire.reply(env, refused, log)
                if text is not None:
                    write(text + "\n")
                    continue
                answer = {"state": state_of(env), "refused": refused, "log": log}
                reply(answer)
                continue
            if "step" in request:
                refused = env.step(request["step"])
                answer = {"state": state_of(env), "refused": refused}
            elif "reset" in request:
                try:
                    reset = request["reset"]
                    env = begin(reset.get("configuration"), reset.get("seed"), reset.get("seats"))
                    answer = ready(env, "")
                except Invalid as e:
                    answer = {"error": str(e)}
            elif "check" in request:
                err, action = env.check_action(request["check"])
                answer = {"invalid": err} if err else {"valid": action}
            elif "render" in request:
                # The drawing is for people: a renderer that fails or floods costs
                # the match nothing.
                try:
                    text = env.render()
                    text = text if isinstance(text, str) else repr(text)
                except Exception as e:
                    text = "(the renderer failed: " + one_line(e) + ")"
                answer = {"text": text[:RENDER_CHARS]}
            else:
                answer = {"error": "unknown request"}
            answer["log"] = captured.take()
            reply(answer)
        except BaseException as e:
            captured.take()
            reply({"game_error": one_line(e), "traceback": traceback.format_exc(limit=20)[-LOG_CHARS:]})
