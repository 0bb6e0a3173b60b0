"""kube-system through real kubectl 1.32: `get pods -A` and `get ds,deploy -n kube-system` as
the API server serves them, the same text kubenb's own kubectl prints."""

from __future__ import annotations

import pytest

from kubenb.api.pods import is_pod_ready

from .conftest import KUBECTL_132, Served
from .test_kubectl import ours, words

pytestmark = pytest.mark.skipif(not __import__("shutil").which(KUBECTL_132), reason="needs kubectl 1.32")


def settled(served: Served) -> bool:
    pods = served.store.list("Pod", "kube-system")
    return len(pods) == 8 and all(is_pod_ready(p) for p in pods)


@pytest.mark.parametrize("args", [("get", "pods", "-A"), ("get", "pods", "-A", "-o", "wide"),
                                  ("get", "ds,deploy", "-n", "kube-system"),
                                  ("get", "pods", "-n", "kube-system", "-l", "k8s-app=kube-proxy")])
def test_kube_system_with_real_kubectl(served: Served, args: tuple[str, ...]) -> None:
    served.cluster.wait_for(lambda: settled(served), 60)
    run = served.kubectl(*args, binary=KUBECTL_132)
    assert run.rc == 0 and run.err == ""
    assert words(run.out) == words(ours(served, *args))
    names = [w[1] for w in words(run.out)[1:] if w and w[0] == "kube-system"]
    if args[:3] == ("get", "pods", "-A"):
        assert {"etcd-minikube", "kube-apiserver-minikube", "kube-controller-manager-minikube",
                "kube-scheduler-minikube", "storage-provisioner"} <= set(names)
        assert sum(n.startswith("kube-proxy-") for n in names) == 2
        assert sum(n.startswith("coredns-") for n in names) == 1
