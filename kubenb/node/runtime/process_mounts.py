"""Volume mounts for the process runtime: each container command (and each `kubectl exec`)
starts in a mount namespace of its own where the pod's volumes sit at their mountPaths.

A process container has no image filesystem: it sees the host's files. `wrap(argv, …)`
prefixes a command with `unshare --mount --user --map-root-user` and this file, run as a
script (stdlib only, same pid all the way: signals and exit codes stay the program's). In
the new namespace it builds a root that is the host's root — a tmpfs at `<pod dir>/.ns`
with every top-level entry of `/` bound in — makes the mount points (on tmpfs: an existing
host directory that lacks one is shadowed by a tmpfs holding binds of its entries, so the
host is never written), binds each volume's directory there (read-only when asked),
`chroot`s into it, changes to the working directory and execs the program. So
`cat /data/f` and a Python `open("/data/f")` both reach the volume, and nothing of it is
visible outside. emptyDir volumes are directories of the pod (volumes.py), shared by its
containers and removed with it.

PID namespaces (`pid=True`, where `pid_available()`): the prefix is `unshare --mount --user
--map-root-user --pid` and the script forks: its child is PID 1 of the new namespace (a
fresh /proc is mounted in the container's root, so `ps` sees only the container), the
parent stays outside, writes the child's host pid to the sync fd, waits and exits with the
child's code (128+N after signal N; util-linux's own `--fork` reports 1 there). The node
agent signals that PID 1 alone, as containerd does: without a handler it ignores SIGTERM
(the kernel's rule for a namespace's init) and only SIGKILL ends it, taking every process of
the namespace with it; the parent dies with it (`PR_SET_PDEATHSIG` the other way round).
`join(…)` runs an exec in a running container's namespaces (`nsenter` user, mount, pid,
root and working directory of that PID 1), so `ps`, files and /proc agree with the container.

Mounts marked `optional` (the pod's DNS files, process_dns.py) do not fail the container:
when the namespace cannot be set up and every mount is optional, the program runs without
them. `available()` checks once whether unprivileged mount namespaces work here (they do not in
many unprivileged containers: Docker's default seccomp profile refuses `unshare`); without
them containers run without their volumes and the README says so.
"""

from __future__ import annotations

import ctypes
import json
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Mapping
from typing import Any

if __name__ != "__main__":  # run as a script inside the namespace, it needs only the stdlib
    from kubenb.node.runtime.volumes import binds

MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_REMOUNT, MS_BIND, MS_REC = 1, 2, 4, 8, 32, 4096, 16384
PR_SET_PDEATHSIG = 1
GONE = "kubenb: the pod's sandbox is gone\n"  # what `wrap(..., gone=True)` reports then
_available: bool | None = None
_pid_available: bool | None = None
_NS = ["--mount", "--user", "--map-root-user"]


def _works(argv: list[str]) -> bool:
    try:
        return subprocess.run(argv, capture_output=True, timeout=10, check=False).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


def available() -> bool:
    """Can this process make user + mount namespaces (`unshare --mount --user`)?"""
    global _available
    if _available is None:
        unshare = shutil.which("unshare")
        _available = unshare is not None and _works([unshare, *_NS, "true"])
    return _available


def pid_available() -> bool:
    """Can it also make a PID namespace with its own /proc, and can execs join it (nsenter)?"""
    global _pid_available
    if _pid_available is None:
        unshare, nsenter = shutil.which("unshare"), shutil.which("nsenter")
        _pid_available = bool(available() and unshare and nsenter and _works(
            [unshare, *_NS, "--pid", "--fork", "--mount-proc", "true"]))
    return _pid_available


def plan(mounts: Any, pod_dir: str) -> list[dict[str, Any]]:
    """The container's mounts as the script's JSON (volumes.py: the host directories)."""
    return [{"source": b.source, "target": b.target, "ro": b.read_only} for b in binds(mounts, pod_dir)]


def wrap(argv: list[str], mounts: list[dict[str, Any]], pod_dir: str, cwd: str,
         sync_fd: str = "", env: Mapping[str, str] | None = None,
         program: str | None = None, gone: bool = False, pid: bool = False) -> list[str]:
    """argv run inside a mount namespace with `mounts` (from `plan`; argv[0]: an absolute
    path); `sync_fd`: a file descriptor (its number, as text) the script leaves open until
    it execs the program — how the node agent knows the container's program runs.

    `env`: the container's environment, which this script is started with: argv gets exactly
    its names (only the names travel on the command line), never what the Python running this
    script added to its own environment (PEP 538's LC_CTYPE=C.UTF-8 under the C locale).

    `program`: the absolute path to run when argv[0] stays as the client gave it (an exec:
    `tar` names itself `tar` in its messages, as in a container).

    When the pod's directory is gone before the namespace is set up (the container stopped
    and its sandbox was removed while an exec was starting), the script exits 137 as an exec
    its container's end killed, silently — or, with `gone`, printing only `GONE`, so that the
    runtime can tell the exec never ran (process.py: the container is not found).

    `pid`: the program is PID 1 of a new PID namespace (see the module's docstring)."""
    newroot = os.path.join(pod_dir, ".ns")
    if os.path.isdir(pod_dir):  # (a removed sandbox is not made again: the script says it is gone)
        os.makedirs(newroot, exist_ok=True)
    spec = json.dumps({"root": newroot if mounts else "", "cwd": cwd, "mounts": mounts,
                       "sync": sync_fd, "gone": gone, **({"pid": True} if pid else {}),
                       **({"env": list(env)} if env is not None else {}),
                       **({"program": program} if program else {})})
    return [shutil.which("unshare") or "unshare", *_NS, *(["--pid"] if pid else []),
            sys.executable, "-I", "-S", os.path.abspath(__file__), spec, "--", *argv]


def join(argv: list[str], init_pid: int, cwd: str, env: Mapping[str, str],
         program: str) -> list[str]:
    """argv run inside the namespaces of the running container whose PID 1 is `init_pid`
    (its host pid): an exec that sees the container's files, processes and /proc."""
    spec = json.dumps({"root": "", "cwd": cwd, "mounts": [], "env": list(env), "program": program})
    return [shutil.which("nsenter") or "nsenter", f"--target={init_pid}", "--user", "--mount",
            "--pid", "--root", "--wd", "--preserve-credentials",  # (no setgroups: refused unprivileged)
            sys.executable, "-I", "-S", os.path.abspath(__file__),
            spec, "--", *argv]


# ---- the script: runs inside the new namespaces ------------------------------------------

def _mount(libc: Any, source: str | None, target: str, fstype: str | None, flags: int,
           data: str | None = None) -> None:
    def enc(s: str | None) -> bytes | None:
        return s.encode() if s is not None else None

    if libc.mount(enc(source), enc(target), enc(fstype), flags, enc(data)) != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"mount {source or fstype} on {target}: {os.strerror(err)}")


def _shadow(libc: Any, root: str, host_dir: str) -> None:
    """root+host_dir becomes a tmpfs that holds binds of every entry of host_dir."""
    target = root + host_dir.rstrip("/") if host_dir != "/" else root
    _mount(libc, "tmpfs", target, "tmpfs", 0, "mode=755")
    for name in os.listdir(host_dir):
        src, dst = os.path.join(host_dir, name), os.path.join(target, name)
        if os.path.islink(src):
            os.symlink(os.readlink(src), dst)
        elif os.path.isdir(src):
            os.mkdir(dst)
            _mount(libc, src, dst, None, MS_BIND | MS_REC)
        elif os.path.exists(src):
            open(dst, "w").close()  # noqa: SIM115 - an empty mount point
            _mount(libc, src, dst, None, MS_BIND)


def _mount_point(libc: Any, root: str, path: str, ours: set[str]) -> None:
    """Make root+path exist without writing to the host: below a tmpfs of ours."""
    parts = [p for p in path.split("/") if p]
    existing = "/"
    for i in range(len(parts)):
        nxt = "/" + "/".join(parts[: i + 1])
        if not os.path.isdir(root + nxt):
            break
        existing = nxt
    if existing == path.rstrip("/") or (existing == "/" and not parts):
        return
    if existing not in ours:
        _shadow(libc, root, existing)
        ours.add(existing)
    os.makedirs(root + "/" + "/".join(parts), exist_ok=True)
    for i in range(len(parts)):
        ours.add("/" + "/".join(parts[: i + 1]))


def _file_point(libc: Any, root: str, path: str, ours: set[str]) -> None:
    """Make root+path an (empty) file without writing to the host."""
    parent = os.path.dirname(path)
    _mount_point(libc, root, parent, ours)
    if parent not in ours:
        _shadow(libc, root, parent)
        ours.add(parent)
    if os.path.islink(root + path):  # (/etc/resolv.conf → /run/…): ours is a file, on our tmpfs
        os.unlink(root + path)
    if not os.path.exists(root + path):
        open(root + path, "w").close()  # noqa: SIM115 - an empty mount point


def _in_root(root: str, path: str) -> str:
    """path with the symlinks of its directories resolved as the chroot will see them
    (/var/run -> /run): mount points are made where the program will look."""
    parts, done = [p for p in path.split("/") if p], ""
    for _ in range(64):
        if not parts:
            break
        nxt = done + "/" + parts.pop(0)
        if parts and os.path.islink(root + nxt):
            link = os.readlink(root + nxt)
            base = "" if link.startswith("/") else done
            parts = [p for p in (base + "/" + link).split("/") if p] + parts
            done = ""
            continue
        done = nxt
    return os.path.normpath(done + "/" + "/".join(parts)) if parts else (done or "/")


def _setup(libc: Any, root: str, spec: dict[str, Any]) -> None:
    """The new root: the host's, with every mount of `spec` in place."""
    _shadow(libc, root, "/")
    ours = {"/"}
    for m in spec["mounts"]:  # every mount point first: a shadow never covers a bind
        target = _in_root(root, os.path.normpath("/" + m["target"].lstrip("/")))
        if os.path.isdir(m["source"]):
            _mount_point(libc, root, target, ours)
        else:  # a single file (a subPath of a configMap …): a file mount point of ours
            _file_point(libc, root, target, ours)
    for m in spec["mounts"]:
        target = _in_root(root, os.path.normpath("/" + m["target"].lstrip("/")))
        _mount(libc, m["source"], root + target, None, MS_BIND | MS_REC)
        if m["ro"]:
            _mount(libc, None, root + target, None, MS_REMOUNT | MS_BIND | MS_RDONLY)


def _init_parent(child: int, sync: str) -> int:
    """Outside the PID namespace: tell the agent PID 1's host pid, wait for it, exit as it did."""
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, signal.SIG_IGN)  # the agent signals PID 1 itself
    if sync.isdigit():
        os.write(int(sync), f"{child}".encode())
        os.close(int(sync))
    while True:
        try:
            _, status = os.waitpid(child, 0)
            break
        except ChildProcessError:
            return 137
        except InterruptedError:
            continue
    return 128 + os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)


def main(args: list[str]) -> int:
    spec, argv = json.loads(args[0]), args[2:]
    libc = ctypes.CDLL(None, use_errno=True)
    if spec.get("pid"):
        child = os.fork()
        if child:
            return _init_parent(child, spec.get("sync", ""))
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)  # its waiter gone: the container too
    root = spec["root"]
    try:
        if root:
            _setup(libc, root, spec)
    except OSError as err:
        if not os.path.isdir(os.path.dirname(root)):  # the pod's sandbox went: its container stopped
            sys.stderr.write(GONE if spec.get("gone") else "")
            return 137  # as an exec ends that its container's end killed
        if not all(m.get("optional") for m in spec["mounts"]):
            sys.stderr.write(f"kubenb: volume mounts failed: {err}\n")
            return 128
        root = ""  # only optional files (the pod's DNS files): run without them
    if spec.get("pid"):  # the namespace's own /proc, where the program will look
        try:
            _mount(libc, "proc", root + "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
        except OSError as err:
            sys.stderr.write(f"kubenb: /proc of the container: {err}\n")
    try:
        if root:
            os.chroot(root)
        os.chdir(spec["cwd"] if os.path.isdir(spec["cwd"]) else "/")
        program = spec.get("program") or (
            argv[0] if "/" in argv[0] else shutil.which(argv[0]) or argv[0])  # on PATH
        if spec.get("sync", "").isdigit():
            os.set_inheritable(int(spec["sync"]), False)  # closed by the exec: "it runs"
        names = spec.get("env")
        env = dict(os.environ) if names is None else {k: os.environ[k] for k in names if k in os.environ}
        os.execve(program, argv, env)
    except OSError as err:
        sys.stderr.write(f"kubenb: volume mounts failed: {err}\n")
        return 128
    return 0  # not reached: execve replaced this program


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
