"""Container lifecycle hooks: postStart and preStop, as pkg/kubelet/lifecycle runs them.

`run_hook(handler, target)` runs one `lifecycle.postStart|preStop` handler against a started
container and returns None when it succeeded, otherwise the kubelet's message:

  exec     the command through the runtime's exec; a non-zero exit fails it:
           Exec lifecycle hook ([sh -c exit 1]) for Container "c" in Pod "p_ns(uid)" failed -
           error: command 'sh -c exit 1' exited with 1: , message: "…output…"
  httpGet  one GET to host (default the pod IP) : port / path; only a connection error fails
           it (upstream does not look at the status code):
           HTTP lifecycle hook (/path) for Container "c" in Pod "p_ns(uid)" failed - error:
           Get "http://10.244.0.5:80/path": dial tcp 10.244.0.5:80: connect: connection refused
           On a runtime whose pods answer no traffic (sim) the request is not sent: it succeeds.
  sleep    waits `seconds` on the cluster clock.

The pod worker (podworker.py, podworker_stop.py) decides what a failure means: a failed
postStart kills the container (Warning FailedPostStartHook, Killing FailedPostStartHook,
waiting reason PostStartHookError); a failed preStop is a Warning FailedPreStopHook and the
container is stopped anyway. preStop time counts against the termination grace period.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kubenb.clock import Clock
from kubenb.node.prober_run import (
    PortError,
    get_once,
    go_net_error,
    join_host_port,
    probe_url,
    resolve_port,
)
from kubenb.node.runtime.base import ExecError, Runtime

POST_START_ERROR = "PostStartHookError"


@dataclass(frozen=True)
class HookTarget:
    """The container a hook runs in: its spec and id, its pod (`pod_ref`), the pod's IP."""

    container: dict[str, Any]
    container_id: str
    pod_ref: str  # format.Pod: name_namespace(uid)
    pod_ip: str
    runtime: Runtime
    clock: Clock


def _go_list(argv: list[str]) -> str:
    return "[" + " ".join(argv) + "]"


async def _exec(argv: list[str], t: HookTarget) -> str | None:
    name = t.container.get("name", "")
    try:
        code, output = await t.runtime.exec(t.container_id, argv)
    except ExecError as err:
        error = (f"rpc error: code = Unknown desc = failed to exec in container: failed to start "
                 f'exec "{t.container_id}": {err.message}')
        output = ""
    else:
        if code == 0:
            return None
        error = f"command '{' '.join(argv)}' exited with {code}: "
    quoted = output.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return (f"Exec lifecycle hook ({_go_list(argv)}) for Container \"{name}\" in Pod "
            f"\"{t.pod_ref}\" failed - error: {error}, message: \"{quoted}\"")


async def _http(action: dict[str, Any], t: HookTarget) -> str | None:
    if not t.runtime.real_network:
        return None
    name = t.container.get("name", "")
    path = str(action.get("path") or "")
    prefix = f"HTTP lifecycle hook ({path}) for Container \"{name}\" in Pod \"{t.pod_ref}\" failed - error: "
    try:
        port = resolve_port(action.get("port"), t.container)
    except PortError as err:
        return prefix + str(err)
    host = action.get("host") or t.pod_ip
    url = probe_url(action, host, port)
    headers = [(h["name"], str(h.get("value", ""))) for h in action.get("httpHeaders") or []]
    try:
        await get_once(url, headers)
    except EOFError as err:
        return prefix + f'Get "{url}": {err}'
    except OSError as err:
        return prefix + (f'Get "{url}": dial tcp {join_host_port(host, port)}: connect: '
                         f"{go_net_error(err)}")
    return None


async def run_hook(handler: dict[str, Any], target: HookTarget) -> str | None:
    """Run one lifecycle handler; None on success, else the kubelet's failure message."""
    if "exec" in handler:
        return await _exec(list((handler["exec"] or {}).get("command") or []), target)
    if "httpGet" in handler:
        return await _http(handler["httpGet"] or {}, target)
    if "sleep" in handler:
        await target.clock.sleep(float((handler["sleep"] or {}).get("seconds") or 0))
        return None
    return f"Cannot run handler: invalid handler: {handler}"
