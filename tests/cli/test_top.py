"""`kubectl top node|pod` with and without a Metrics API (a fake `client.metrics()` addon point)."""

from __future__ import annotations

from typing import Any

import pytest

from kubenb.client.inprocess import InProcessClient


class MetricsClient(InProcessClient):
    """The in-process client plus a Metrics API serving fixed NodeMetrics / PodMetrics."""

    def __init__(self, cluster: Any, nodes: list[dict[str, Any]] | None, pods: list[dict[str, Any]] | None) -> None:
        super().__init__(cluster.store, cluster)
        self.node_metrics, self.pod_metrics = nodes, pods

    def metrics(self, kind: str, namespace: str | None, name: str | None = None,
                label_selector: str | None = None) -> list[dict[str, Any]] | None:
        items = self.node_metrics if kind == "Node" else self.pod_metrics
        if items is None:
            return None
        return [m for m in items if (namespace is None or m["metadata"].get("namespace") == namespace)
                and (name is None or m["metadata"]["name"] == name)]


def node_metrics(name: str, cpu: str, memory: str) -> dict[str, Any]:
    return {"apiVersion": "metrics.k8s.io/v1beta1", "kind": "NodeMetrics", "metadata": {"name": name},
            "usage": {"cpu": cpu, "memory": memory}}


def pod_metrics(ns: str, name: str, *containers: tuple[str, str, str]) -> dict[str, Any]:
    return {"apiVersion": "metrics.k8s.io/v1beta1", "kind": "PodMetrics", "metadata": {"name": name, "namespace": ns},
            "containers": [{"name": c, "usage": {"cpu": cpu, "memory": mem}} for c, cpu, mem in containers]}


PODS = [pod_metrics("default", "web-b", ("web", "5m", "20Mi")),
        pod_metrics("default", "web-a", ("web", "12m", "10Mi"), ("side", "1m", "1536Ki")),
        pod_metrics("kube-system", "dns", ("coredns", "3m", "15Mi"))]


@pytest.mark.parametrize("line", ["top node", "top nodes", "top pod", "top pods -A"])
def test_without_metrics_api(kube: Any, vcluster: Any, line: str) -> None:
    r = kube(line)
    assert (r.out, r.err, r.rc) == ("", "error: Metrics API not available\n", 1)
    kube.client = MetricsClient(vcluster, None, None)  # the addon point exists but says "not available"
    r = kube(line)
    assert (r.out, r.err, r.rc) == ("", "error: Metrics API not available\n", 1)


def test_top_node_columns_and_percentages(kube: Any, vcluster: Any) -> None:
    kube.client = MetricsClient(vcluster, [node_metrics("minikube", "250m", "1200Mi")], [])
    r = kube("top node")
    # every cell ends in a TAB, so every column (the last too) is padded: trailing spaces
    assert r.out == ("NAME       CPU(cores)   CPU(%)   MEMORY(bytes)   MEMORY(%)   \n"
                     "minikube   250m         12%      1200Mi          29%         \n")
    assert (r.err, r.rc) == ("", 0)
    assert kube("top node --no-headers").out == "minikube   250m   12%   1200Mi   29%   \n"


def test_top_node_without_metrics_for_a_node(kube: Any, vcluster: Any) -> None:
    kube.client = MetricsClient(vcluster, [node_metrics("other", "1", "1Gi")], [])
    lines = kube("top node").out.splitlines()
    assert lines[-1].split() == ["minikube", "<unknown>", "<unknown>", "<unknown>", "<unknown>"]
    kube.client = MetricsClient(vcluster, [], [])
    assert kube("top node").err == "error: metrics not available yet\n"


def test_top_pod_namespace_sorting_sum_and_containers(kube: Any, vcluster: Any) -> None:
    kube.client = MetricsClient(vcluster, [], PODS)
    assert kube("top pod").out == ("NAME    CPU(cores)   MEMORY(bytes)   \n"
                                   "web-a   13m          11Mi            \n"
                                   "web-b   5m           20Mi            \n")
    assert kube("top pod --sort-by=memory").out.splitlines()[1].startswith("web-b")
    assert kube("top pod -A").out.splitlines() == [
        "NAMESPACE     NAME    CPU(cores)   MEMORY(bytes)   ",
        "default       web-a   13m          11Mi            ",
        "default       web-b   5m           20Mi            ",
        "kube-system   dns     3m           15Mi            "]
    assert kube("top pod --containers").out.splitlines() == [
        "POD     NAME   CPU(cores)   MEMORY(bytes)   ",
        "web-a   side   1m           1Mi             ",
        "web-a   web    12m          10Mi            ",
        "web-b   web    5m           20Mi            "]
    assert kube("top pod --sum").out.splitlines()[-2:] == [
        "        ________     ________        ", "        18m          31Mi            "]


def test_top_pod_errors(kube: Any, vcluster: Any) -> None:
    kube.client = MetricsClient(vcluster, [], [])
    assert kube("top pod").err == "No resources found in default namespace.\n"
    assert kube("top pod --sort-by=disk").err == "error: --sort-by accepts only cpu or memory\n"
    assert kube("top pod x -l a=b").err == "error: only one of NAME or selector can be provided\n"
