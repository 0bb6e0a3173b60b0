"""Real probes end to end on a real clock: an HTTP readiness probe against a stand-in
server on the pod's IP takes the pod in and out of its Service, seen through a NodePort."""

from __future__ import annotations

import urllib.error
import urllib.request

from kubenb.api.pods import is_pod_ready
from kubenb.cluster import Cluster
from tests.net.standin import NET, HttpServer


def test_readiness_probe_takes_a_pod_out_of_its_node_port(pcluster: Cluster) -> None:
    server = HttpServer(f"{NET}1.3", 8080)  # node `minikube`'s first pod IP after CoreDNS's (.2)
    try:
        pcluster.store.create({
            "apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": "web", "namespace": "default", "labels": {"app": "web"}},
            "spec": {"nodeName": "minikube", "containers": [{
                "name": "app", "image": "nginx", "ports": [{"containerPort": 8080}],
                "readinessProbe": {"httpGet": {"path": "/ready", "port": 8080},
                                   "periodSeconds": 1, "failureThreshold": 1}}]}})
        svc = pcluster.store.create({
            "apiVersion": "v1", "kind": "Service", "metadata": {"name": "web", "namespace": "default"},
            "spec": {"type": "NodePort", "selector": {"app": "web"},
                     "ports": [{"port": 80, "targetPort": 8080}]}})
        url = f"http://{NET}0.3:{svc['spec']['ports'][0]['nodePort']}/"

        def pod() -> dict:  # type: ignore[type-arg]
            return pcluster.store.get("Pod", "default", "web")

        pcluster.wait_for(lambda: is_pod_ready(pod()), timeout=20)
        assert pod()["status"]["podIP"] == f"{NET}1.3"
        assert ("/ready", "kube-probe/1.32") in [(p, h.get("User-Agent")) for p, h in server.requests]
        pcluster.wait_for(lambda: bool(pcluster.kube_proxy.addresses()) and _answers(url), timeout=10)
        with urllib.request.urlopen(url, timeout=5) as r:
            assert r.read() == b"status 200"

        server.status = 503
        pcluster.wait_for(lambda: not is_pod_ready(pod()), timeout=20)
        pcluster.wait_for(lambda: not _answers(url), timeout=10)
        try:
            urllib.request.urlopen(url, timeout=5)
            raise AssertionError("the NodePort still answers")
        except urllib.error.URLError as err:
            assert isinstance(err.reason, ConnectionRefusedError)
        events = [e["message"] for e in pcluster.store.list("Event", "default")
                  if e["reason"] == "Unhealthy"]
        assert events == ["Readiness probe failed: HTTP probe failed with statuscode: 503"]
    finally:
        server.close()


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5):
            return True
    except urllib.error.HTTPError:
        return True
    except (urllib.error.URLError, ConnectionError):  # refused, or reset while it closed
        return False
