"""The kubelet with the sim runtime on a virtual clock: pods written with spec.nodeName."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from kubenb.api.pods import get_condition, is_pod_ready
from kubenb.api.store import Store
from kubenb.api.watch import to_loop
from kubenb.clock import VirtualClock
from kubenb.config import Context, NodeShape
from kubenb.node.kubelet import Kubelet
from kubenb.node.runtime.sim import SimRuntime
from tests import builders

NODE = "minikube"


class Recorder:
    """Every store write with the virtual time it happened at."""

    def __init__(self, clock: VirtualClock) -> None:
        self.clock = clock
        self.items: list[tuple[float, str, str, dict[str, Any], str | None]] = []

    def __call__(self, verb: str, kind: str, obj: dict[str, Any], sub: str | None) -> None:
        self.items.append((self.clock.t, verb, kind, obj, sub))

    def pod_statuses(self, name: str) -> list[tuple[float, dict[str, Any]]]:
        return [(t, o["status"]) for t, v, k, o, s in self.items
                if k == "Pod" and s == "status" and o["metadata"]["name"] == name]

    def events(self, reason: str | None = None) -> list[tuple[float, dict[str, Any]]]:
        return [(t, o) for t, v, k, o, s in self.items
                if k == "Event" and (reason is None or o["reason"] == reason)]


def new_recorder(store: Store, clock: VirtualClock) -> Recorder:
    r = Recorder(clock)
    store.write_listeners.append(r)
    return r


def running_kubelet(ctx: Context, clock: VirtualClock) -> Iterator[Kubelet]:
    """A started kubelet for node `minikube`; stopped, with every task ended, afterwards."""
    rt = SimRuntime(ctx, NODE, pod_cidr="10.244.0.0/24")
    k = Kubelet(ctx, NODE, rt, shape=NodeShape(), address="192.168.49.2",
                pod_cidr="10.244.0.0/24", control_plane=True)
    clock.loop.run_until_complete(k.start())
    yield k
    clock.loop.run_until_complete(k.stop())
    pending = [t for t in asyncio.all_tasks(clock.loop) if not t.done()]
    for t in pending:
        t.cancel()
    if pending:
        clock.loop.run_until_complete(asyncio.wait(pending))


@pytest.fixture
def rec(store: Store, clock: VirtualClock) -> Recorder:
    return new_recorder(store, clock)


@pytest.fixture
def kubelet(ctx: Context, clock: VirtualClock, rec: Recorder) -> Iterator[Kubelet]:
    yield from running_kubelet(ctx, clock)


def run(clock: VirtualClock, seconds: float) -> None:
    clock.loop.run_until_complete(asyncio.sleep(seconds))


def wait_until(clock: VirtualClock, store: Store, pred: Callable[[], bool], timeout: float = 60) -> float:
    """Run the loop until `pred()` holds after a store change; returns the virtual time."""
    changed = asyncio.Event()
    w = store.watch(None, to_loop(clock.loop, lambda _e: changed.set()))

    async def until() -> None:
        while not pred():
            changed.clear()
            await changed.wait()

    try:
        clock.loop.run_until_complete(asyncio.wait_for(until(), timeout))
    finally:
        w.stop()
    return clock.t


def make_pod(store: Store, name: str, image: str = "gcr.io/google-samples/kubernetes-bootcamp:v1",
             *, command: list[str] | None = None, policy: str | None = None,
             annotations: dict[str, str] | None = None, **container: Any) -> dict[str, Any]:
    c = builders.container(name if len(name) < 20 else "c", image, command=command, **container)
    return store.create(builders.pod(name, node=NODE, restart=policy, annotations=annotations,
                                     containers=[c]))


def pod(store: Store, name: str) -> dict[str, Any]:
    return store.get("Pod", "default", name)


def cstatus(store: Store, name: str) -> dict[str, Any]:
    return pod(store, name)["status"]["containerStatuses"][0]


def waiting_reason(status: dict[str, Any]) -> str | None:
    cs = (status.get("containerStatuses") or [{}])[0]
    return ((cs.get("state") or {}).get("waiting") or {}).get("reason")


# ---- the happy path -------------------------------------------------------------------


def test_pod_goes_container_creating_then_running_ready(kubelet, store, clock, rec):
    make_pod(store, "web")
    wait_until(clock, store, lambda: is_pod_ready(pod(store, "web")))
    writes = rec.pod_statuses("web")
    assert len(writes) == 2  # ContainerCreating, then Running: no write storm
    first, last = writes[0][1], writes[1][1]
    assert first["phase"] == "Pending" and waiting_reason(first) == "ContainerCreating"
    assert "podIP" not in first and first["hostIP"] == "192.168.49.2"
    assert get_condition({"status": first}, "Ready")["reason"] == "ContainersNotReady"
    assert get_condition({"status": first}, "Ready")["message"] == "containers with unready status: [web]"
    assert last["phase"] == "Running"
    assert [c["type"] for c in last["conditions"]] == [
        "PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled"]
    assert last["podIP"] == "10.244.0.2" and last["podIPs"] == [{"ip": "10.244.0.2"}]
    cs = last["containerStatuses"][0]
    assert cs["ready"] is True and cs["started"] is True and cs["restartCount"] == 0
    assert cs["containerID"].startswith("sim://") and "running" in cs["state"]
    assert cs["imageID"].startswith("gcr.io/google-samples/kubernetes-bootcamp@sha256:")
    assert last["qosClass"] == "BestEffort"

    events = [o for _, o in rec.events() if o["involvedObject"]["kind"] == "Pod"]
    assert [(e["reason"], e["message"]) for e in events] == [
        ("Pulling", 'Pulling image "gcr.io/google-samples/kubernetes-bootcamp:v1"'),
        ("Pulled", 'Successfully pulled image "gcr.io/google-samples/kubernetes-bootcamp:v1" in '
                   "300ms (300ms including waiting). Image size: 211336459 bytes."),
        ("Created", "Created container: web"),
        ("Started", "Started container web"),
    ]
    assert {e["involvedObject"]["fieldPath"] for e in events} == {"spec.containers{web}"}
    assert {(e["source"]["component"], e["source"]["host"]) for e in events} == {("kubelet", NODE)}

    before = len(rec.pod_statuses("web"))
    run(clock, 30)
    assert len(rec.pod_statuses("web")) == before  # a running pod is not rewritten


def test_second_pod_finds_the_image_present(kubelet, store, clock, rec):
    make_pod(store, "one")
    wait_until(clock, store, lambda: is_pod_ready(pod(store, "one")))
    make_pod(store, "two")
    wait_until(clock, store, lambda: is_pod_ready(pod(store, "two")))
    msgs = [o["message"] for _, o in rec.events("Pulled") if o["involvedObject"]["name"] == "two"]
    assert msgs == ['Container image "gcr.io/google-samples/kubernetes-bootcamp:v1" already present on machine']
    assert pod(store, "two")["status"]["podIP"] == "10.244.0.3"


# ---- image pull failures --------------------------------------------------------------


def test_unknown_image_alternates_errimagepull_and_backoff_with_growing_delay(kubelet, store, clock, rec):
    image = "gcr.io/google-samples/kubernetes-bootcamp:v10"
    make_pod(store, "bad", image)
    run(clock, 120)
    reasons = [waiting_reason(s) for _, s in rec.pod_statuses("bad")]
    assert reasons[0] == "ContainerCreating"
    assert reasons[1:5] == ["ErrImagePull", "ImagePullBackOff", "ErrImagePull", "ImagePullBackOff"]
    pulls = [t for t, o in rec.events("Pulling")]
    gaps = [round(b - a, 1) for a, b in zip(pulls, pulls[1:], strict=False)]
    # back-off 2, 4, 8, 16, then capped at 20 (plus the 0.3 s a pull takes)
    assert gaps[:4] == [2.3, 4.3, 8.3, 16.3] and all(g == 20.3 for g in gaps[4:]) and len(gaps) >= 5
    st = pod(store, "bad")["status"]
    assert st["phase"] == "Pending"
    failed = [o["message"] for _, o in rec.events("Failed")]
    assert failed[0] == (
        f'Failed to pull image "{image}": rpc error: code = NotFound desc = failed to pull and unpack '
        f'image "{image}": failed to resolve reference "{image}": {image}: not found')
    assert failed[1] == "Error: ErrImagePull"
    assert "Error: ImagePullBackOff" in failed
    backoff = [o for _, o in rec.events("BackOff")][0]
    assert backoff["type"] == "Normal" and backoff["message"] == f'Back-off pulling image "{image}"'
    # ErrImagePull carries the runtime's error as the waiting message
    err = next(s for _, s in rec.pod_statuses("bad") if waiting_reason(s) == "ErrImagePull")
    assert err["containerStatuses"][0]["state"]["waiting"]["message"].startswith("rpc error: code = NotFound")


def test_pull_policy_never_without_image(kubelet, store, clock, rec):
    make_pod(store, "never", "nginx:1.27", imagePullPolicy="Never")
    run(clock, 5)
    st = cstatus(store, "never")["state"]["waiting"]
    assert st == {"reason": "ErrImageNeverPull",
                  "message": 'Container image "nginx:1.27" is not present with pull policy of Never'}
    assert {o["type"] for _, o in rec.events("ErrImageNeverPull")} == {"Warning"}


# ---- crashing containers --------------------------------------------------------------


def test_crashing_container_goes_crashloopbackoff_with_capped_backoff(kubelet, store, clock, rec):
    p = make_pod(store, "crash", "busybox", command=["sh", "-c", "exit 1"])
    run(clock, 300)
    starts = [t for t, o in rec.events("Started")]
    gaps = [round(b - a, 2) for a, b in zip(starts, starts[1:], strict=False)]
    assert len(gaps) >= 6
    assert gaps[0] < 1  # the first restart is immediate
    assert all(b >= a for a, b in zip(gaps, gaps[1:], strict=False))
    assert 40 <= gaps[-1] < 41 and 40 <= gaps[-2] < 41  # capped at crash_backoff_max
    cs = cstatus(store, "crash")
    assert cs["restartCount"] == len(starts) - 1 or cs["restartCount"] == len(starts)
    reasons = [waiting_reason(s) for _, s in rec.pod_statuses("crash")]
    assert "CrashLoopBackOff" in reasons
    terminated = [s["containerStatuses"][0]["state"]["terminated"] for _, s in rec.pod_statuses("crash")
                  if "terminated" in s["containerStatuses"][0]["state"]]
    assert terminated and terminated[0]["reason"] == "Error" and terminated[0]["exitCode"] == 1
    loop = next(s for _, s in rec.pod_statuses("crash") if waiting_reason(s) == "CrashLoopBackOff")
    cs0 = loop["containerStatuses"][0]
    uid = p["metadata"]["uid"]
    assert cs0["state"]["waiting"]["message"] == (
        f"back-off 2s restarting failed container=crash pod=crash_default({uid})")
    assert cs0["lastState"]["terminated"]["exitCode"] == 1
    assert loop["phase"] == "Running"
    backoff = [o for _, o in rec.events("BackOff")][0]
    assert backoff["type"] == "Warning"
    assert backoff["message"] == f"Back-off restarting failed container crash in pod crash_default({uid})"
    counts = [s["containerStatuses"][0]["restartCount"] for _, s in rec.pod_statuses("crash")]
    assert counts == sorted(counts) and counts[-1] >= 6


@pytest.mark.parametrize(("script", "policy", "phase", "reason", "code"), [
    ("exit 0", "Never", "Succeeded", "Completed", 0),
    ("exit 3", "Never", "Failed", "Error", 3),
    ("true", "OnFailure", "Succeeded", "Completed", 0),
    ("echo bye; false", "Never", "Failed", "Error", 1),
])
def test_restart_policy_never_and_onfailure_end_terminal(kubelet, store, clock, rec,
                                                         script, policy, phase, reason, code):
    make_pod(store, "job", "busybox:1.36", command=["sh", "-c", script], policy=policy)
    run(clock, 30)
    st = pod(store, "job")["status"]
    assert st["phase"] == phase
    term = st["containerStatuses"][0]["state"]["terminated"]
    assert (term["reason"], term["exitCode"]) == (reason, code)
    assert st["containerStatuses"][0]["restartCount"] == 0
    ready = get_condition(pod(store, "job"), "Ready")
    assert ready["status"] == "False"
    assert ready.get("reason") == ("PodCompleted" if phase == "Succeeded" else "ContainersNotReady")
    assert get_condition(pod(store, "job"), "PodReadyToStartContainers")["status"] == "False"
    assert st["podIP"] == "10.244.0.2"  # the last IP stays in status
    n = len(rec.pod_statuses("job"))
    run(clock, 60)
    assert len(rec.pod_statuses("job")) == n


def test_onfailure_restarts_a_failing_container(kubelet, store, clock):
    make_pod(store, "retry", "busybox", command=["sh", "-c", "exit 2"], policy="OnFailure")
    run(clock, 20)
    st = pod(store, "retry")["status"]
    assert st["phase"] == "Running" and st["containerStatuses"][0]["restartCount"] >= 2


# ---- deletion -------------------------------------------------------------------------


def test_deletion_kills_with_grace_then_removes(kubelet, store, clock, rec):
    make_pod(store, "app")  # the bootcamp app ignores SIGTERM, like its node PID 1
    wait_until(clock, store, lambda: is_pod_ready(pod(store, "app")))
    start = clock.t
    store.delete("Pod", "default", "app")
    run(clock, 29)
    assert store.try_get("Pod", "default", "app") is not None
    kill = [o for _, o in rec.events("Killing")]
    assert [(k["message"], k["involvedObject"]["fieldPath"]) for k in kill] == [
        ("Stopping container app", "spec.containers{app}")]
    end = wait_until(clock, store, lambda: store.try_get("Pod", "default", "app") is None)
    assert 30 <= end - start < 31
    assert clock.loop.run_until_complete(kubelet.runtime.list_containers()) == []
    after = [x for x in rec.items if x[0] > start and x[2] == "Pod" and x[4] == "status"]
    assert len(after) == 1 and after[0][0] >= start + 30  # only once the containers stopped:
    final = after[0][3]["status"]  # watchers see the kill before the pod goes (as upstream)
    term = final["containerStatuses"][0]["state"]["terminated"]
    assert (term["exitCode"], term["reason"], final["phase"]) == (137, "Error", "Failed")
    assert get_condition({"status": final}, "Ready")["status"] == "False"


def test_deletion_of_a_sigterm_friendly_pod_is_quick(kubelet, store, clock):
    make_pod(store, "nginx", "nginx")
    wait_until(clock, store, lambda: is_pod_ready(pod(store, "nginx")))
    start = clock.t
    store.delete("Pod", "default", "nginx")
    end = wait_until(clock, store, lambda: store.try_get("Pod", "default", "nginx") is None)
    assert end - start < 1


# ---- node failure and restart ---------------------------------------------------------


def heartbeat(store: Store) -> str:
    node = store.get("Node", None, NODE)
    return get_condition(node, "Ready")["lastHeartbeatTime"]


def lease_renewed(store: Store) -> str:
    return store.get("Lease", "kube-node-lease", NODE)["spec"]["renewTime"]


def test_kill_stops_heartbeats_and_containers_and_start_recovers(kubelet, store, clock, rec):
    make_pod(store, "web")
    wait_until(clock, store, lambda: is_pod_ready(pod(store, "web")))
    run(clock, 5)
    assert heartbeat(store) != "2025-01-06T10:00:00Z"
    assert lease_renewed(store) > "2025-01-06T10:00:00.000000Z"
    clock.loop.run_until_complete(kubelet.kill())
    beat, n, renewed = heartbeat(store), len(rec.items), lease_renewed(store)
    run(clock, 30)
    assert heartbeat(store) == beat and len(rec.items) == n  # nothing written at all
    assert lease_renewed(store) == renewed
    states = {c.state for c in clock.loop.run_until_complete(kubelet.runtime.list_containers())}
    assert states == {"exited"}

    clock.loop.run_until_complete(kubelet.start())
    wait_until(clock, store, lambda: cstatus(store, "web")["restartCount"] == 1
               and is_pod_ready(pod(store, "web")))
    cs = cstatus(store, "web")
    assert cs["lastState"]["terminated"]["exitCode"] == 255
    assert cs["lastState"]["terminated"]["reason"] == "Unknown"
    reasons = [o["reason"] for _, o in rec.events()]
    assert "SandboxChanged" in reasons and "Rebooted" in reasons and reasons.count("Starting") == 2
    assert pod(store, "web")["status"]["podIP"] == "10.244.0.2"  # the IP was released and reused
    run(clock, 5)
    assert heartbeat(store) > beat
    assert lease_renewed(store) > renewed


def test_never_pod_on_a_killed_node_fails_after_restart(kubelet, store, clock):
    make_pod(store, "once", "nginx", policy="Never")
    wait_until(clock, store, lambda: is_pod_ready(pod(store, "once")))
    clock.loop.run_until_complete(kubelet.kill())
    clock.loop.run_until_complete(kubelet.start())
    wait_until(clock, store, lambda: pod(store, "once")["status"]["phase"] == "Failed")
    assert cstatus(store, "once")["state"]["terminated"]["exitCode"] == 255


def test_stop_stops_containers_without_writes(kubelet, store, clock, rec):
    make_pod(store, "web")
    wait_until(clock, store, lambda: is_pod_ready(pod(store, "web")))
    n = len(rec.items)
    clock.loop.run_until_complete(kubelet.stop())
    assert {c.state for c in clock.loop.run_until_complete(kubelet.runtime.list_containers())} == {"exited"}
    run(clock, 10)
    assert len(rec.items) == n


# ---- registration ---------------------------------------------------------------------


def test_node_registration(kubelet, store, rec):
    node = store.get("Node", None, NODE)
    labels = node["metadata"]["labels"]
    assert labels["kubernetes.io/hostname"] == NODE and labels["minikube.k8s.io/name"] == "minikube"
    assert labels["minikube.k8s.io/primary"] == "true"
    assert labels["node-role.kubernetes.io/control-plane"] == ""
    assert node["spec"]["podCIDR"] == "10.244.0.0/24"
    st = node["status"]
    assert [(c["type"], c["status"], c["reason"]) for c in st["conditions"]] == [
        ("MemoryPressure", "False", "KubeletHasSufficientMemory"),
        ("DiskPressure", "False", "KubeletHasNoDiskPressure"),
        ("PIDPressure", "False", "KubeletHasSufficientPID"),
        ("Ready", "True", "KubeletReady"),
    ]
    assert st["conditions"][3]["message"] == "kubelet is posting ready status"
    assert st["capacity"] == st["allocatable"]
    # the canonical text, as a kubelet's resource.NewQuantity(bytes, BinarySI) serves it
    assert st["capacity"]["memory"] == "4Gi" and st["capacity"]["pods"] == "110"
    assert st["addresses"] == [{"type": "InternalIP", "address": "192.168.49.2"},
                               {"type": "Hostname", "address": NODE}]
    assert st["nodeInfo"]["containerRuntimeVersion"] == "sim://1.0"
    assert st["nodeInfo"]["kubeletVersion"] == "v1.32.0"
    msgs = [(o["reason"], o["message"]) for _, o in rec.events()]
    assert msgs[0] == ("Starting", "Starting kubelet.")
    assert ("NodeHasSufficientMemory", "Node minikube status is now: NodeHasSufficientMemory") in msgs


def test_restart_keeps_taints_and_marks_ready_again(ctx, store, clock, rec):
    rt = SimRuntime(ctx, "minikube-m02", pod_cidr="10.244.1.0/24")
    k = Kubelet(ctx, "minikube-m02", rt, shape=NodeShape(), address="192.168.49.3",
                pod_cidr="10.244.1.0/24", control_plane=False)
    clock.loop.run_until_complete(k.start())
    clock.loop.run_until_complete(k.kill())
    node = store.get("Node", None, "minikube-m02")
    from kubenb.api.objects import clone
    new = clone(node)
    new["spec"]["taints"] = [{"key": "node.kubernetes.io/unreachable", "effect": "NoSchedule"}]
    store.update(new)
    st = clone(store.get("Node", None, "minikube-m02"))
    for c in st["status"]["conditions"]:
        c["status"] = "Unknown"
    store.update(st, subresource="status")
    clock.loop.run_until_complete(k.start())
    node = store.get("Node", None, "minikube-m02")
    assert node["spec"]["taints"][0]["key"] == "node.kubernetes.io/unreachable"
    assert node["metadata"]["labels"]["minikube.k8s.io/primary"] == "false"
    assert node["metadata"]["labels"]["minikube.k8s.io/name"] == "minikube"
    assert get_condition(node, "Ready")["status"] == "True"
    assert "NodeReady" in [o["reason"] for _, o in rec.events()]
    clock.loop.run_until_complete(k.kill())
