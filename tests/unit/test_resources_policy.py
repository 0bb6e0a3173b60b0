"""Resources as the API server sees them: QoS classes (GetPodQOS), what a pod costs a quota
(the quota evaluators), LimitRange defaults and LimitRanger's checks, quota admission and
validation of LimitRanges and ResourceQuotas — on a bare store with the admission hooks."""

from __future__ import annotations

from typing import Any

import pytest

from kubenb.api import quota_usage as qu
from kubenb.api.errors import Forbidden, Invalid
from kubenb.api.limitranger import LimitRanger, LimitRangerValidation
from kubenb.api.pods import qos_class
from kubenb.api.quota_admission import ResourceQuotaAdmission
from kubenb.api.store import Store
from kubenb.clock import VirtualClock
from kubenb.controllers.resourcequota import ResourceQuotaController
from tests import builders


def _pod(*containers: dict[str, Any], init: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    spec: dict[str, Any] = {"containers": [{"name": f"c{i}", "image": "nginx", "resources": r}
                                           for i, r in enumerate(containers)]}
    if init:
        spec["initContainers"] = [{"name": f"i{i}", "image": "busybox", "resources": r} for i, r in enumerate(init)]
    return {"kind": "Pod", "metadata": {"name": "p"}, "spec": spec}


G = {"limits": {"cpu": "1", "memory": "1Gi"}, "requests": {"cpu": "1", "memory": "1Gi"}}


@pytest.mark.parametrize(("pod", "want"), [
    (_pod({}), "BestEffort"),
    (_pod({"limits": {"ephemeral-storage": "1Gi"}}), "BestEffort"),  # only cpu and memory count
    (_pod({"requests": {"cpu": "0"}}), "BestEffort"),  # zero amounts are ignored
    (_pod(G), "Guaranteed"),
    (_pod(G, G), "Guaranteed"),
    (_pod({"limits": {"cpu": "1000m", "memory": "1024Mi"}, "requests": {"cpu": "1", "memory": "1Gi"}}), "Guaranteed"),
    (_pod(G, {}), "Burstable"),
    (_pod(G, init=[{"requests": {"cpu": "1"}}]), "Burstable"),  # init containers count
    (_pod({"limits": {"cpu": "1", "memory": "1Gi"}, "requests": {"cpu": "500m", "memory": "1Gi"}}), "Burstable"),
    (_pod({"limits": {"cpu": "1"}, "requests": {"cpu": "1"}}), "Burstable"),
])
def test_qos_class_follows_get_pod_qos(pod: dict[str, Any], want: str) -> None:
    assert qos_class(pod) == want


def test_pod_usage_sums_containers_and_takes_the_larger_init_container() -> None:
    pod = _pod({"requests": {"cpu": "250m", "memory": "64Mi"}}, {"requests": {"cpu": "250m"}, "limits": {"cpu": "1"}},
               init=[{"requests": {"cpu": "2"}}])
    used = qu.usage(pod, "pods", "")
    assert qu.to_api(used) == {"count/pods": "1", "cpu": "2", "limits.cpu": "1", "memory": "64Mi", "pods": "1",
                               "requests.cpu": "2", "requests.memory": "64Mi"}
    pod["status"] = {"phase": "Succeeded"}
    assert qu.to_api(qu.usage(pod, "pods", "")) == {"count/pods": "1"}
    # a zero takes the format of what is added to it (Go's Quantity.Add)
    assert str(qu.add({"memory": qu.amount("0")}, {"memory": qu.amount("128Mi")})["memory"]) == "128Mi"


def _store() -> Store:
    store = Store(VirtualClock(), seed=1)
    store.ensure_namespaces()
    store.hooks.append(LimitRanger(store))
    store.validating_hooks += [LimitRangerValidation(store), ResourceQuotaAdmission(store)]
    return store


def _limit_range(**item: Any) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "LimitRange", "metadata": {"name": "lr", "namespace": "default"},
            "spec": {"limits": [{"type": "Container", **item}]}}


def test_limit_range_defaults_fill_containers_and_say_so() -> None:
    store = _store()
    lr = store.create(_limit_range(max={"cpu": "2"}, min={"memory": "64Mi"}))
    # SetDefaults_LimitRangeItem: default limit from max, default request from it or from min
    assert lr["spec"]["limits"][0]["default"] == {"cpu": "2"}
    assert lr["spec"]["limits"][0]["defaultRequest"] == {"cpu": "2", "memory": "64Mi"}
    pod = store.create(builders.pod("p", container="app"))
    assert pod["spec"]["containers"][0]["resources"] == {"limits": {"cpu": "2"},
                                                         "requests": {"cpu": "2", "memory": "64Mi"}}
    assert pod["metadata"]["annotations"]["kubernetes.io/limit-ranger"] == (
        "LimitRanger plugin set: cpu, memory request for container app; cpu limit for container app")
    assert pod["status"]["qosClass"] == "Burstable"


def test_limit_ranger_refuses_with_the_plugins_words() -> None:
    store = _store()
    store.create(_limit_range(min={"cpu": "100m"}, max={"memory": "1Gi"}, maxLimitRequestRatio={"cpu": "2"},
                              default={"cpu": "1", "memory": "512Mi"}, defaultRequest={"cpu": "500m"}))
    with pytest.raises(Forbidden) as err:
        store.create(builders.pod("x", requests={"cpu": "50m"}, limits={"memory": "2Gi"}))
    assert err.value.message == (
        'pods "x" is forbidden: [minimum cpu usage per Container is 100m, but request is 50m, maximum memory '
        'usage per Container is 1Gi, but limit is 2Gi, cpu max limit to request ratio per Container is 2, but '
        'provided ratio is 20.000000]')
    assert err.value.details == {"name": "x", "kind": "pods"}
    with pytest.raises(Forbidden, match=r"^pods \"y\" is forbidden: maximum memory usage per Container is 1Gi, "
                                        r"but limit is 2Gi$"):
        store.create(builders.pod("y", requests={"cpu": "1"}, limits={"memory": "2Gi"}))
    assert store.try_get("Pod", "default", "x") is None
    store.create(builders.pod("ok"))  # the defaults satisfy the range


def test_limit_range_validation_messages() -> None:
    store = _store()
    with pytest.raises(Invalid) as err:
        store.create(_limit_range(min={"cpu": "2"}, max={"cpu": "1"}))
    assert err.value.message == (
        'LimitRange "lr" is invalid: [spec.limits[0].min[cpu]: Invalid value: "2": min value 2 is greater than '
        'max value 1, spec.limits[0].defaultRequest[cpu]: Invalid value: "1": min value 2 is greater than default '
        'request value 1, spec.limits[0].default[cpu]: Invalid value: "1": min value 2 is greater than default '
        'value 1]')
    with pytest.raises(Invalid, match="must be a standard resource for quota"):
        store.create({"kind": "ResourceQuota", "metadata": {"name": "q"}, "spec": {"hard": {"bogus": "1"}}})


def _quota(store: Store, **hard: str) -> dict[str, Any]:
    quota = store.create({"kind": "ResourceQuota", "metadata": {"name": "q"}, "spec": {"hard": hard}})
    ResourceQuotaController.reconcile(_controller(store), _key(quota))
    return store.get("ResourceQuota", "default", "q")


class _Ctx:
    def __init__(self, store: Store) -> None:
        self.store, self.clock = store, store.clock

    def recorder(self, name: str) -> None:
        return None


def _controller(store: Store) -> ResourceQuotaController:
    return ResourceQuotaController(_Ctx(store))  # type: ignore[arg-type]


def _key(obj: dict[str, Any]) -> Any:
    from kubenb.api.objects import key_of
    return key_of(obj)


def test_quota_admission_counts_refuses_and_the_controller_recounts() -> None:
    store = _store()
    early = store.create({"kind": "ResourceQuota", "metadata": {"name": "q"}, "spec": {"hard": {"pods": "2"}}})
    store.create(builders.pod("first"))  # a quota the controller has not seen (no status.hard) applies to nothing
    store.update({**early, "status": {"hard": {"pods": "2"}}}, subresource="status")
    with pytest.raises(Forbidden, match=r'^pods "early" is forbidden: status unknown for quota: q, resources: pods$'):
        store.create(builders.pod("early"))
    store.delete("ResourceQuota", "default", "q")
    store.delete("Pod", "default", "first", grace_period_seconds=0)
    q = _quota(store, **{"requests.cpu": "1", "limits.memory": "1Gi", "pods": "2", "configmaps": "1"})
    assert q["status"] == {"hard": {"configmaps": "1", "limits.memory": "1Gi", "pods": "2", "requests.cpu": "1"},
                           "used": {"configmaps": "0", "limits.memory": "0", "pods": "0", "requests.cpu": "0"}}
    with pytest.raises(Forbidden) as err:
        store.create(builders.pod("bare", container="app"))
    assert err.value.message == ('pods "bare" is forbidden: failed quota: q: must specify limits.memory for: app; '
                                 'requests.cpu for: app')
    store.create(builders.pod("a", requests={"cpu": "600m"}, limits={"memory": "512Mi"}))
    assert store.get("ResourceQuota", "default", "q")["status"]["used"] == {
        "configmaps": "0", "limits.memory": "512Mi", "pods": "1", "requests.cpu": "600m"}
    with pytest.raises(Forbidden) as err:
        store.create(builders.pod("b", requests={"cpu": "600m"}, limits={"memory": "600Mi"}))
    assert err.value.message == ('pods "b" is forbidden: exceeded quota: q, requested: limits.memory=600Mi,'
                                 'requests.cpu=600m, used: limits.memory=512Mi,requests.cpu=600m, limited: '
                                 'limits.memory=1Gi,requests.cpu=1')
    store.create(builders.configmap("one"))
    with pytest.raises(Forbidden, match=r'^configmaps "two" is forbidden: exceeded quota: q, requested: '
                                        r'configmaps=1, used: configmaps=1, limited: configmaps=1$'):
        store.create(builders.configmap("two"))
    store.delete("Pod", "default", "a", grace_period_seconds=0)
    ResourceQuotaController.reconcile(_controller(store), _key(q))
    assert store.get("ResourceQuota", "default", "q")["status"]["used"] == {
        "configmaps": "1", "limits.memory": "0", "pods": "0", "requests.cpu": "0"}


def test_the_controller_counts_services_claims_storage_and_object_counts() -> None:
    store = _store()
    store.create({"kind": "Service", "metadata": {"name": "web"},
                  "spec": {"type": "NodePort", "selector": {"app": "web"},
                           "ports": [{"port": 80, "name": "a"}, {"port": 443, "name": "b"}]}})
    store.create(builders.pvc("data", "2Gi", storageClassName="fast"))
    store.create(builders.pvc("more", "512Mi"))
    store.create(builders.deployment("web"))
    q = _quota(store, **{"services": "5", "services.nodeports": "2", "persistentvolumeclaims": "3",
                         "requests.storage": "10Gi", "fast.storageclass.storage.k8s.io/requests.storage": "5Gi",
                         "count/deployments.apps": "1", "secrets": "4", "resourcequotas": "1"})
    assert q["status"]["used"] == {
        "count/deployments.apps": "1", "fast.storageclass.storage.k8s.io/requests.storage": "2Gi",
        "persistentvolumeclaims": "2", "requests.storage": "2560Mi", "resourcequotas": "1", "secrets": "0",
        "services": "1", "services.nodeports": "2"}
    with pytest.raises(Forbidden, match="exceeded quota: q, requested: count/deployments.apps=1, used: "
                                        "count/deployments.apps=1, limited: count/deployments.apps=1$"):
        store.create(builders.deployment("api"))
