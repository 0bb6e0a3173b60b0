"""kubectl for ResourceQuota and LimitRange on a seeded virtual cluster: `create quota`, the
quota controller's status in `get quota` / `describe quota`, the exceeded-quota error as
kubectl prints it, a Deployment whose pods the quota refuses (FailedCreate event on the
ReplicaSet, ReplicaFailure condition on both), LimitRange defaults and refusals, `get
limits`, `describe limitrange`, and QoS classes in `describe pod`. (Real kubectl 1.32 against
the same texts: tests/server/test_quota_kubectl.py.)"""

from __future__ import annotations

import json
from typing import Any

from tests import builders


def _qos(described: str) -> str:
    return next(line.split()[-1] for line in described.splitlines() if line.startswith("QoS Class:"))


LIMITS = {"apiVersion": "v1", "kind": "LimitRange", "metadata": {"name": "limits"},
          "spec": {"limits": [{"type": "Container", "default": {"cpu": "500m", "memory": "256Mi"},
                               "defaultRequest": {"cpu": "200m"}, "min": {"cpu": "100m"}, "max": {"cpu": "1"},
                               "maxLimitRequestRatio": {"memory": "2"}},
                              {"type": "Pod", "max": {"memory": "1Gi"}}]}}


def test_create_and_show_a_quota(kube: Any, vcluster: Any) -> None:
    assert kube("create quota q --hard=requests.cpu=1,limits.memory=1Gi,pods=2,count/deployments.apps=1").out \
        == "resourcequota/q created\n"
    vcluster.advance(1)
    assert kube("get quota").out == (
        "NAME   AGE   REQUEST                                                     LIMIT\n"
        "q      1s    count/deployments.apps: 0/1, pods: 0/2, requests.cpu: 0/1   limits.memory: 0/1Gi\n")
    pod = builders.pod("web", requests={"cpu": "250m"}, limits={"memory": "128Mi"})
    assert kube("apply -f -", stdin=json.dumps(pod)).out == "pod/web created\n"
    vcluster.advance(1)
    assert kube("describe quota q").out == (
        "Name:                   q\n"
        "Namespace:              default\n"
        "Resource                Used   Hard\n"
        "--------                ----   ----\n"
        "count/deployments.apps  0      1\n"
        "limits.memory           128Mi  1Gi\n"
        "pods                    1      2\n"
        "requests.cpu            250m   1\n")
    big = builders.pod("big", requests={"cpu": "900m"}, limits={"memory": "128Mi"})
    r = kube("apply -f -", stdin=json.dumps(big))
    assert (r.out, r.err, r.rc) == ("", 'Error from server (Forbidden): error when creating "STDIN": pods "big" is '
                                        'forbidden: exceeded quota: q, requested: requests.cpu=900m, used: '
                                        'requests.cpu=250m, limited: requests.cpu=1\n', 1)
    r = kube("run bare --image=nginx")
    assert r.err == ('Error from server (Forbidden): pods "bare" is forbidden: failed quota: q: must specify '
                     'limits.memory for: bare; requests.cpu for: bare\n')
    assert kube("create quota bad --hard=cpu").err == \
        "error: Invalid argument syntax cpu, expected <resource>=<value>\n"
    assert kube("get pods -o name").out == "pod/web\n"
    kube("delete pod web --grace-period=0 --force")
    vcluster.advance(1)
    assert kube("get quota q -o jsonpath={.status.used}").out == \
        '{"count/deployments.apps":"0","limits.memory":"0","pods":"0","requests.cpu":"0"}'


def test_a_deployment_the_quota_refuses_reports_replica_failure(kube: Any, vcluster: Any) -> None:
    kube("create quota pods --hard=pods=1")
    vcluster.advance(1)
    kube("create deployment web --image=nginx --replicas=2")
    vcluster.advance(5)
    assert kube("get rs -o jsonpath={.items[0].status.replicas}").out == "1"
    rs = kube("get rs -o name").out.strip()
    described = kube(f"describe {rs}").out
    assert "  ReplicaFailure   True    FailedCreate\n" in described
    assert "Warning  FailedCreate" in described
    assert 'Error creating: pods "web-' in described
    assert '" is forbidden: exceeded quota: pods, requested: pods=1, used: pods=1, limited: pods=1' in described
    conditions = json.loads(kube("get deploy web -o jsonpath={.status.conditions}").out)
    failure = next(c for c in conditions if c["type"] == "ReplicaFailure")
    assert failure["reason"] == "FailedCreate" and "exceeded quota: pods" in failure["message"]


def test_limit_range_defaults_and_refusals(kube: Any, vcluster: Any) -> None:
    assert kube("apply -f -", stdin=json.dumps(LIMITS)).out == "limitrange/limits created\n"
    assert kube("get limits").out == "NAME     CREATED AT\nlimits   2025-01-06T10:00:00Z\n"
    assert kube("describe limitrange limits").out == (
        "Name:       limits\n"
        "Namespace:  default\n"
        "Type        Resource  Min   Max  Default Request  Default Limit  Max Limit/Request Ratio\n"
        "----        --------  ---   ---  ---------------  -------------  -----------------------\n"
        "Container   cpu       100m  1    200m             500m           -\n"
        "Container   memory    -     -    256Mi            256Mi          2\n"
        "Pod         memory    -     1Gi  -                -              -\n")
    kube("run app --image=nginx")
    pod = json.loads(kube("get pod app -o json").out)
    assert pod["spec"]["containers"][0]["resources"] == {"limits": {"cpu": "500m", "memory": "256Mi"},
                                                         "requests": {"cpu": "200m", "memory": "256Mi"}}
    assert pod["metadata"]["annotations"] == {
        "kubernetes.io/limit-ranger": "LimitRanger plugin set: cpu, memory request for container app; "
                                      "cpu, memory limit for container app"}
    assert _qos(kube("describe pod app").out) == "Burstable"
    bad = builders.pod("greedy", container="app", requests={"cpu": "50m", "memory": "100Mi"},
                       limits={"cpu": "2", "memory": "300Mi"})
    r = kube("apply -f -", stdin=json.dumps(bad))
    assert r.err == ('Error from server (Forbidden): error when creating "STDIN": pods "greedy" is forbidden: '
                     '[minimum cpu usage per Container is 100m, but request is 50m, maximum cpu usage per '
                     'Container is 1, but limit is 2, memory max limit to request ratio per Container is 2, but '
                     'provided ratio is 3.000000]\n')
    invalid = {**LIMITS, "metadata": {"name": "bad"},
               "spec": {"limits": [{"type": "Pod", "default": {"cpu": "1"}}]}}
    assert kube("apply -f -", stdin=json.dumps(invalid)).err == (
        'The LimitRange "bad" is invalid: spec.limits[0].default[cpu]: Forbidden: may not be specified when '
        "`type` is 'Pod'\n")


def test_qos_classes_in_describe_pod(kube: Any) -> None:
    guaranteed = builders.pod("g", limits={"cpu": "500m", "memory": "128Mi"})
    kube("apply -f -", stdin=json.dumps(guaranteed))
    kube("run b --image=nginx")
    assert _qos(kube("describe pod g").out) == "Guaranteed"
    assert kube("get pod g -o jsonpath={.spec.containers[0].resources.requests}").out == \
        '{"cpu":"500m","memory":"128Mi"}'  # requests default to limits
    assert kube("get pod b -o jsonpath={.status.qosClass}").out == "BestEffort"
    over = builders.pod("over", requests={"cpu": "2"}, limits={"cpu": "1"})
    assert kube("apply -f -", stdin=json.dumps(over)).err == (
        'The Pod "over" is invalid: spec.containers[0].resources.requests: Invalid value: "2": must be less '
        "than or equal to cpu limit of 1\n")
