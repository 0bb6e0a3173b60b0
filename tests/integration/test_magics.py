"""The magics in a real IPython shell: `%load_ext kubenb`, then cells as a learner types them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from IPython.core.interactiveshell import InteractiveShell

from kubenb.cli import session
from kubenb.clock import VirtualClock
from kubenb.magics import KubectlFailed, Output, settings
from kubenb.profiles import Profiles


@pytest.fixture
def ip() -> Iterator[InteractiveShell]:
    old = session.reset(Profiles(clock_factory=VirtualClock))
    if old is not None:
        old.close()
    shell = InteractiveShell.instance()
    shell.run_line_magic("load_ext", "kubenb")
    yield shell
    reg = session.reset(None)
    if reg is not None:
        reg.close()
    settings.strict = False


def cluster() -> Any:
    prof = session.profiles().current()
    assert prof is not None
    return prof.cluster


def test_no_cluster_yet_prints_kubectls_connection_error(ip: InteractiveShell, capsys: Any) -> None:
    out = ip.run_line_magic("kubectl", "get pods")
    cap = capsys.readouterr()
    assert cap.err == ("The connection to the server localhost:8080 was refused - did you "
                       "specify the right host or port?\n")
    assert out == "" and out.exit_code == 1


def test_start_get_nodes_and_capture(ip: InteractiveShell, capsys: Any) -> None:
    ip.run_line_magic("minikube", "start --seed=1")
    capsys.readouterr()
    result = ip.run_line_magic("kubectl", "get nodes")
    cap = capsys.readouterr()
    assert cap.out.splitlines()[0].split() == ["NAME", "STATUS", "ROLES", "AGE", "VERSION"]
    assert "minikube   Ready    control-plane" in cap.out
    assert isinstance(result, Output) and result == cap.out
    # A bare magic shows its text once: the returned value displays as nothing.
    assert result._ipython_display_() is None


def test_go_template_arrives_intact_and_variables_expand(ip: InteractiveShell, capsys: Any) -> None:
    ip.run_line_magic("minikube", "start --seed=1")
    ip.run_line_magic("kubectl", "create deployment kubernetes-bootcamp "
                      "--image=gcr.io/google-samples/kubernetes-bootcamp:v1")
    c = cluster()
    c.wait_for(lambda: any(p.get("status", {}).get("phase") == "Running"
                           for p in c.store.list("Pod", "default")), timeout=60)
    capsys.readouterr()
    ip.run_cell("POD_NAME = %kubectl get pods -o go-template --template "
                "'{{range .items}}{{.metadata.name}}{{\"\\n\"}}{{end}}'")
    pod_name = ip.user_ns["POD_NAME"]
    assert pod_name.startswith("kubernetes-bootcamp-") and pod_name.endswith("\n")
    capsys.readouterr()
    ip.run_line_magic("kubectl", "get pods $POD_NAME -o name")
    assert capsys.readouterr().out == f"pod/{pod_name.strip()}\n"


def test_errors_print_kubectl_words_without_traceback(ip: InteractiveShell, capsys: Any) -> None:
    ip.run_line_magic("minikube", "start --seed=1")
    capsys.readouterr()
    before = cluster().store.resource_version
    ip.run_line_magic("kubectl", "get deploymnt")
    ip.run_line_magic("kubectl", "scale deployment x --replica=3")
    ip.run_line_magic("kubectl", "get deployments.apps x")
    err = capsys.readouterr().err
    assert err == (
        'error: the server doesn\'t have a resource type "deploymnt"\n'
        "Error: unknown flag: --replica\nSee 'kubectl scale --help' for usage.\n"
        'Error from server (NotFound): deployments.apps "x" not found\n'
    )
    assert "Traceback" not in err
    assert cluster().store.resource_version == before


def test_strict_mode_raises(ip: InteractiveShell) -> None:
    with pytest.raises(KubectlFailed, match="localhost:8080 was refused"):
        ip.run_line_magic("kubectl", "--strict get pods")
    settings.strict = True
    with pytest.raises(KubectlFailed):
        ip.run_line_magic("kubectl", "get pods")


def test_cell_magic_applies_a_manifest(ip: InteractiveShell, capsys: Any) -> None:
    ip.run_line_magic("minikube", "start --seed=1")
    capsys.readouterr()
    ip.run_cell_magic("kubectl", "apply -f -", """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  mode: demo
---
apiVersion: v1
kind: Namespace
metadata:
  name: team-a
""")
    assert capsys.readouterr().out == "configmap/settings created\nnamespace/team-a created\n"
    ip.run_cell_magic("kubectl", "", "get cm settings -o jsonpath={.data.mode}\n\nget ns team-a -o name\n")
    assert capsys.readouterr().out == "demonamespace/team-a\n"


def test_completion(ip: InteractiveShell) -> None:
    from kubenb.cli.completion import complete_kubectl

    ip.run_line_magic("minikube", "start --seed=1")
    client = session.current_client()
    assert "get" in complete_kubectl([], "g", client)
    assert complete_kubectl(["get"], "deploy", client) == ["deploy", "deployments"]
    assert complete_kubectl(["get", "nodes"], "mini", client) == ["minikube"]
    assert "--replicas" in complete_kubectl(["scale"], "--rep", client)
    assert complete_kubectl(["describe"], "node/m", client) == ["node/minikube"]


def test_metrics_server_addon_enables_top(ip: InteractiveShell, capsys: Any) -> None:
    ip.run_line_magic("minikube", "start --seed=1")
    ip.run_line_magic("kubectl", "create deployment web --image=nginx --replicas=2")
    c = cluster()
    c.wait_for(lambda: sum(p.get("status", {}).get("phase") == "Running"
                           for p in c.store.list("Pod", "default")) == 2, timeout=60)
    capsys.readouterr()
    ip.run_line_magic("kubectl", "top nodes")
    assert capsys.readouterr().err == "error: Metrics API not available\n"
    ip.run_line_magic("minikube", "addons enable metrics-server")
    capsys.readouterr()
    ip.run_line_magic("kubectl", "top nodes")
    out = capsys.readouterr().out.splitlines()
    assert out[0].split() == ["NAME", "CPU(cores)", "CPU(%)", "MEMORY(bytes)", "MEMORY(%)"]
    # system 150m + nine running containers: kube-system's seven on this node and web's two
    assert out[1].split()[:2] == ["minikube", "159m"]
    ip.run_line_magic("kubectl", "top pods")
    rows = capsys.readouterr().out.splitlines()
    assert [r.split()[1:] for r in rows[1:]] == [["1m", "12Mi"], ["1m", "12Mi"]]


READ_ONLY = [
    "version", "cluster-info", "api-resources", "get all -A", "get pods -o wide",
    "describe deployment web", "describe node minikube", "logs deploy/web", "exec deploy/web -- env",
    "rollout history deployment/web", "rollout status deployment/web", "config view",
    "config get-contexts", "config current-context", "explain deployment.spec.strategy",
    "wait --for=condition=Available deployment/web", "get events --field-selector reason=Scheduled",
    "top pods", "proxy", "port-forward pod/x 8080:80", "edit deployment web",
    "get pods -o go-template --template '{{range .items}}{{.metadata.name}}{{\"\\n\"}}{{end}}'",
]
WRITES = [
    "create namespace team-a", "create configmap c --from-literal=a=1", "label deployment web tier=front",
    "annotate deployment web note=x", "scale deployment web --replicas=3", "set image deployment/web nginx=nginx:1.27",
    "set env deployment/web MODE=demo", "rollout pause deployment/web", "rollout resume deployment/web",
    "patch deployment web -p '{\"metadata\":{\"labels\":{\"p\":\"1\"}}}'", "expose deployment web --port=80",
    "run one --image=busybox --restart=Never -- sh -c 'exit 0'", "cordon minikube", "uncordon minikube",
    "taint nodes minikube k=v:NoSchedule", "delete configmap c", "delete namespace team-a",
]


def test_every_command_runs_through_the_magic_as_through_the_cli(ip: InteractiveShell, capsys: Any) -> None:
    """The magic adds only line splitting and display: for every command its output is the
    CLI entry point's (whose golden tests live in tests/cli), on the same cluster state."""
    from tests.conftest import Kube

    ip.run_line_magic("minikube", "start --seed=1")
    ip.run_line_magic("minikube", "addons enable metrics-server")
    ip.run_line_magic("kubectl", "create deployment web --image=nginx")
    c = cluster()
    c.wait_for(lambda: any(p.get("status", {}).get("phase") == "Running"
                           for p in c.store.list("Pod", "default")), timeout=60)
    c.advance(30)
    kube = Kube(c)
    kube.client = session.profiles().current_client()
    kube.kubeconfig = session.profiles().kubeconfig
    capsys.readouterr()
    for line in READ_ONLY:
        ip.run_line_magic("kubectl", line)
        got = capsys.readouterr()
        want = kube(line)
        assert (got.out, got.err) == (want.out, want.err), line
    for line in WRITES:
        result = ip.run_line_magic("kubectl", line)
        got = capsys.readouterr()
        assert result.exit_code == 0 and "Traceback" not in got.err, (line, got.err)
