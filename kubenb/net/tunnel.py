"""`minikube tunnel`'s LoadBalancer emulator: LoadBalancer Services get their ClusterIP as ingress.

A `Tunnel` is a cluster `Component` (kubenb/component.py) that `%minikube tunnel` attaches
(Profile.start_tunnel) and `--stop`, `minikube stop` and `minikube delete` detach. As
minikube's route tunnel on Linux (pkg/minikube/tunnel) it, at once and then every
`CHECK_PERIOD` seconds of the cluster clock (the tunnel manager's 5 s delay):

  reads     every Service;
  writes    `status.loadBalancer.ingress: [{ip: <clusterIP>, ipMode: VIP}]` on each
            LoadBalancer Service that has not exactly that ingress (`PatchServices`, with
            the `ipMode` kube-apiserver 1.32 defaults), so EXTERNAL-IP shows the ClusterIP;
  keeps     the last `TunnelStatus` — `report()` renders the `Status:` block minikube prints.

On stop it removes the ingress of every LoadBalancer Service (`Cleanup`): EXTERNAL-IP goes
back to `<pending>`; the tunnel is over then (a cluster restarted later has none, as the
minikube tunnel process exits when its machine stops). The route minikube adds (service CIDR → node IP) needs nothing here:
kube-proxy already answers on the ClusterIPs (kubenb's Services live on loopback).
"""

from __future__ import annotations

import asyncio
import copy
import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from kubenb.api.errors import ApiError

if TYPE_CHECKING:
    from kubenb.component import ComponentHost

log = logging.getLogger("kubenb.net.tunnel")

CHECK_PERIOD = 5.0
NO_ERRORS = "no errors"


@dataclass
class TunnelStatus:
    machine: str
    pid: int
    route: str  # "<service CIDR> -> <node IP>"
    minikube: str = "Running"
    services: list[str] = field(default_factory=list)
    minikube_error: str = NO_ERRORS
    router_error: str = NO_ERRORS
    lb_error: str = NO_ERRORS

    def report(self) -> str:
        """The block minikube's reporter writes (tabs and trailing blanks included)."""
        return (f"Status:\t\n\tmachine: {self.machine}\n\tpid: {self.pid}\n"
                f"\troute: {self.route}\n\tminikube: {self.minikube}\n"
                f"\tservices: [{', '.join(self.services)}]\n"
                f"    errors: \n\t\tminikube: {self.minikube_error}\n"
                f"\t\trouter: {self.router_error}\n"
                f"\t\tloadbalancer emulator: {self.lb_error}\n")


class Tunnel:
    """The LoadBalancer emulator of one profile (see the module docstring)."""

    def __init__(self, machine: str, route: str, pid: int, period: float = CHECK_PERIOD) -> None:
        self.status = TunnelStatus(machine, pid, route)
        self.period = period
        self.host: ComponentHost | None = None
        self.running = False
        self.ended = False
        self._timer: asyncio.TimerHandle | None = None

    # ---- Component ---------------------------------------------------------------------

    def start(self, host: ComponentHost) -> None:
        if self.ended:
            return
        self.host = host
        self.running = True
        host.call(self._tick())

    def stop(self) -> None:
        if self.host is not None and self.running:
            self.running = False
            self.ended = True
            self.host.call(self._cleanup())

    def node_down(self, name: str) -> None:
        return None

    def node_up(self, name: str) -> None:
        return None

    def report(self) -> str:
        return self.status.report()

    # ---- on the loop -------------------------------------------------------------------

    async def _tick(self) -> None:
        self._timer = None
        if not self.running or self.host is None:
            return
        self.status.services = self._apply(self._patch)
        self._timer = self.host.clock.call_later(self.period, self._again)

    def _again(self) -> None:
        if self.running and self.host is not None:
            asyncio.get_running_loop().create_task(self._tick())

    async def _cleanup(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self.status.services = self._apply(self._unset)

    def _apply(self, action: Any) -> list[str]:
        """`applyOnLBServices`: the action on every LoadBalancer Service; their names."""
        assert self.host is not None
        names = []
        for svc in self.host.store.list("Service"):
            if (svc.get("spec") or {}).get("type") != "LoadBalancer":
                continue
            names.append(svc["metadata"]["name"])
            try:
                action(svc)
            except ApiError as err:  # changed meanwhile, or gone: the next round sees it
                log.info("tunnel: %s/%s: %s", svc["metadata"].get("namespace"),
                         svc["metadata"]["name"], err)
        return names

    def _patch(self, svc: dict[str, Any]) -> None:
        ip = (svc.get("spec") or {}).get("clusterIP") or ""
        ingress = ((svc.get("status") or {}).get("loadBalancer") or {}).get("ingress") or []
        if not ip or ip == "None" or (len(ingress) == 1 and ingress[0].get("ip") == ip):
            return
        self._write(svc, [{"ip": ip, "ipMode": "VIP"}])

    def _unset(self, svc: dict[str, Any]) -> None:
        if ((svc.get("status") or {}).get("loadBalancer") or {}).get("ingress"):
            self._write(svc, None)

    def _write(self, svc: dict[str, Any], ingress: list[dict[str, str]] | None) -> None:
        assert self.host is not None
        new = copy.deepcopy(svc)
        lb = new.setdefault("status", {}).setdefault("loadBalancer", {})
        if ingress is None:
            lb.pop("ingress", None)
        else:
            lb["ingress"] = ingress
        self.host.store.update(new, subresource="status")
