"""`kubectl exec` for the process runtime: a real subprocess in the container's view.

The command runs from the kernel with the container's environment (so the shims of
kubenb/apps/shims/ come first on PATH and `localhost` means the pod) and in its working
directory, in a session of its own, stdin closed, stdout and stderr combined as the kubelet
returns them. A command still running after `timeout` seconds, or when its container ends
(it joined the container's `ExecGroup`), is killed with its process group (exit 137) and
what it printed so far is returned. `exec_start` resolves the same
command for a streaming session (exec_session.py `ProcessStart`: stdin, separate stdout and
stderr, a terminal) that the API server's exec WebSocket runs.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal

from kubenb.node.runtime.base import ExecError
from kubenb.node.runtime.exec_session import ExecGroup, ProcessStart
from kubenb.node.runtime.process_env import find_executable

EXEC_TIMEOUT = 25.0  # below the 30 s a Cluster.call waits for an answer


def exec_error(name: str) -> ExecError:
    """containerd's words when the executable does not exist (as the sim runtime says them)."""
    return ExecError("OCI runtime exec failed: exec failed: unable to start container process: "
                     f'exec: "{name}": executable file not found in $PATH: unknown')


def exec_start(argv: list[str], env: dict[str, str], cwd: str,
               group: ExecGroup | None = None) -> ProcessStart:
    """The command resolved in the container's view (raises ExecError if it cannot run);
    `group`: the container's running execs (ended with it)."""
    if not argv:
        raise exec_error("")
    program = find_executable(argv[0], env, cwd)
    if program is None:
        raise exec_error(argv[0])
    return ProcessStart(program, list(argv), dict(env), cwd, group)


async def run_exec(argv: list[str], env: dict[str, str], cwd: str,
                   timeout: float = EXEC_TIMEOUT, group: ExecGroup | None = None) -> tuple[int, str]:
    program = exec_start(argv, env, cwd).program
    try:
        proc = await asyncio.create_subprocess_exec(
            program, *argv[1:], stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT, env=env, cwd=cwd if os.path.isdir(cwd) else None,
            start_new_session=True)
    except OSError as err:
        raise ExecError("OCI runtime exec failed: exec failed: unable to start container process: "
                        f'exec: "{argv[0]}": {err.strerror}: unknown') from None
    if group is not None:
        group.add(proc)
    chunks: list[bytes] = []

    async def collect() -> None:
        assert proc.stdout is not None
        while chunk := await proc.stdout.read(65536):
            chunks.append(chunk)

    reader = asyncio.ensure_future(collect())
    try:
        await asyncio.wait_for(proc.wait(), timeout)
    except asyncio.TimeoutError:
        pass
    finally:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)  # the command and anything it left behind
        code = await proc.wait()
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(reader, 5)
    return (128 - code if code < 0 else code), b"".join(chunks).decode(errors="replace")
