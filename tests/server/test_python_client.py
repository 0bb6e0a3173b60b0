"""The official `kubernetes` Python client against the API server: list, watch, create,
patch, scale, delete deployments and pods, read logs, exec, and its error type."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from kubernetes import client, config, watch
from kubernetes.client.rest import ApiException
from kubernetes.stream import stream

from tests import builders

from .conftest import Served


@pytest.fixture
def api_client(served: Served) -> Iterator[client.ApiClient]:
    cfg = client.Configuration()
    config.load_kube_config(config_file=str(served.kubeconfig), client_configuration=cfg)
    with client.ApiClient(cfg) as api:
        yield api


def body(name: str, replicas: int = 1) -> dict[str, Any]:
    return builders.deployment(name, replicas=replicas, namespace=None, labels={}, container="web")


def test_create_list_patch_scale_delete_deployments(served: Served,
                                                    api_client: client.ApiClient) -> None:
    apps = client.AppsV1Api(api_client)
    created = apps.create_namespaced_deployment("default", body("py-web"))
    assert created.metadata.name == "py-web" and created.metadata.uid
    names = [d.metadata.name for d in apps.list_namespaced_deployment("default").items]
    assert "py-web" in names
    patched = apps.patch_namespaced_deployment("py-web", "default",
                                               {"metadata": {"labels": {"tier": "front"}}})
    assert patched.metadata.labels == {"tier": "front"}
    listed = apps.list_namespaced_deployment("default", label_selector="tier=front").items
    assert [d.metadata.name for d in listed] == ["py-web"]
    scale = apps.patch_namespaced_deployment_scale("py-web", "default", {"spec": {"replicas": 2}})
    assert scale.spec.replicas == 2
    json_patched = apps.patch_namespaced_deployment(
        "py-web", "default", [{"op": "replace", "path": "/spec/replicas", "value": 3}])
    assert json_patched.spec.replicas == 3
    served.cluster.wait_for(lambda: (served.store.get("Deployment", "default", "py-web")
                                     .get("status") or {}).get("readyReplicas") == 3, timeout=30)
    read = apps.read_namespaced_deployment("py-web", "default")
    assert read.status.ready_replicas == 3 and read.metadata.generation >= 1
    status = apps.delete_namespaced_deployment("py-web", "default")
    assert status["kind"] == "Status" and status["status"] == "Success"
    with pytest.raises(ApiException) as err:
        apps.read_namespaced_deployment("py-web", "default")
    assert err.value.status == 404 and '"reason":"NotFound"' in err.value.body


def test_pods_watch_logs_exec(served: Served, api_client: client.ApiClient) -> None:
    core = client.CoreV1Api(api_client)
    rv = core.list_namespaced_pod("default").metadata.resource_version
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "py-pod", "labels":
                                                           {"py": "yes"}},
           "spec": {"containers": [{"name": "c", "image": "nginx"}]}}
    core.create_namespaced_pod("default", pod)
    seen: list[tuple[str, str]] = []
    w = watch.Watch()
    for ev in w.stream(core.list_namespaced_pod, "default", label_selector="py=yes",
                       resource_version=rv, timeout_seconds=30):
        seen.append((ev["type"], ev["object"].status.phase))
        if ev["object"].status.phase == "Running":
            w.stop()
    assert seen[0] == ("ADDED", "Pending") and seen[-1] == ("MODIFIED", "Running")
    assert all(t in ("ADDED", "MODIFIED") for t, _ in seen)
    log = core.read_namespaced_pod_log("py-pod", "default")
    assert log == served.cluster.pod_logs("default", "py-pod")
    out = stream(core.connect_get_namespaced_pod_exec, "py-pod", "default",
                 command=["echo", "hello", "there"], stderr=True, stdin=False, stdout=True,
                 tty=False)
    assert out == "hello there\n"
    core.delete_namespaced_pod("py-pod", "default", grace_period_seconds=0)
    served.cluster.wait_for(lambda: served.store.try_get("Pod", "default", "py-pod") is None,
                            timeout=30)
    with pytest.raises(ApiException) as err:
        core.read_namespaced_pod("py-pod", "default")
    assert err.value.status == 404


def test_nodes_and_version(api_client: client.ApiClient) -> None:
    nodes = client.CoreV1Api(api_client).list_node().items
    assert [n.metadata.name for n in nodes] == ["minikube", "minikube-m02"]
    assert nodes[0].status.node_info.kubelet_version == "v1.32.0"
    version = client.VersionApi(api_client).get_code()
    assert version.git_version == "v1.32.0"
