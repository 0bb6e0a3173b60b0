"""minikube's `ingress` addon: the objects `minikube addons enable ingress` applies.

`enable(store, cluster)` creates, as minikube v1.35's ingress-deploy.yaml does (ingress-nginx
v1.11.3): the `ingress-nginx` namespace, the `ingress-nginx` and `ingress-nginx-admission`
ServiceAccounts, the controller's ConfigMaps, the Services `ingress-nginx-controller`
(NodePort 80/443) and `ingress-nginx-controller-admission`, the Deployment
`ingress-nginx-controller` (one pod on the primary node, hostPorts 80 and 443), the
admission Jobs `ingress-nginx-admission-create`/`-patch` and the IngressClass `nginx`
(annotated as the cluster's default class, as minikube ships it). The Secret
`ingress-nginx-admission` that the create Job's kube-webhook-certgen writes is written here
(the Job's container runs in the kernel and does nothing itself). Not applied: the RBAC
objects and the ValidatingWebhookConfiguration (kubenb has no admission webhooks).
`disable(store)` deletes what `enable` made (the namespace takes its contents with it).

The images are component images (kubenb/node/runtime/component.py): the kubelet runs them in
the kernel; the controller itself is kubenb/net/ingress_controller.py.
"""

from __future__ import annotations

import base64
from typing import Any

from kubenb.api.errors import AlreadyExists, NotFound
from kubenb.api.store import Store
from kubenb.node.runtime.component import CERTGEN_IMAGE, INGRESS_NGINX_IMAGE

NAMESPACE = "ingress-nginx"
CLASS = "nginx"
CONTROLLER_CLASS = "k8s.io/ingress-nginx"
IMAGES = (INGRESS_NGINX_IMAGE, CERTGEN_IMAGE, CERTGEN_IMAGE)  # minikube prints each "Using image"
_BASE = {"app.kubernetes.io/instance": "ingress-nginx", "app.kubernetes.io/name": "ingress-nginx"}
CONTROLLER_LABELS = {"app.kubernetes.io/component": "controller", **_BASE}
ADMISSION_LABELS = {"app.kubernetes.io/component": "admission-webhook", **_BASE}
_ENV_NS = {"name": "POD_NAMESPACE", "valueFrom": {"fieldRef": {"fieldPath": "metadata.namespace"}}}
_NON_ROOT = {"allowPrivilegeEscalation": False, "readOnlyRootFilesystem": True,
             "runAsNonRoot": True, "runAsUser": 65532, "seccompProfile": {"type": "RuntimeDefault"}}


def _meta(name: str, labels: dict[str, str], **kw: Any) -> dict[str, Any]:
    return {"name": name, "namespace": NAMESPACE, "labels": dict(labels), **kw}


def _controller() -> dict[str, Any]:
    probe = {"failureThreshold": 3, "httpGet": {"path": "/healthz", "port": 10254, "scheme": "HTTP"},
             "initialDelaySeconds": 10, "periodSeconds": 10, "successThreshold": 1,
             "timeoutSeconds": 1}
    container = {
        "args": ["/nginx-ingress-controller", "--election-id=ingress-nginx-leader",
                 "--controller-class=k8s.io/ingress-nginx", "--watch-ingress-without-class=true",
                 "--configmap=$(POD_NAMESPACE)/ingress-nginx-controller",
                 "--tcp-services-configmap=$(POD_NAMESPACE)/tcp-services",
                 "--udp-services-configmap=$(POD_NAMESPACE)/udp-services",
                 "--validating-webhook=:8443",
                 "--validating-webhook-certificate=/usr/local/certificates/cert",
                 "--validating-webhook-key=/usr/local/certificates/key"],
        "env": [{"name": "POD_NAME", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}},
                _ENV_NS, {"name": "LD_PRELOAD", "value": "/usr/local/lib/libmimalloc.so"}],
        "image": INGRESS_NGINX_IMAGE, "imagePullPolicy": "IfNotPresent",
        "lifecycle": {"preStop": {"exec": {"command": ["/wait-shutdown"]}}},
        "livenessProbe": {**probe, "failureThreshold": 5}, "name": "controller",
        "ports": [{"containerPort": 80, "hostPort": 80, "name": "http", "protocol": "TCP"},
                  {"containerPort": 443, "hostPort": 443, "name": "https", "protocol": "TCP"},
                  {"containerPort": 8443, "name": "webhook", "protocol": "TCP"}],
        "readinessProbe": probe,
        "resources": {"requests": {"cpu": "100m", "memory": "90Mi"}},
        "securityContext": {"allowPrivilegeEscalation": False, "capabilities": {
            "add": ["NET_BIND_SERVICE"], "drop": ["ALL"]}, "readOnlyRootFilesystem": False,
            "runAsNonRoot": True, "runAsUser": 101, "seccompProfile": {"type": "RuntimeDefault"}},
        "volumeMounts": [{"mountPath": "/usr/local/certificates/", "name": "webhook-cert",
                          "readOnly": True}],
    }
    return {
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": _meta("ingress-nginx-controller", CONTROLLER_LABELS),
        "spec": {
            "minReadySeconds": 0, "revisionHistoryLimit": 10,
            "selector": {"matchLabels": dict(CONTROLLER_LABELS)},
            "strategy": {"rollingUpdate": {"maxUnavailable": 1}, "type": "RollingUpdate"},
            "template": {"metadata": {"labels": {**CONTROLLER_LABELS, "gcp-auth-skip-secret": "true"}},
                         "spec": {
                "containers": [container], "dnsPolicy": "ClusterFirst",
                "nodeSelector": {"kubernetes.io/os": "linux", "minikube.k8s.io/primary": "true"},
                "serviceAccountName": "ingress-nginx", "terminationGracePeriodSeconds": 0,
                "tolerations": [{"effect": "NoSchedule", "key": "node-role.kubernetes.io/master",
                                 "operator": "Equal"}],
                "volumes": [{"name": "webhook-cert",
                             "secret": {"secretName": "ingress-nginx-admission"}}]}},
        },
    }


def _job(name: str, args: list[str]) -> dict[str, Any]:
    return {
        "apiVersion": "batch/v1", "kind": "Job",
        "metadata": _meta(f"ingress-nginx-admission-{name}", ADMISSION_LABELS),
        "spec": {"template": {
            "metadata": {"labels": dict(ADMISSION_LABELS), "name": f"ingress-nginx-admission-{name}"},
            "spec": {"containers": [{"args": args, "env": [_ENV_NS], "image": CERTGEN_IMAGE,
                                     "imagePullPolicy": "IfNotPresent", "name": name,
                                     "securityContext": _NON_ROOT}],
                     "nodeSelector": {"kubernetes.io/os": "linux"}, "restartPolicy": "OnFailure",
                     "serviceAccountName": "ingress-nginx-admission"}}},
    }


def _service(name: str, type_: str, ports: list[dict[str, Any]]) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Service", "metadata": _meta(name, CONTROLLER_LABELS),
            "spec": {"ipFamilies": ["IPv4"], "ipFamilyPolicy": "SingleStack", "ports": ports,
                     "selector": dict(CONTROLLER_LABELS), "type": type_}}


def addon_objects(cert_pem: bytes, key_pem: bytes) -> list[dict[str, Any]]:
    """The objects of minikube's ingress-deploy.yaml kubenb applies, in its order."""
    def b64(data: bytes) -> str:
        return base64.b64encode(data).decode()

    return [
        {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": NAMESPACE, "labels": dict(_BASE)}},
        {"apiVersion": "v1", "kind": "ServiceAccount", "automountServiceAccountToken": True,
         "metadata": _meta("ingress-nginx", CONTROLLER_LABELS)},
        {"apiVersion": "v1", "kind": "ServiceAccount",
         "metadata": _meta("ingress-nginx-admission", ADMISSION_LABELS)},
        {"apiVersion": "v1", "kind": "ConfigMap", "data": {"allow-snippet-annotations": "false",
                                                           "hsts": "false"},
         "metadata": _meta("ingress-nginx-controller", CONTROLLER_LABELS)},
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": _meta("tcp-services", CONTROLLER_LABELS)},
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": _meta("udp-services", CONTROLLER_LABELS)},
        # what the create Job's kube-webhook-certgen writes
        {"apiVersion": "v1", "kind": "Secret", "type": "Opaque",
         "metadata": {"name": "ingress-nginx-admission", "namespace": NAMESPACE},
         "data": {"ca": b64(cert_pem), "cert": b64(cert_pem), "key": b64(key_pem)}},
        _service("ingress-nginx-controller", "NodePort", [
            {"appProtocol": "http", "name": "http", "port": 80, "protocol": "TCP", "targetPort": "http"},
            {"appProtocol": "https", "name": "https", "port": 443, "protocol": "TCP",
             "targetPort": "https"}]),
        _service("ingress-nginx-controller-admission", "ClusterIP", [
            {"appProtocol": "https", "name": "https-webhook", "port": 443, "targetPort": "webhook"}]),
        _controller(),
        _job("create", ["create", "--host=ingress-nginx-controller-admission,"
                        "ingress-nginx-controller-admission.$(POD_NAMESPACE).svc",
                        "--namespace=$(POD_NAMESPACE)", "--secret-name=ingress-nginx-admission"]),
        _job("patch", ["patch", "--webhook-name=ingress-nginx-admission",
                       "--namespace=$(POD_NAMESPACE)", "--patch-mutating=false",
                       "--secret-name=ingress-nginx-admission", "--patch-failure-policy=Fail"]),
        {"apiVersion": "networking.k8s.io/v1", "kind": "IngressClass",
         "metadata": {"name": CLASS, "labels": dict(CONTROLLER_LABELS),
                      "annotations": {"ingressclass.kubernetes.io/is-default-class": "true"}},
         "spec": {"controller": CONTROLLER_CLASS}},
    ]


def enable(store: Store, cert_pem: bytes, key_pem: bytes) -> None:
    """Create each object of the addon that does not exist yet (`kubectl apply`)."""
    for obj in addon_objects(cert_pem, key_pem):
        try:
            store.create(obj)
        except AlreadyExists:
            pass


def disable(store: Store) -> None:
    """`kubectl delete -f ingress-deploy.yaml`: the class, then the namespace and its contents."""
    for kind, ns, name in (("IngressClass", None, CLASS), ("Namespace", None, NAMESPACE)):
        try:
            store.delete(kind, ns, name)
        except NotFound:
            pass
