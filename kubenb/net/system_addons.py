"""What kubeadm and minikube apply to a new cluster: CoreDNS, kube-proxy, storage-provisioner.

`bootstrap_addons(store, kubernetes_version)` creates, in kube-system, each object that is
missing (so a restarted cluster gets back what was deleted, as `minikube start` re-applies
its addons):

  Deployment `coredns`   kubeadm's CoreDNS addon, scaled to 1 replica by minikube; its pods
                         (`coredns-<hash>-<5>`, label k8s-app=kube-dns) back the `kube-dns`
                         Service (kubenb/net/services.py); the controllers and the scheduler
                         handle them like any Deployment's pods;
  DaemonSet `kube-proxy` kubeadm's kube-proxy addon: one hostNetwork pod per node
                         (`kube-proxy-<5>`), kept by the DaemonSet controller as nodes come
                         and go; kubenb's service proxy (kubenb/net/proxy.py) is what runs;
  Pod `storage-provisioner`  minikube's addon: a bare hostNetwork pod (nothing recreates it
                         when deleted, as on minikube) that the scheduler places.

Their images are component images (kubenb/node/runtime/component.py): the kubelet runs
them in the kernel, never as a process or container. The manifests follow kubeadm v1.32's
and minikube's templates, with the defaults the API server adds left to it.
"""

from __future__ import annotations

import logging
from typing import Any

from kubenb.api.errors import ApiError
from kubenb.api.store import Store
from kubenb.node.runtime.component import component_images

log = logging.getLogger("kubenb.net")

NAMESPACE = "kube-system"
CONTROL_PLANE_TAINT = "node-role.kubernetes.io/control-plane"


def coredns(image: str) -> dict[str, Any]:
    """kubeadm's CoreDNS Deployment (replicas: minikube's 1)."""
    labels = {"k8s-app": "kube-dns"}
    container = {
        "args": ["-conf", "/etc/coredns/Corefile"],
        "image": image, "imagePullPolicy": "IfNotPresent",
        "livenessProbe": {"failureThreshold": 5, "httpGet": {
            "path": "/health", "port": 8080, "scheme": "HTTP"}, "initialDelaySeconds": 60,
            "periodSeconds": 10, "successThreshold": 1, "timeoutSeconds": 5},
        "name": "coredns",
        "ports": [{"containerPort": 53, "name": "dns", "protocol": "UDP"},
                  {"containerPort": 53, "name": "dns-tcp", "protocol": "TCP"},
                  {"containerPort": 9153, "name": "metrics", "protocol": "TCP"}],
        "readinessProbe": {"failureThreshold": 3, "httpGet": {
            "path": "/ready", "port": 8181, "scheme": "HTTP"}, "periodSeconds": 10,
            "successThreshold": 1, "timeoutSeconds": 1},
        "resources": {"limits": {"memory": "170Mi"}, "requests": {"cpu": "100m",
                                                                  "memory": "70Mi"}},
        "securityContext": {"allowPrivilegeEscalation": False, "capabilities": {
            "add": ["NET_BIND_SERVICE"], "drop": ["ALL"]}, "readOnlyRootFilesystem": True},
        "volumeMounts": [{"mountPath": "/etc/coredns", "name": "config-volume",
                          "readOnly": True}],
    }
    affinity = {"podAntiAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [{
        "podAffinityTerm": {"labelSelector": {"matchExpressions": [
            {"key": "k8s-app", "operator": "In", "values": ["kube-dns"]}]},
            "topologyKey": "kubernetes.io/hostname"}, "weight": 100}]}}
    return {
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"labels": dict(labels), "name": "coredns", "namespace": NAMESPACE},
        "spec": {
            "replicas": 1, "selector": {"matchLabels": dict(labels)},
            "strategy": {"rollingUpdate": {"maxSurge": "25%", "maxUnavailable": 1},
                         "type": "RollingUpdate"},
            "template": {"metadata": {"labels": dict(labels)}, "spec": {
                "affinity": affinity, "containers": [container], "dnsPolicy": "Default",
                "nodeSelector": {"kubernetes.io/os": "linux"},
                "priorityClassName": "system-cluster-critical",
                "serviceAccountName": "coredns",
                "tolerations": [{"key": "CriticalAddonsOnly", "operator": "Exists"},
                                {"effect": "NoSchedule", "key": CONTROL_PLANE_TAINT}],
                "volumes": [{"configMap": {"defaultMode": 420, "items": [
                    {"key": "Corefile", "path": "Corefile"}], "name": "coredns"},
                    "name": "config-volume"}]}},
        },
    }


def kube_proxy(image: str) -> dict[str, Any]:
    """kubeadm's kube-proxy DaemonSet."""
    labels = {"k8s-app": "kube-proxy"}
    container = {
        "command": ["/usr/local/bin/kube-proxy", "--config=/var/lib/kube-proxy/config.conf",
                    "--hostname-override=$(NODE_NAME)"],
        "env": [{"name": "NODE_NAME", "valueFrom": {"fieldRef": {
            "apiVersion": "v1", "fieldPath": "spec.nodeName"}}}],
        "image": image, "imagePullPolicy": "IfNotPresent", "name": "kube-proxy",
        "securityContext": {"privileged": True},
        "volumeMounts": [{"mountPath": "/var/lib/kube-proxy", "name": "kube-proxy"},
                         {"mountPath": "/run/xtables.lock", "name": "xtables-lock"},
                         {"mountPath": "/lib/modules", "name": "lib-modules", "readOnly": True}],
    }
    return {
        "apiVersion": "apps/v1", "kind": "DaemonSet",
        "metadata": {"labels": dict(labels), "name": "kube-proxy", "namespace": NAMESPACE},
        "spec": {
            "selector": {"matchLabels": dict(labels)},
            "template": {"metadata": {"labels": dict(labels)}, "spec": {
                "containers": [container], "hostNetwork": True,
                "nodeSelector": {"kubernetes.io/os": "linux"},
                "priorityClassName": "system-node-critical",
                "serviceAccountName": "kube-proxy",
                "tolerations": [{"operator": "Exists"}],
                "volumes": [{"configMap": {"defaultMode": 420, "name": "kube-proxy"},
                             "name": "kube-proxy"},
                            {"hostPath": {"path": "/run/xtables.lock", "type": "FileOrCreate"},
                             "name": "xtables-lock"},
                            {"hostPath": {"path": "/lib/modules", "type": ""},
                             "name": "lib-modules"}]}},
            "updateStrategy": {"rollingUpdate": {"maxSurge": 0, "maxUnavailable": 1},
                               "type": "RollingUpdate"},
        },
    }


def storage_provisioner(image: str) -> dict[str, Any]:
    """minikube's storage-provisioner addon: a bare pod."""
    return {
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"labels": {"addonmanager.kubernetes.io/mode": "Reconcile",
                                "integration-test": "storage-provisioner"},
                     "name": "storage-provisioner", "namespace": NAMESPACE},
        "spec": {"containers": [{"command": ["/storage-provisioner"], "image": image,
                                 "imagePullPolicy": "IfNotPresent",
                                 "name": "storage-provisioner",
                                 "volumeMounts": [{"mountPath": "/tmp", "name": "tmp"}]}],
                 "hostNetwork": True, "serviceAccountName": "storage-provisioner",
                 "volumes": [{"hostPath": {"path": "/tmp", "type": "Directory"},
                              "name": "tmp"}]},
    }


def addon_objects(kubernetes_version: str) -> list[dict[str, Any]]:
    images = component_images(kubernetes_version)
    return [coredns(images["coredns"]), kube_proxy(images["kube-proxy"]),
            storage_provisioner(images["storage-provisioner"])]


def bootstrap_addons(store: Store, kubernetes_version: str) -> None:
    """Create each addon object that kube-system does not have yet."""
    for obj in addon_objects(kubernetes_version):
        meta = obj["metadata"]
        if store.try_get(obj["kind"], NAMESPACE, meta["name"]) is None:
            try:
                store.create(obj)
            except ApiError as err:  # kube-system being deleted: nothing to do
                log.warning("%s %s: %s", obj["kind"], meta["name"], err)
