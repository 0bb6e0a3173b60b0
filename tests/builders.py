"""Kubernetes objects for tests: fresh JSON dicts of the usual small shape, with keywords for
the variations.

    from tests.builders import deployment, pod, service
    pod("web")                      # one `nginx` container named `c`, namespace `default`
    deployment("web", "nginx:1.27", 3, container="web")
    service("web", type="NodePort", port=8080)

Conventions, shared by every builder:

- Each call returns a new dict that shares nothing with other calls or with its arguments.
- `namespace=None` leaves `metadata.namespace` out (the store, or the URL posted to, fills it).
- Labels, annotations, selectors, ports, requests … given empty are left out, as the API
  server's JSON leaves out empty fields: `labels={}` is how a Deployment goes without the
  `app: <name>` labels it otherwise gets.
- `meta=`, `status=` (and a Node's `spec=`) are added as given, after what was built:
  creationTimestamp, uid, ownerReferences, a labels map that must stay even when empty …
- Other keyword arguments are fields of the object's spec (a workload's own spec), set last,
  so they can also replace what was built: `pod("p", containers=[...])`.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from typing import Any

Obj = dict[str, Any]

__all__ = ["condition", "configmap", "container", "cronjob", "daemonset", "deployment", "job",
           "hpa", "node", "pdb", "pod", "pv", "pvc", "replicaset", "replicationcontroller", "service",
           "statefulset"]


def _metadata(name: str, namespace: str | None, labels: Mapping[str, str] | None,
              annotations: Mapping[str, str] | None, meta: Mapping[str, Any] | None) -> Obj:
    m: Obj = {"name": name}
    if namespace is not None:
        m["namespace"] = namespace
    if labels:
        m["labels"] = dict(labels)
    if annotations:
        m["annotations"] = dict(annotations)
    m.update(meta or {})
    return m


def _fresh(obj: Obj) -> Obj:
    """The object with nothing shared with the caller's arguments."""
    return copy.deepcopy(obj)


def container(name: str = "c", image: str = "nginx", *, command: Sequence[str] | None = None,
              args: Sequence[str] | None = None, env: Sequence[Mapping[str, Any]] | None = None,
              ports: Sequence[int | Mapping[str, Any]] | None = None,
              requests: Mapping[str, str] | None = None, limits: Mapping[str, str] | None = None,
              **fields: Any) -> Obj:
    """A container; `ports` as numbers (containerPort) or whole port dicts; `fields` as given
    (readinessProbe, imagePullPolicy …)."""
    c: Obj = {"name": name, "image": image}
    if command:
        c["command"] = list(command)
    if args:
        c["args"] = list(args)
    if env:
        c["env"] = list(env)
    if ports:
        c["ports"] = [dict(p) if isinstance(p, Mapping) else {"containerPort": p} for p in ports]
    resources = {k: dict(v) for k, v in (("requests", requests), ("limits", limits)) if v}
    if resources:
        c["resources"] = resources
    c.update(fields)
    return _fresh(c)


def pod(name: str, image: str = "nginx", *, namespace: str | None = "default",
        labels: Mapping[str, str] | None = None, annotations: Mapping[str, str] | None = None,
        meta: Mapping[str, Any] | None = None, container: str = "c",
        command: Sequence[str] | None = None, args: Sequence[str] | None = None,
        env: Sequence[Mapping[str, Any]] | None = None,
        ports: Sequence[int | Mapping[str, Any]] | None = None,
        requests: Mapping[str, str] | None = None, limits: Mapping[str, str] | None = None,
        node: str | None = None, restart: str | None = None, grace: int | None = None,
        phase: str | None = None, status: Mapping[str, Any] | None = None, **spec: Any) -> Obj:
    """A Pod of one container (`container`, `image`, command … as `container()` takes them);
    `node` is spec.nodeName, `restart` spec.restartPolicy, `grace`
    spec.terminationGracePeriodSeconds; `phase` and `status` make a status (left out without)."""
    pod_spec: Obj = {"containers": [_container(container, image, command=command, args=args,
                                               env=env, ports=ports, requests=requests,
                                               limits=limits)]}
    if node:
        pod_spec["nodeName"] = node
    if restart:
        pod_spec["restartPolicy"] = restart
    if grace is not None:
        pod_spec["terminationGracePeriodSeconds"] = grace
    pod_spec.update(spec)
    obj: Obj = {"apiVersion": "v1", "kind": "Pod",
                "metadata": _metadata(name, namespace, labels, annotations, meta),
                "spec": pod_spec}
    if phase is not None or status is not None:
        obj["status"] = {**({"phase": phase} if phase is not None else {}), **(status or {})}
    return _fresh(obj)


def deployment(name: str, image: str = "nginx", replicas: int | None = 1, *,
               namespace: str | None = "default", labels: Mapping[str, str] | None = None,
               annotations: Mapping[str, str] | None = None,
               selector: Mapping[str, str] | None = None, container: str = "c",
               pod_spec: Mapping[str, Any] | None = None, meta: Mapping[str, Any] | None = None,
               status: Mapping[str, Any] | None = None, **spec: Any) -> Obj:
    """A Deployment of `replicas` (None leaves spec.replicas out) pods of one container.

    `selector` is the matchLabels and the template's labels (default `app: <name>`); `labels`,
    the Deployment's own, default to the selector's (`{}` for none); `pod_spec` adds fields to
    the template's spec; other keywords are fields of the Deployment's spec (strategy …)."""
    sel = dict(selector) if selector is not None else {"app": name}
    body: Obj = {}
    if replicas is not None:
        body["replicas"] = replicas
    body["selector"] = {"matchLabels": dict(sel)}
    body["template"] = {"metadata": {"labels": dict(sel)},
                        "spec": {"containers": [_container(container, image)], **(pod_spec or {})}}
    body.update(spec)
    obj: Obj = {"apiVersion": "apps/v1", "kind": "Deployment",
                "metadata": _metadata(name, namespace, sel if labels is None else labels,
                                      annotations, meta),
                "spec": body}
    if status is not None:
        obj["status"] = dict(status)
    return _fresh(obj)


def replicaset(name: str, image: str = "nginx", replicas: int | None = 1, **kwargs: Any) -> Obj:
    """A ReplicaSet: what `deployment()` builds from the same arguments, of kind ReplicaSet."""
    return {**deployment(name, image, replicas, **kwargs), "kind": "ReplicaSet"}


def daemonset(name: str, image: str = "nginx", **kwargs: Any) -> Obj:
    """A DaemonSet: `deployment()`'s shape without replicas, of kind DaemonSet (spec keywords
    such as updateStrategy as given)."""
    obj = deployment(name, image, None, **kwargs)
    return {**obj, "kind": "DaemonSet"}


def replicationcontroller(name: str, image: str = "nginx", replicas: int | None = 1,
                          **kwargs: Any) -> Obj:
    """A v1 ReplicationController: `deployment()`'s shape with a plain-map selector."""
    obj = deployment(name, image, replicas, **kwargs)
    obj["spec"]["selector"] = dict(obj["spec"]["selector"]["matchLabels"])
    return {**obj, "apiVersion": "v1", "kind": "ReplicationController"}


def statefulset(name: str, image: str = "nginx", replicas: int | None = 1, *,
                service_name: str | None = None, claims: Sequence[str] = ("www",),
                storage: str = "1Gi", mount: str = "/usr/share/nginx/html", **kwargs: Any) -> Obj:
    """A StatefulSet: `deployment()`'s arguments, `serviceName` (default: the name), and one
    `ReadWriteOnce` volumeClaimTemplate of `storage` per name in `claims`, mounted at
    `mount` (then `mount`-1, -2 …) in the container."""
    obj = {**deployment(name, image, replicas, **kwargs), "kind": "StatefulSet"}
    spec = obj["spec"]
    spec["serviceName"] = name if service_name is None else service_name
    if claims:
        spec["volumeClaimTemplates"] = [
            {"metadata": {"name": c}, "spec": {"accessModes": ["ReadWriteOnce"],
                                               "resources": {"requests": {"storage": storage}}}}
            for c in claims]
        spec["template"]["spec"]["containers"][0]["volumeMounts"] = [
            {"name": c, "mountPath": mount if i == 0 else f"{mount}-{i}"} for i, c in enumerate(claims)]
    return _fresh(obj)


def service(name: str, *, namespace: str | None = "default",
            labels: Mapping[str, str] | None = None, annotations: Mapping[str, str] | None = None,
            selector: Mapping[str, str] | None = None, type: str | None = None, port: int = 80,
            ports: Sequence[int | Mapping[str, Any]] | None = None,
            meta: Mapping[str, Any] | None = None, status: Mapping[str, Any] | None = None,
            **spec: Any) -> Obj:
    """A Service selecting `app: <name>` (`selector={}` for none) on one `port`; `ports`
    replaces that list (numbers or whole port dicts, `[]` for none); `type` is left out
    unless given."""
    body: Obj = {}
    if type:
        body["type"] = type
    sel = {"app": name} if selector is None else selector
    if sel:
        body["selector"] = dict(sel)
    port_list = [port] if ports is None else ports
    if port_list:
        body["ports"] = [dict(p) if isinstance(p, Mapping) else {"port": p} for p in port_list]
    body.update(spec)
    obj: Obj = {"apiVersion": "v1", "kind": "Service",
                "metadata": _metadata(name, namespace, labels, annotations, meta), "spec": body}
    if status is not None:
        obj["status"] = dict(status)
    return _fresh(obj)


def condition(type: str, status: bool | str = True, **fields: Any) -> Obj:
    """A status condition: `condition("Ready")`, `condition("Ready", False, reason="…")`."""
    value = status if isinstance(status, str) else ("True" if status else "False")
    return {"type": type, "status": value, **fields}


def node(name: str, *, labels: Mapping[str, str] | None = None,
         annotations: Mapping[str, str] | None = None,
         capacity: Mapping[str, str] | None = None, allocatable: Mapping[str, str] | None = None,
         conditions: Sequence[Mapping[str, Any]] | None = None,
         meta: Mapping[str, Any] | None = None, spec: Mapping[str, Any] | None = None,
         status: Mapping[str, Any] | None = None) -> Obj:
    """A Node (cluster-scoped): `spec` as given (left out when None), and a status only when
    something is put in it."""
    obj: Obj = {"apiVersion": "v1", "kind": "Node",
                "metadata": _metadata(name, None, labels, annotations, meta)}
    if spec is not None:
        obj["spec"] = dict(spec)
    st: Obj = {}
    if capacity:
        st["capacity"] = dict(capacity)
    if allocatable:
        st["allocatable"] = dict(allocatable)
    if conditions:
        st["conditions"] = [dict(c) for c in conditions]
    st.update(status or {})
    if st or status is not None:
        obj["status"] = st
    return _fresh(obj)


def configmap(name: str, data: Mapping[str, str] | None = None, *,
              namespace: str | None = "default", labels: Mapping[str, str] | None = None,
              annotations: Mapping[str, str] | None = None,
              meta: Mapping[str, Any] | None = None) -> Obj:
    """A ConfigMap; `data` as given (None leaves it out, `{}` stays)."""
    obj: Obj = {"apiVersion": "v1", "kind": "ConfigMap",
                "metadata": _metadata(name, namespace, labels, annotations, meta)}
    if data is not None:
        obj["data"] = dict(data)
    return _fresh(obj)


_container = container  # pod() and the workloads take a parameter of that name


def job(name: str, image: str = "busybox", command: Sequence[str] | None = ("sh", "-c", "exit 0"), *,
        namespace: str | None = "default", restart_policy: str = "Never",
        annotations: Mapping[str, str] | None = None, **spec: Any) -> Obj:
    """A batch/v1 Job with one container `c` running `command` (template pod annotations optional)."""
    template: Obj = {"spec": {"restartPolicy": restart_policy,
                              "containers": [container("c", image, command=command)]}}
    if annotations:
        template["metadata"] = {"annotations": dict(annotations)}
    return _fresh({"apiVersion": "batch/v1", "kind": "Job",
                   "metadata": _metadata(name, namespace, None, None, None),
                   "spec": {**spec, "template": template}})


def cronjob(name: str, schedule: str = "@hourly", image: str = "busybox",
            command: Sequence[str] | None = ("sh", "-c", "exit 0"), *,
            namespace: str | None = "default", job_spec: Mapping[str, Any] | None = None,
            annotations: Mapping[str, str] | None = None, **spec: Any) -> Obj:
    """A batch/v1 CronJob whose jobs run one container `c` (restartPolicy OnFailure)."""
    template = job("x", image, command, restart_policy="OnFailure", annotations=annotations)["spec"]["template"]
    return _fresh({"apiVersion": "batch/v1", "kind": "CronJob",
                   "metadata": _metadata(name, namespace, None, None, None),
                   "spec": {"schedule": schedule, **spec,
                            "jobTemplate": {"spec": {**(job_spec or {}), "template": template}}}})


def pdb(name: str, *, selector: Mapping[str, str] | None = None, namespace: str = "default",
        min_available: int | str | None = None, max_unavailable: int | str | None = None,
        **spec: Any) -> Obj:
    """A policy/v1 PodDisruptionBudget selecting `selector` (default `app: <name>`)."""
    body: Obj = {"selector": {"matchLabels": dict(selector or {"app": name})}, **spec}
    if min_available is not None:
        body["minAvailable"] = min_available
    if max_unavailable is not None:
        body["maxUnavailable"] = max_unavailable
    return {"apiVersion": "policy/v1", "kind": "PodDisruptionBudget",
            "metadata": {"name": name, "namespace": namespace}, "spec": body}


def hpa(name: str, target: str | None = None, *, kind: str = "Deployment", min_replicas: int | None = 1,
        max_replicas: int = 10, cpu: int | None = 50, namespace: str = "default", **spec: Any) -> Obj:
    """An autoscaling/v2 HorizontalPodAutoscaler of `kind/target` (default: its own name) on CPU."""
    body: Obj = {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": kind, "name": target or name},
                 "maxReplicas": max_replicas, **spec}
    if min_replicas is not None:
        body["minReplicas"] = min_replicas
    if cpu is not None:
        body["metrics"] = [{"type": "Resource", "resource": {
            "name": "cpu", "target": {"type": "Utilization", "averageUtilization": cpu}}}]
    return {"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
            "metadata": {"name": name, "namespace": namespace}, "spec": body}


def pvc(name: str, storage: str | None = "1Gi", *, namespace: str | None = "default",
        access_modes: Sequence[str] = ("ReadWriteOnce",), labels: Mapping[str, str] | None = None,
        meta: Mapping[str, Any] | None = None, **spec: Any) -> Obj:
    """A PersistentVolumeClaim asking for `storage` (None: no request); `spec` as given
    (storageClassName, volumeName, selector …)."""
    s: Obj = {"accessModes": list(access_modes)}
    if storage is not None:
        s["resources"] = {"requests": {"storage": storage}}
    s.update(spec)
    return _fresh({"apiVersion": "v1", "kind": "PersistentVolumeClaim",
                   "metadata": _metadata(name, namespace, labels, None, meta), "spec": s})


def pv(name: str, storage: str = "1Gi", *, path: str = "/mnt/data",
       access_modes: Sequence[str] = ("ReadWriteOnce",), labels: Mapping[str, str] | None = None,
       meta: Mapping[str, Any] | None = None, **spec: Any) -> Obj:
    """A hostPath PersistentVolume of `storage`; `spec` as given (storageClassName,
    persistentVolumeReclaimPolicy, claimRef …)."""
    s: Obj = {"capacity": {"storage": storage}, "accessModes": list(access_modes),
              "hostPath": {"path": path}}
    s.update(spec)
    return _fresh({"apiVersion": "v1", "kind": "PersistentVolume",
                   "metadata": _metadata(name, None, labels, None, meta), "spec": s})
