"""Cluster configuration: lifecycle timings as data, and the context every component gets.

Kubernetes' own defaults are slow for a notebook (a dead node is noticed after 40 s and its
pods evicted after 5 minutes). kubenb's defaults keep the same sequence but let a node-failure
demo finish in well under a minute; `Timings.kubernetes()` gives upstream's numbers.
"""

from __future__ import annotations

import os
import random
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from kubenb.api.events import EventRecorder
from kubenb.api.store import Store
from kubenb.clock import Clock


def default_state_dir(name: str) -> str:
    """`<tmp>/kubenb-<uid>/<profile>`: per-pod files of runtimes that run real programs
    (`$KUBENB_STATE_HOME/<profile>` when set: a notebook build of its own)."""
    home = os.environ.get("KUBENB_STATE_HOME")
    if home:
        return os.path.join(home, name)
    uid = os.getuid() if hasattr(os, "getuid") else 0
    return os.path.join(tempfile.gettempdir(), f"kubenb-{uid}", name)


@dataclass(frozen=True)
class Timings:
    """Every delay in the control plane, in seconds. Upstream values in comments."""

    image_pull: float = 0.3  # a pull of an image not yet on the node (real: network-bound)
    container_create: float = 0.05
    container_start: float = 0.1
    node_status_update: float = 2.0  # kubelet heartbeat (10 s)
    node_lease_renew: float = 2.0  # kubelet renews its node Lease (10 s: a quarter of 40 s)
    node_monitor_period: float = 1.0  # node lifecycle controller check (5 s)
    node_monitor_grace: float = 8.0  # heartbeat age that makes a node NotReady/Unknown (40 s)
    toleration_seconds: int = 10  # default not-ready/unreachable toleration (300 s)
    image_backoff_initial: float = 2.0  # ImagePullBackOff first back-off (10 s)
    image_backoff_max: float = 20.0  # (300 s)
    crash_backoff_initial: float = 2.0  # CrashLoopBackOff first back-off (10 s)
    crash_backoff_max: float = 40.0  # (300 s)
    crash_backoff_reset: float = 120.0  # a container running this long resets back-off (600 s)
    pod_error_resync: float = 1.0  # kubelet re-syncs a pod whose sync failed (backOffPeriod 10 s)
    controller_coalesce: float = 0.05  # pod-event bursts → one owner reconcile (informer lag)
    scheduler_retry: float = 5.0  # unschedulable pods retried at least this often (300 s)
    job_backoff_initial: float = 2.0  # delay before re-creating a Job's failed pod (10 s, doubling)
    job_backoff_max: float = 120.0  # (600 s)
    hpa_sync_period: float = 15.0  # horizontal pod autoscaler looks at each HPA (15 s)
    metrics_resolution: float = 5.0  # metrics-server scrape interval (--metric-resolution 15 s)

    @classmethod
    def kubernetes(cls) -> Timings:
        """Upstream Kubernetes' defaults, for people who want the real pace."""
        return cls(
            image_pull=2.0,
            node_status_update=10.0,
            node_lease_renew=10.0,
            node_monitor_period=5.0,
            node_monitor_grace=40.0,
            toleration_seconds=300,
            image_backoff_initial=10.0,
            image_backoff_max=300.0,
            crash_backoff_initial=10.0,
            crash_backoff_max=300.0,
            crash_backoff_reset=600.0,
            pod_error_resync=10.0,
            scheduler_retry=300.0,
            job_backoff_initial=10.0,
            job_backoff_max=600.0,
            metrics_resolution=15.0,
        )

    def with_(self, **changes: float) -> Timings:
        return replace(self, **changes)  # type: ignore[arg-type]


@dataclass
class NodeShape:
    """What each node offers (minikube's --cpus / --memory)."""

    cpu: str = "2"
    memory: str = "4Gi"
    pods: int = 110


@dataclass
class Context:
    """What every controller, the scheduler and each kubelet are constructed with."""

    store: Store
    clock: Clock
    timings: Timings = field(default_factory=Timings)
    rng: random.Random = field(default_factory=random.Random)
    kubernetes_version: str = "v1.32.0"
    # signs approved client-certificate requests (PEM request, seconds) -> PEM certificate;
    # the API server sets it, as it holds the cluster's CA
    signer: Callable[[bytes, int], bytes] | None = None
    # the API server's CA (PEM) once one serves: what kube-root-ca.crt ConfigMaps publish
    root_ca: str | None = None

    def recorder(self, component: str, host: str | None = None) -> EventRecorder:
        return EventRecorder(self.store, component, host)
