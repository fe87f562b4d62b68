"""An environment that tries to leave its game process: write outside its scratch
folder, open a TCP connection, read another user's file. It records what happened in
the shared observation `probe`, so a test can read it from the replay."""
import os
import socket

specification = {
    "name": "escapes",
    "agents": [2],
    "configuration": {"episodeSteps": 3},
    "observation": {"probe": {"type": "string", "shared": True, "default": ""}},
}


def attempt(what, fn):
    try:
        fn()
        return f"{what}: ALLOWED"
    except Exception as e:
        return f"{what}: refused ({type(e).__name__})"


def interpreter(state, env):
    if env.done:
        def write_outside():
            with open("/var/tmp/cagematch-game-escaped", "w") as f:
                f.write("out")

        def write_scratch():
            with open(os.path.join(os.environ.get("TMPDIR", "."), "mine"), "w") as f:
                f.write("ok")

        def connect():
            s = socket.socket()
            s.settimeout(1)
            s.connect(("127.0.0.1", 22))

        state[0].observation.probe = "; ".join(
            [attempt("write outside", write_outside), attempt("write scratch", write_scratch), attempt("connect", connect)]
        )
    return state


def renderer(state, env):
    return ""
