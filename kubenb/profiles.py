"""Profiles: the clusters of this Python process, built and owned in one place.

This is where kubenb is put together. A `Profiles` registry builds one `kubenb.Cluster` per
minikube profile for a driver (its runtime from kubenb/node/runtime's table, checked with
the engine first), gives it a loopback subnet claimed across processes
(kubenb/net/claims.py), a state directory, and — on a real clock, i.e. in notebooks — an
HTTP API server (`kubenb.server.ApiServer`); it starts, stops and deletes them, and keeps
the `KubeConfig` minikube would keep in ~/.kube/config with the "active" profile of
`minikube profile NAME`. The command layers above (`%minikube`, `%kubectl`, the widget)
reach a cluster only through a `Profile` and its client (`Profile.client()`, the `Client`
protocol of kubenb/client/base.py); they never import the cluster, server, node, net,
controller or scheduler modules.

With `serve_api`, `start` merges the profile's cluster/user/context — the server's URL, CA
data and token — into the kubeconfig file (`$KUBECONFIG` or ~/.kube/config) and exports
`KUBECONFIG`, so `!kubectl` in a cell and the `kubernetes` package reach the cluster;
`delete` removes the entries again. Deleting a profile, or the interpreter exiting, stops
its cluster.
"""

from __future__ import annotations

import atexit
import logging
import os
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from kubenb.client.base import Client, ClusterBackend
from kubenb.client.inprocess import InProcessClient
from kubenb.clock import Clock, RealClock
from kubenb.config import NodeShape, Timings
from kubenb.kubeconfig import KubeConfig, default_path
from kubenb.net import claims
from kubenb.net.addresses import AddressPlan
from kubenb.net.tunnel import Tunnel

if TYPE_CHECKING:  # the control plane is imported when a first cluster is built
    from kubenb.cluster import Cluster
    from kubenb.component import ServedApi

MINIKUBE_VERSION = "v1.35.0"
MINIKUBE_COMMIT = "dd5d320e41b5451cdf3c01891bc4e13d189586ed-dirty"
DEFAULT_KUBERNETES_VERSION = "v1.32.0"  # minikube v1.35.0's default
API_PORT = 8443
ADDONS = {"ingress": "Kubernetes", "metrics-server": "Kubernetes"}  # the addons kubenb knows, and their maintainers
METRICS_SERVER_IMAGE = "registry.k8s.io/metrics-server/metrics-server:v0.7.2"
VERIFIED_ADDONS = ("ingress",)  # `addons enable` verifies their pods before saying it is enabled
DRIVERS = ("sim", "process", "docker")

log = logging.getLogger(__name__)
ClockFactory = Callable[[], Clock]
# (event, profile name): "started" (created or restarted), "stopped", "deleted"
ProfileListener = Callable[[str, str], None]


class NoCluster(Exception):
    """No profile answers for the kubeconfig's current context (kubectl's wording)."""

    def __init__(self) -> None:
        super().__init__("The connection to the server localhost:8080 was refused - did you "
                         "specify the right host or port?")


class TooManyNodes(Exception):
    """More nodes than the driver's address plan has addresses and pod CIDRs for
    (kubenb/net/addresses.py); raised before anything is created."""

    def __init__(self, driver: str, limit: int, message: str) -> None:
        super().__init__(message)
        self.driver, self.limit, self.message = driver, limit, message


def addon_images(addon: str) -> tuple[str, ...]:
    """The images `minikube addons enable` names ("Using image …", digest dropped)."""
    if addon == "metrics-server":  # minikube v1.35's pin (kubenb serves the Metrics API itself)
        return (METRICS_SERVER_IMAGE,)
    if addon != "ingress":
        return ()
    from kubenb.net.ingress_addon import IMAGES  # the control plane loads on first use

    return tuple(ref.partition("@")[0] for ref in IMAGES)


def node_limit(driver: str) -> int:
    """The most nodes one profile of `driver` can have."""
    return AddressPlan.for_runtime(driver).max_nodes


def check_node_count(driver: str, nodes: int) -> None:
    """TooManyNodes when a new `driver` profile cannot have `nodes` nodes."""
    limit = node_limit(driver)
    if nodes > limit:
        raise TooManyNodes(driver, limit, f"--nodes={nodes} is more than the {driver} driver's "
                           f"address plan holds: at most {limit} nodes per profile")


class DriverError(Exception):
    """A driver cannot be used here; the fields are minikube's exit message parts.

    `problem`: "missing" (not part of this kubenb, or its engine is not installed),
    "stopped" (the engine does not answer) or "error" (anything else)."""

    def __init__(self, reason: str, message: str, problem: Literal["missing", "stopped", "error"],
                 advice: str = "", url: str = "") -> None:
        super().__init__(message)
        self.reason, self.message, self.problem = reason, message, problem
        self.advice, self.url = advice, url


def check_driver(driver: str) -> str:
    """Ask the driver's engine before creating anything: its version ("" for drivers that
    need none), or a DriverError in minikube's words."""
    from kubenb.node.runtime import RuntimeUnavailable, check_engine
    from kubenb.node.runtime.docker_engine import EngineUnavailable

    try:
        return check_engine(driver)
    except RuntimeUnavailable:
        raise DriverError("PROVIDER_NOT_FOUND", f"The '{driver}' driver is not available in "
                          "this kubenb installation", "missing", advice="Use --driver=sim") from None
    except EngineUnavailable as err:
        problem: Literal["missing", "stopped", "error"] = (
            "missing" if err.reason_id.endswith("_NOT_FOUND")
            else "stopped" if err.reason_id.endswith("_NOT_RUNNING") else "error")
        raise DriverError(err.reason_id, err.message, problem, err.suggestion, err.url) from None


@dataclass
class Profile:
    name: str
    cluster: Cluster
    driver: str = "sim"
    cpus: int = 2
    memory_mb: int = 4096
    kubernetes_version: str = DEFAULT_KUBERNETES_VERSION
    running: bool = True
    addons: dict[str, bool] = field(default_factory=dict)
    engine_version: str = ""  # the Docker engine's, for the docker driver
    tunnel: Tunnel | None = None  # `minikube tunnel`, while it runs

    def machines(self) -> list[str]:
        """Machine names in node order: `minikube`, `minikube-m02`, …"""
        return list(self.cluster.kubelets)

    def ip(self, machine: str | None = None) -> str:
        return str(self.cluster.kubelets[machine or self.name].address)

    def host_running(self, machine: str) -> bool:
        kubelet = self.cluster.kubelets.get(machine)
        return self.running and kubelet is not None and kubelet.running

    @property
    def server(self) -> str:
        """The API server URL: the running HTTP server's, else minikube's node address."""
        api = self.cluster.served_api()
        return api.url if api is not None else f"https://{self.ip()}:{API_PORT}"

    @property
    def api_server(self) -> ServedApi | None:
        """The profile's HTTP API server, when it serves one and it runs."""
        return self.cluster.served_api()

    @property
    def backend(self) -> ClusterBackend:
        """The cluster as the clients see it (an HTTP client of its own server may pace it)."""
        return self.cluster

    def client(self) -> InProcessClient:
        return InProcessClient.for_cluster(self.cluster)

    def set_addon(self, addon: str, enabled: bool) -> None:
        self.addons[addon] = enabled
        if addon == "metrics-server":
            self.cluster.metrics_enabled = enabled
        elif addon == "ingress":
            from kubenb.net.ingress_controller import set_enabled

            set_enabled(self.cluster, enabled)

    # ---- `minikube tunnel` ---------------------------------------------------------------

    def start_tunnel(self) -> tuple[str, bool]:
        """The LoadBalancer emulator in the background: (its Status block, started now?) —
        not started when one runs already (the block then names the running one)."""
        if self.tunnel is not None and self.tunnel.running:
            return self.tunnel_id(), False
        if self.tunnel is not None:
            self.cluster.detach(self.tunnel)
        route = f"{self.cluster.addresses.service_cidr} -> {self.ip()}"
        self.tunnel = Tunnel(self.name, route, os.getpid())
        self.cluster.attach(self.tunnel)
        return self.tunnel.report(), True

    def tunnel_id(self) -> str:
        """The running tunnel as minikube's registry names it (`ID { Route: … }`)."""
        st = self.tunnel.status if self.tunnel is not None else None
        if st is None:
            return ""
        return f"ID {{ Route: {st.route}, machineName: {st.machine}, Pid: {st.pid} }}"

    def stop_tunnel(self) -> bool:
        """Stop the tunnel (its LoadBalancer ingress removed); False when none ran."""
        tunnel, self.tunnel = self.tunnel, None
        if tunnel is None:
            return False
        running = tunnel.running
        self.cluster.detach(tunnel)
        return running

    # ---- machines (`minikube node …`) -----------------------------------------------------

    def add_node(self) -> str:
        """A new worker; TooManyNodes when the cluster CIDR has no range left for it."""
        if self.cluster.node_capacity == 0:
            limit = node_limit(self.driver)
            raise TooManyNodes(self.driver, limit, f'profile "{self.name}" already has '
                               f"{len(self.cluster.kubelets)} nodes: the {self.driver} driver's "
                               f"address plan has no pod CIDR left in "
                               f"{self.cluster.addresses.cluster_cidr}")
        return self.cluster.add_node()

    def stop_node(self, machine: str) -> None:
        """A node failure: its pods die at once and its heartbeats stop."""
        self.cluster.stop_node(machine)

    def start_node(self, machine: str) -> None:
        self.cluster.start_node(machine)

    def delete_node(self, machine: str) -> None:
        self.cluster.delete_node(machine)


def system_pods_running(cluster: Cluster, nodes: set[str]) -> bool:
    """minikube's `system_pods` check: kube-system's pods on the running `nodes` are Running,
    each of those nodes has its kube-proxy, and CoreDNS (while its Deployment exists) has a
    Running pod."""
    pods = [p for p in cluster.store.list("Pod", "kube-system")
            if not p["metadata"].get("deletionTimestamp")]
    phase = {p["metadata"]["name"]: (p.get("status") or {}).get("phase") for p in pods}
    if any(phase[p["metadata"]["name"]] != "Running" for p in pods
           if p["spec"].get("nodeName") in nodes):
        return False
    proxied = {p["spec"].get("nodeName") for p in pods
               if (p["metadata"].get("labels") or {}).get("k8s-app") == "kube-proxy"}
    dns = [p for p in pods if (p["metadata"].get("labels") or {}).get("k8s-app") == "kube-dns"
           and phase[p["metadata"]["name"]] == "Running"]
    coredns = cluster.store.try_get("Deployment", "kube-system", "coredns")
    return nodes <= proxied and (coredns is None or bool(dns))


def _release(cluster: Cluster) -> None:
    """Give the profile's loopback subnet back (kubenb/net/claims.py)."""
    if cluster.runtime_name != "sim":
        claims.release(int(cluster.node_subnet.split(".")[-1]))


def _close_all(ref: weakref.ReferenceType[Profiles]) -> None:
    registry = ref()
    if registry is not None:
        registry.close()


class Profiles:
    """Every profile of this process; `clock_factory` builds each new cluster's clock."""

    def __init__(self, clock_factory: ClockFactory | None = None, *, home: str | None = None,
                 kubeconfig: KubeConfig | None = None, register_atexit: bool = True,
                 timings: Timings | None = None, default_driver: str | None = None,
                 serve_api: bool | None = None, kubeconfig_path: str | None = None) -> None:
        """`default_driver`: what `minikube start` uses without `--driver` — `process`
        (real programs) with the real clock, `sim` with any other clock (tests).
        `serve_api`: give each cluster an HTTP API server and write the kubeconfig file
        (default: with the real clock). `kubeconfig_path`: that file (default: where
        kubectl looks, `$KUBECONFIG` or ~/.kube/config, at the time of `start`)."""
        self.clock_factory: ClockFactory = clock_factory or RealClock
        if default_driver is None:
            default_driver = "process" if self.clock_factory is RealClock else "sim"
        self.default_driver = default_driver
        self.serve_api = self.clock_factory is RealClock if serve_api is None else serve_api
        self.kubeconfig_path = kubeconfig_path
        self.home = home or os.environ.get("MINIKUBE_HOME") or os.path.join(
            os.path.expanduser("~"), ".minikube")
        self.kubeconfig = kubeconfig if kubeconfig is not None else KubeConfig()
        self.timings = timings
        self.active = "minikube"
        self._profiles: dict[str, Profile] = {}
        self.listeners: list[ProfileListener] = []  # live views follow their profile
        if register_atexit:
            atexit.register(_close_all, weakref.ref(self))

    # ---- lookup -------------------------------------------------------------------------

    def get(self, name: str) -> Profile | None:
        return self._profiles.get(name)

    def names(self) -> list[str]:
        return sorted(self._profiles)

    def current(self) -> Profile | None:
        """The profile of the kubeconfig's current context, if it is running."""
        prof = self._profiles.get(self.kubeconfig.current_context)
        return prof if prof is not None and prof.running else None

    def current_client(self) -> Client:
        """The client kubectl commands use; raises NoCluster when nothing is current."""
        prof = self.current()
        if prof is None:
            raise NoCluster()
        return prof.client()

    # ---- lifecycle ----------------------------------------------------------------------

    def create(self, name: str, *, nodes: int = 1, driver: str = "sim", cpus: int = 2,
               memory_mb: int = 4096, kubernetes_version: str = DEFAULT_KUBERNETES_VERSION,
               seed: int | None = None, addons: dict[str, bool] | None = None,
               engine_version: str = "") -> Profile:
        """Build and start a new profile's cluster; wait until its nodes are Ready.
        Raises TooManyNodes (before anything is created) when the driver's address plan
        has no room for `nodes`, ValueError when the driver's runtime refuses this cluster."""
        check_node_count(driver, nodes)
        from kubenb.cluster import Cluster
        from kubenb.server import ApiServer

        cluster = Cluster(name, nodes=nodes, runtime=driver, clock=self.clock_factory(),
                          seed=seed, node_subnet=self._free_subnet(driver),
                          shape=NodeShape(cpu=str(cpus), memory=f"{memory_mb}Mi"),
                          kubernetes_version=kubernetes_version,
                          **({"timings": self.timings} if self.timings is not None else {}))
        prof = Profile(name, cluster, driver, cpus, memory_mb, kubernetes_version,
                       engine_version=engine_version)
        if self.serve_api:
            cluster.serve_api(ApiServer())
        self._profiles[name] = prof
        try:
            cluster.start()
            self.wait_ready(prof)
            for addon, enabled in (addons or {}).items():
                prof.set_addon(addon, enabled)  # once it runs: an addon's pods need nodes
        except BaseException:
            self._profiles.pop(name, None)
            cluster.stop()
            _release(cluster)
            raise
        self.configure(prof)
        self._notify("started", name)
        return prof

    def _notify(self, event: str, name: str) -> None:
        """Tell the listeners (open ClusterViews) that profile `name` started/stopped/was deleted."""
        for listener in list(self.listeners):
            try:
                listener(event, name)
            except Exception:  # noqa: BLE001 - a broken view must not break minikube
                log.exception("profile listener failed")

    def _free_subnet(self, driver: str = "sim") -> str:
        """minikube's network per profile: 192.168.49.0/24, then .58, .67, … (steps of 9).

        Drivers that bind real loopback addresses also skip subnets another live kernel on
        this machine holds (kubenb/net/claims.py), and claim the one they take."""
        used = {p.cluster.node_subnet for p in self._profiles.values()}
        third = 49
        while f"192.168.{third}" in used or (driver != "sim" and not claims.claim(third)):
            third += 9
        return f"192.168.{third}"

    def restart(self, prof: Profile) -> None:
        """`minikube start` on a stopped profile: the same store, its kubelets started again."""
        if prof.running:
            return
        prof.cluster.start()  # same store; the old nodes and their pods come back
        prof.running = True
        self.wait_ready(prof)
        self.configure(prof)
        self._notify("started", prof.name)

    def stop(self, prof: Profile, *, keep_context: bool = False) -> None:
        """Every kubelet stops (its pods' containers with it); the objects stay."""
        if prof.running:
            prof.cluster.stop()
            prof.running = False
            self._notify("stopped", prof.name)
        if not keep_context:
            self.kubeconfig.unset_current(prof.name)
            if self.serve_api:
                self.kubeconfig.remove_from(self._file(), prof.name, keep_entries=True)

    def delete(self, name: str) -> bool:
        """Stop and forget a profile; False when there was none."""
        prof = self._profiles.pop(name, None)
        self.kubeconfig.remove_profile(name)
        if self.serve_api:
            self.kubeconfig.remove_from(self._file(), name)
        if prof is None:
            return False
        _shutdown(prof.cluster)
        _release(prof.cluster)
        prof.cluster.discard_volumes()
        self._notify("deleted", name)
        return True

    def close(self) -> None:
        """Stop every cluster (the interpreter is exiting, or the registry is done)."""
        for name in list(self._profiles):
            prof = self._profiles.pop(name)
            _shutdown(prof.cluster)
            _release(prof.cluster)

    def wait_ready(self, prof: Profile, timeout: float = 60.0) -> None:
        """Block until every running node of the profile reports Ready and kube-system's
        pods run (minikube's default `--wait=apiserver,system_pods`)."""
        cluster = prof.cluster

        def ready() -> bool:
            want = {m for m, k in cluster.kubelets.items() if k.running}
            got = set()
            for node in cluster.store.list("Node"):
                conds = (node.get("status") or {}).get("conditions") or []
                if any(c.get("type") == "Ready" and c.get("status") == "True" for c in conds):
                    got.add(node["metadata"]["name"])
            return want <= got and system_pods_running(cluster, want)

        cluster.wait_for(ready, timeout)

    def _file(self) -> str:
        return self.kubeconfig_path or default_path()

    def configure(self, prof: Profile) -> None:
        """Point the kubeconfig at the profile (and, when it serves HTTP, the file too)."""
        api = prof.api_server
        self.kubeconfig.set_minikube_profile(
            prof.name, prof.server, self.home, MINIKUBE_VERSION, prof.cluster.clock.now(),
            ca_data=api.ca_data if api is not None else None,
            client_cert=api.client_cert if api is not None else None)
        if api is not None:
            path = self._file()
            self.kubeconfig.merge_into(path, prof.name)
            if not os.environ.get("KUBECONFIG"):
                os.environ["KUBECONFIG"] = path  # `!kubectl` in a cell inherits it


def _shutdown(cluster: Cluster) -> None:
    cluster.stop()
    loop = cluster.clock.loop
    if not loop.is_running() and not loop.is_closed():
        loop.close()
