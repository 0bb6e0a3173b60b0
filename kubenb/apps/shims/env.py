"""`env` and `printenv` inside a pod: the environment the container's image and pod define.

The process runtime adds variables of its own to every container (`KUBENB_*`, the pod's
`PYTHONPATH` entry for its sitecustomize, the shim directories in front of `PATH`); these
two commands show the environment without them, as `kubectl exec POD -- env` prints it in a
real container. `env` with arguments (`env -i …`, `env VAR=x cmd`) runs the real `env`.

Both start from the environment this program was started with (/proc/self/environ), not
from `os.environ`: under the C locale the Python running a shim adds `LC_CTYPE=C.UTF-8` to
its own environment (PEP 538), which the container never had.
"""

from __future__ import annotations

import os
import sys

OWN = ("KUBENB_POD_IP", "KUBENB_NAMESPACE", "KUBENB_HOSTS", "KUBENB_OWNER", "KUBENB_SHIMS",
       "KUBENB_PYTHONPATH", "KUBENB_RESOLV_CONF", "KUBENB_DNS")


def started_with() -> dict[str, str]:
    """The environment as exec'd (what the container has), before Python changed its own."""
    try:
        with open("/proc/self/environ", "rb") as f:
            raw = f.read()
    except OSError:
        return dict(os.environ)
    return dict(os.fsdecode(item).split("=", 1) for item in raw.split(b"\0") if b"=" in item)


def visible() -> dict[str, str]:
    env = started_with()
    shims = [d for d in env.get("KUBENB_SHIMS", "").split(":") if d]
    if "PATH" in env:
        env["PATH"] = ":".join(d for d in env["PATH"].split(":") if d not in shims)
    own_path = env.get("KUBENB_PYTHONPATH", "")
    if own_path and "PYTHONPATH" in env:
        rest = [d for d in env["PYTHONPATH"].split(":") if d and d != own_path]
        if rest:
            env["PYTHONPATH"] = ":".join(rest)
        else:
            del env["PYTHONPATH"]
    for key in OWN:
        env.pop(key, None)
    return env


def real(name: str) -> str | None:
    shims = set(os.environ.get("KUBENB_SHIMS", "").split(":"))
    for d in os.environ.get("PATH", "").split(":"):
        candidate = os.path.join(d, name)
        if d and d not in shims and os.access(candidate, os.X_OK):
            return candidate
    return None


def main(argv: list[str], name: str = "env") -> int:
    env = visible()
    if name == "printenv":
        if not argv:
            sys.stdout.write("".join(f"{k}={v}\n" for k, v in env.items()))
            return 0
        values = [env[k] for k in argv if k in env]
        sys.stdout.write("".join(v + "\n" for v in values))
        return 0 if len(values) == len(argv) else 1
    if not argv:
        sys.stdout.write("".join(f"{k}={v}\n" for k, v in env.items()))
        return 0
    program = real("env")
    if program is None:
        sys.stderr.write("env: not found\n")
        return 127
    sys.stdout.flush()
    os.execve(program, [program, *argv], started_with())  # the pod's view continues
    return 0  # not reached


def printenv(argv: list[str]) -> int:
    return main(argv, "printenv")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
