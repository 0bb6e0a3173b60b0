"""NetworkPolicy through kubenb's kube-proxy, process runtime: a Python client pod reaches a
Service's backend until a default-deny policy selects the backend (the connection is
dropped: the client times out), again once a policy admits the client's label (so does a
busybox pod's wget with that label), and not a pod without that label; the notebook (the backend's node) is always let in."""

from __future__ import annotations

import urllib.request
from typing import Any

import pytest

from kubenb.api.pods import is_pod_ready
from kubenb.cli.minikube.commands import run_line
from kubenb.profiles import Profiles
from tests.net.standin import SUBNET

pytest.importorskip("kubenb.node.runtime.process")

FETCH = ("import sys, urllib.request\n"
         "try:\n"
         "    urllib.request.urlopen(sys.argv[1], timeout=3).read()\n"
         "    print('answered')\n"
         "except OSError as err:\n"
         "    print('failed', err)\n")

DENY = """apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: default-deny}
spec: {podSelector: {}}
"""
ALLOW = """apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: allow-client}
spec:
  podSelector: {matchLabels: {app: kb}}
  ingress:
  - from: [{podSelector: {matchLabels: {role: client}}}]
    ports: [{port: 8080}]
"""


def test_service_traffic_follows_network_policies_process(
        tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    reg = Profiles(home=str(tmp_path / "home"), register_atexit=False, serve_api=False)
    monkeypatch.setattr(reg, "_free_subnet", lambda *_: f"192.168.{SUBNET}")
    try:
        assert run_line("start -p np --driver=process", reg)[2] == 0

        def kubectl(line: str) -> str:
            out, err, rc = run_line(f"kubectl -p np -- {line}", reg)
            assert rc == 0, err
            return out

        kubectl("create deployment kb --image=gcr.io/google-samples/kubernetes-bootcamp:v1")
        kubectl("expose deployment kb --port 8080")
        for name, label in (("client", "role=client"), ("stranger", "role=other")):
            kubectl(f"run {name} --image=python --labels={label} -- sleep 3600")
        kubectl("run bb --image=busybox --labels=role=client -- sleep 3600")
        cluster = reg.get("np").cluster  # type: ignore[union-attr]
        store = cluster.store
        cluster.wait_for(lambda: len(store.list("Pod", "default")) == 4 and all(
            is_pod_ready(p) for p in store.list("Pod", "default")), timeout=90)
        url = f"http://{store.get('Service', 'default', 'kb')['spec']['clusterIP']}:8080/"

        def answers(pod: str) -> bool:
            out = kubectl(f"exec {pod} -- python3 -c {_quote(FETCH)} {url}")
            assert out.startswith(("answered", "failed")), out
            return out.startswith("answered")

        def wget(pod: str) -> bool:
            """busybox's wget (the process runtime's shim) from `pod`."""
            out, _, rc = run_line(f"kubectl -p np -- exec {pod} -- wget -qO- -T 3 {url}", reg)
            return rc == 0 and out.startswith("Hello Kubernetes bootcamp!")

        def from_notebook() -> bool:
            try:
                with urllib.request.urlopen(url, timeout=3) as reply:
                    return bool(reply.status == 200)
            except OSError:
                return False

        cluster.wait_for(from_notebook, timeout=60)  # the app listens, the proxy relays
        assert answers("client") and answers("stranger")
        _apply(reg, tmp_path, DENY)
        cluster.kube_proxy.sync()
        assert not answers("client") and not answers("stranger") and not wget("bb")
        assert from_notebook()  # the notebook stands on the pod's node: always allowed
        _apply(reg, tmp_path, ALLOW)
        cluster.kube_proxy.sync()
        assert answers("client") and not answers("stranger") and wget("bb")
        kubectl("delete networkpolicy default-deny allow-client")
        cluster.kube_proxy.sync()
        assert answers("stranger")
    finally:
        reg.close()


def _quote(text: str) -> str:
    return "'" + text.replace("'", "'\"'\"'") + "'"


def _apply(reg: Profiles, tmp_path: Any, manifest: str) -> None:
    path = tmp_path / "np.yaml"
    path.write_text(manifest)
    out, err, rc = run_line(f"kubectl -p np -- apply -f {path}", reg)
    assert rc == 0, err
