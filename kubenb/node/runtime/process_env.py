"""How a container of the process runtime is launched: program, environment, files.

`plan()` turns the kubelet's `ContainerConfig` and the pulled image's `Behaviour`
(kubenb/node/images.py) into a `Launch`:
  kind "app"      a built-in app of kubenb/apps/ served by the node agent (the image's own
                  program: no `command` given); its args are the pod's args or the image's CMD;
  kind "function" a notebook's Python handler, served from the kernel (process_custom.py);
  kind "command"  a real process: Docker's rule — `command` replaces the ENTRYPOINT, `args`
                  the CMD — run with the host's programs (`sh` is the host's /bin/sh).
The environment is the image's PATH (with the pod shims first), `HOSTNAME`, the Kubernetes
env the kubelet computed, the image's own variables, then kubenb's: `KUBENB_POD_IP`,
`KUBENB_NAMESPACE`, `KUBENB_HOSTS`, the owner marker (reaper.py) and `PYTHONPATH` with the
pod's sitecustomize (kubenb/apps/pysite/). The container's root directory holds the image's
files (the bootcamp `server.js`) and is its working directory, or contains it.

`install_shims()` writes the wrappers for `curl`, `wget`, `hostname`, `env`, `printenv` and
`nslookup` (kubenb/apps/shims/) and, for `python:*` images, `python`/`python3` running the host's interpreter.
"""

from __future__ import annotations

import os
import shutil
import stat
import sys
from dataclasses import dataclass, field
from typing import Any

from kubenb.node.images import ResolvedImage
from kubenb.node.runtime.base import ContainerConfig

DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
SHIMS = {"curl": "curl:main", "wget": "wget:main", "hostname": "hostname:main",
         "env": "env:main", "printenv": "env:printenv", "nslookup": "nslookup:main"}
PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PACKAGE_ROOT = os.path.dirname(PACKAGE_DIR)  # the directory kubenb is imported from
PYSITE = os.path.join(PACKAGE_DIR, "apps", "pysite")


@dataclass
class Launch:
    kind: str  # "app" | "function" | "command"
    argv: list[str]
    env: dict[str, str]
    root: str  # the container's own directory (its "filesystem")
    cwd: str
    app: dict[str, Any] = field(default_factory=dict)
    ignores_sigterm: bool = False  # the image's own program runs as a PID 1 without a handler
    mounts: list[dict[str, Any]] = field(default_factory=list)  # process_mounts.plan()


def install_shims(state_dir: str) -> tuple[str, str]:
    """(shim dir, python dir) under `state_dir`, written once per state dir."""
    bin_dir = os.path.join(state_dir, "bin")
    py_dir = os.path.join(state_dir, "pybin")
    os.makedirs(bin_dir, exist_ok=True)
    os.makedirs(py_dir, exist_ok=True)
    for name, target in SHIMS.items():
        module, func = target.split(":")
        _write_exec(os.path.join(bin_dir, name),
                    f"#!{sys.executable} -IS\nimport sys\nsys.path.insert(0, {PACKAGE_ROOT!r})\n"
                    f"from kubenb.apps.shims.{module} import {func}\nsys.exit({func}(sys.argv[1:]))\n")
    for name in ("python", "python3"):
        _write_exec(os.path.join(py_dir, name), f'#!/bin/sh\nexec "{sys.executable}" "$@"\n')
    return bin_dir, py_dir


def write_if_changed(path: str, text: str, executable: bool = False) -> None:
    """Write `text` to `path` atomically, unless it holds that text already."""
    try:
        with open(path, encoding="utf-8") as f:
            if f.read() == text:
                return
    except OSError:
        pass
    tmp = f"{path}.{os.getpid()}.tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    if executable:
        os.chmod(tmp, os.stat(tmp).st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    os.replace(tmp, path)


def _write_exec(path: str, text: str) -> None:
    write_if_changed(path, text, executable=True)


def render(template: str, hostname: str, port: int = 0) -> str:
    """The catalog's templates ({hostname}, {pod}, {nginx_time}, {iso_ms}, {port})."""
    from kubenb.apps.base import nginx_time

    return (template.replace("{hostname}", hostname).replace("{pod}", hostname)
            .replace("{nginx_time}", nginx_time()).replace("{port}", str(port)))


def is_python(img: ResolvedImage) -> bool:
    return img.repository in ("docker.io/library/python", "docker.io/library/pypy")


def plan(img: ResolvedImage, config: ContainerConfig, *, pod: dict[str, Any], pod_ip: str,
         root: str, state_dir: str, marker: dict[str, str], shim_dirs: tuple[str, str]) -> Launch:
    b = img.behaviour
    image_env = dict(b.env)
    path = image_env.pop("PATH", DEFAULT_PATH)
    dirs = [shim_dirs[0]] + ([shim_dirs[1]] if is_python(img) else [])
    env: dict[str, str] = {"PATH": ":".join(dirs + [path]), "HOSTNAME": config.hostname}
    env.update(config.env)
    for k, v in image_env.items():
        env.setdefault(k, v)
    env.setdefault("HOME", "/root")
    env["KUBENB_POD_IP"] = pod_ip
    env["KUBENB_NAMESPACE"] = pod["metadata"].get("namespace") or "default"
    env["KUBENB_HOSTS"] = os.path.join(state_dir, "hosts")
    env["PYTHONPATH"] = PYSITE + (f":{env['PYTHONPATH']}" if env.get("PYTHONPATH") else "")
    env["KUBENB_SHIMS"] = ":".join(dirs)  # what `env` in the pod leaves out (apps/shims/env.py)
    env["KUBENB_PYTHONPATH"] = PYSITE
    env.update(marker)
    workdir = config.working_dir or b.workdir or "/"
    cwd = os.path.join(root, workdir.lstrip("/"))
    command = list(config.command)
    ignores = b.sigterm == "ignore" and not command
    if b.handler is not None and not command:
        return Launch("function", [], env, root, cwd, ignores_sigterm=ignores)
    if b.program == "server" and (not command or _names_app(b, command[0])):
        args = command[1:] + list(config.args) if command else \
            list(config.args) if config.args else list(b.cmd)
        port = b.ports[0] if b.ports else 0
        response = render(b.http_response, config.hostname, port) if b.http_response is not None else None
        app = {"app": b.app, "ip": pod_ip, "env": env, "args": args, "ports": list(b.ports),
               "version": b.app_version, "response": response,
               "logs": [render(line, config.hostname, port) for line in b.logs] if not b.app or
               b.app == "nginx" else [], "sigterm": b.sigterm, "sigterm_code": b.sigterm_exit_code}
        return Launch("app", [], env, root, cwd, app)
    if config.command:
        argv = list(config.command) + list(config.args)
    else:
        argv = list(b.entrypoint) + (list(config.args) if config.args else list(b.cmd))
    if b.program == "exit" and not argv:
        argv = ["sh", "-c", f"exit {b.exit_code}"]
    return Launch("command", argv, env, root, cwd, ignores_sigterm=ignores)


def _names_app(b: Any, program: str) -> bool:
    """`command: ["/http-echo", …]` or `["nginx", …]` still runs the image's own program."""
    own = {os.path.basename(p) for p in (*b.entrypoint[:1], *b.cmd[:1])} - {"sh", "bash"}
    return os.path.basename(program) in own


def prepare_root(root: str, cwd: str, img: ResolvedImage, hostname: str) -> None:
    """A fresh directory for a new container: the image's files, its working dir."""
    shutil.rmtree(root, ignore_errors=True)
    os.makedirs(cwd, exist_ok=True)
    files = dict(img.behaviour.files)
    files["/etc/hostname"] = hostname + "\n"
    for name, text in files.items():
        target = os.path.join(root, name.lstrip("/"))
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "w", encoding="utf-8") as f:
            f.write(text)


def find_executable(name: str, env: dict[str, str], cwd: str) -> str | None:
    """Where the container's PATH finds `name` (a path with `/` must exist as given)."""
    if "/" in name:
        candidate = name if os.path.isabs(name) else os.path.join(cwd, name)
        return candidate if os.path.isfile(candidate) and os.access(candidate, os.X_OK) else None
    return shutil.which(name, path=env.get("PATH", DEFAULT_PATH))


def not_found_message(name: str) -> str:
    """runc's words for an executable the container does not have."""
    if "/" in name:
        return f'exec: "{name}": stat {name}: no such file or directory: unknown'
    return f'exec: "{name}": executable file not found in $PATH: unknown'
