"""NetworkPolicy ingress on the docker runtime: iptables rules inside each pod sandbox.

A `SandboxFirewalls` is a cluster `Component` (kubenb/component.py) of docker clusters:

  watches   Pods, Namespaces and NetworkPolicies (`to_loop`), into netpol.py's `PolicyView`;
  computes  per pod with an IP the `filter` table its sandbox's network namespace should have
            (`ruleset`): nothing when no policy isolates it, else an INPUT chain that accepts
            loopback, established/related packets, the bridge's gateway (the host: its node,
            kube-proxy, the kubelet's probes — a pod's own node is always allowed), and each
            `Allow` (source CIDRs × protocol/ports), and drops the rest;
  writes    it with `nsenter -t <sandbox pid> -n iptables-restore` (the whole filter table of
            that namespace, atomically), only when it changed, in a worker thread; on any
            change every pod is recomputed (a new client pod changes its servers' sources).
            A sandbox (found by its pod UID label) is remembered by pid while that process
            lives; a new sandbox of the pod has a new pid, and gets its table anew.

Packets are dropped, not rejected: a client sees its connection time out, as with a CNI.
The rules live in the sandbox's namespace and go with it: nothing is left on the host. A
pod's namespace is unprotected between its sandbox's start and the Pod update that carries
its IP (the rules follow within a moment). Without root, nsenter or iptables-restore, nothing
is enforced and `unavailable` says why (logged once).
"""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import subprocess
from typing import TYPE_CHECKING, Any

from kubenb.api.objects import WatchEvent
from kubenb.api.watch import Watcher, to_loop
from kubenb.component import Reconciler
from kubenb.net.netpol import Allow, PolicyView, pod_ip
from kubenb.node.runtime import docker_engine as de

if TYPE_CHECKING:
    from kubenb.component import ComponentHost

log = logging.getLogger("kubenb.docker.netpol")
CHAIN = "KUBENB-INGRESS"
TIMEOUT = 10.0


def missing_tools() -> str | None:
    """Why sandboxes cannot be firewalled here, or None."""
    if os.geteuid() != 0:
        return "NetworkPolicy not enforced in pod sandboxes: iptables there needs root"
    for tool in ("nsenter", "iptables-restore"):
        if shutil.which(tool) is None:
            return f"NetworkPolicy not enforced in pod sandboxes: {tool} is not installed"
    return None


def _rule(allow: Allow, source: str | None) -> str:
    parts = [f"-A {CHAIN}"]
    if source is not None:
        parts.append(f"-s {source}")
    if allow.protocol is not None:
        parts.append(f"-p {allow.protocol.lower()}")
        if allow.port is not None:
            end = f":{allow.end_port}" if allow.end_port else ""
            parts.append(f"-m {allow.protocol.lower()} --dport {allow.port}{end}")
    return " ".join([*parts, "-j ACCEPT"])


def ruleset(allowances: list[Allow] | None, gateway: str) -> str:
    """The sandbox's filter table for iptables-restore (see the module docstring)."""
    lines = ["*filter", ":INPUT ACCEPT [0:0]", ":FORWARD ACCEPT [0:0]", ":OUTPUT ACCEPT [0:0]"]
    if allowances is not None:
        lines += [f":{CHAIN} - [0:0]", f"-A INPUT -j {CHAIN}", f"-A {CHAIN} -i lo -j ACCEPT",
                  f"-A {CHAIN} -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT"]
        if gateway:
            lines.append(f"-A {CHAIN} -s {gateway}/32 -j ACCEPT")
        for allow in allowances:
            for source in (allow.sources if allow.sources is not None else (None,)):
                lines.append(_rule(allow, source))
        lines.append(f"-A {CHAIN} -j DROP")
    return "\n".join([*lines, "COMMIT", ""])


def _sandbox(client: Any, profile: str, uid: str) -> tuple[int, str]:
    """(pid, gateway) of the pod's running sandbox, (0, "") without one."""
    found = client.api.containers(filters=de.label_filters({
        de.L_PROFILE: profile, de.L_POD_UID: uid, "io.kubernetes.docker.type": "podsandbox"}))
    for c in found:
        attrs = client.api.inspect_container(c["Id"])
        pid = int((attrs.get("State") or {}).get("Pid") or 0)
        nets = (attrs.get("NetworkSettings") or {}).get("Networks") or {}
        gateway = next((str(n.get("Gateway") or "") for n in nets.values()), "")
        if pid > 0:
            return pid, gateway
    return 0, ""


def _restore(pid: int, text: str) -> str | None:
    """None when the namespace took the table, else why not."""
    try:
        done = subprocess.run(["nsenter", "-t", str(pid), "-n", "iptables-restore"], input=text,
                              capture_output=True, text=True, timeout=TIMEOUT, check=False)
    except (OSError, subprocess.SubprocessError) as err:
        return str(err)
    return None if done.returncode == 0 else (done.stderr.strip() or f"exit {done.returncode}")


class SandboxFirewalls:
    """NetworkPolicy ingress in the docker runtime's pod sandboxes (module docstring)."""

    def __init__(self, profile: str) -> None:
        self.profile = profile
        self.view = PolicyView()
        self.unavailable = missing_tools()
        self.applied: dict[str, tuple[int, str]] = {}  # pod uid -> (sandbox pid, ruleset)
        self._sandboxes: dict[str, tuple[int, str]] = {}  # pod uid -> (pid, gateway), while alive
        self.host: ComponentHost | None = None
        self._client: Any = None
        self._watches: list[Watcher] = []
        self._reconciler = Reconciler(self._reconcile, "sandbox-firewalls")
        self.running = False

    def start(self, host: ComponentHost) -> None:
        self.host = host
        if self.unavailable is not None:
            log.info("%s", self.unavailable)
            return
        host.call(self._astart())

    def stop(self) -> None:
        if self.host is not None and self.running:
            self.host.call(self._astop())

    def node_down(self, name: str) -> None:
        pass

    def node_up(self, name: str) -> None:
        pass

    def sync(self) -> None:
        """From any thread: wait until every change seen so far is in the sandboxes."""
        if self.host is not None and self.running:
            self.host.call(self._reconciler.settle(), timeout=120)

    async def _astart(self) -> None:
        assert self.host is not None
        loop = asyncio.get_running_loop()
        self.running = True
        self.view = PolicyView()
        self.applied.clear()
        self._sandboxes.clear()
        for kind in ("Namespace", "NetworkPolicy", "Pod"):
            self._watches.append(self.host.store.watch(kind, to_loop(loop, self._on_event),
                                                       initial=True))

    async def _astop(self) -> None:
        self.running = False
        for w in self._watches:
            w.stop()
        self._watches.clear()
        await self._reconciler.settle()  # a pass in a worker thread ends; no new one starts
        if self._client is not None:
            self._client.close()
            self._client = None

    def _on_event(self, event: WatchEvent) -> None:
        if not self.running:
            return
        obj = event["object"]
        self.view.apply(obj, event["type"] == "DELETED")
        if obj["kind"] == "Pod" and event["type"] == "DELETED":
            self.applied.pop(obj["metadata"].get("uid", ""), None)  # its namespace goes with it
            self._sandboxes.pop(obj["metadata"].get("uid", ""), None)
        self._reconciler.kick()

    async def _reconcile(self) -> None:
        if not self.running:
            return
        wanted = {}
        for pod in list(self.view.pods.values()):
            uid = pod["metadata"].get("uid", "")
            if pod_ip(pod) and uid:
                wanted[uid] = self.view.allowances(pod)
        try:
            await asyncio.get_running_loop().run_in_executor(None, self._apply, wanted)
        except Exception as err:  # noqa: BLE001 - the engine may be gone (node deleted, stop)
            log.warning("NetworkPolicy rules not applied: %s", err)

    def _apply(self, wanted: dict[str, list[Allow] | None]) -> None:
        """In a worker thread: write the tables that changed."""
        if self._client is None:
            self._client = de.new_client()
        for uid, allowances in wanted.items():
            if allowances is None and uid not in self.applied:
                continue  # a sandbox's namespace starts with an empty filter table
            pid, gateway = self._sandboxes.get(uid, (0, ""))
            if pid <= 0 or not os.path.exists(f"/proc/{pid}"):  # a new sandbox: a new pid
                pid, gateway = _sandbox(self._client, self.profile, uid)
                if pid <= 0:
                    continue  # not (or no longer) a sandbox of ours: a system pod, or gone
                self._sandboxes[uid] = (pid, gateway)
            text = ruleset(allowances, gateway)
            if self.applied.get(uid) == (pid, text):
                continue
            why = _restore(pid, text)
            if why is None:
                self.applied[uid] = (pid, text)
            else:
                self._sandboxes.pop(uid, None)
                if os.path.exists(f"/proc/{pid}"):  # else the sandbox just went: nothing to do
                    log.warning("NetworkPolicy rules for pod uid %s: %s", uid, why)
