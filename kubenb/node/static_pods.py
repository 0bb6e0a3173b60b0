"""Static pods of the control-plane node and the kubelet's mirror pods of them.

minikube's control-plane node runs etcd, kube-apiserver, kube-controller-manager and
kube-scheduler as static pods: kubeadm writes their manifests to /etc/kubernetes/manifests
and the node's kubelet runs them without the API server's say. So that they can be seen,
the kubelet writes a *mirror pod* of each to the API: `<component>-<node>` in kube-system,
annotated `kubernetes.io/config.mirror` (the manifest's hash), `config.source: file`,
`config.hash`, `config.seen`, owned by the Node, bound to the node (`spec.nodeName`: the
scheduler never sees them), priority class system-node-critical.

`static_manifests()` builds the four manifests as kubeadm v1.32 writes them for minikube
(command lines, probes, requests, volumes). `MirrorPods` is the kubelet's part (the
`mirrorPodClient` of pod_workers.go): `ensure()` creates a missing mirror pod; a mirror pod
that is deleted (or is being deleted, which it then finishes at once with grace 0, UID
precondition) is created again — same name, new UID — as the kubelet's next sync does. The
components behind them keep running (kubenb/node/runtime/component.py).
"""

from __future__ import annotations

import hashlib
import json
import logging
from typing import Any

from kubenb.api.errors import ApiError
from kubenb.api.objects import stamp
from kubenb.api.store import Store
from kubenb.clock import Clock
from kubenb.node.runtime.component import component_images

log = logging.getLogger("kubenb.kubelet")

MIRROR = "kubernetes.io/config.mirror"
CERTS = "/var/lib/minikube/certs"
NODE_CRITICAL = "system-node-critical"


def _host_path(name: str, path: str, type_: str = "DirectoryOrCreate") -> dict[str, Any]:
    return {"name": name, "hostPath": {"path": path, "type": type_}}


def _probe(path: str, port: int, host: str, scheme: str, failures: int,
           delay: int | None = 10, period: int = 10) -> dict[str, Any]:
    probe: dict[str, Any] = {"failureThreshold": failures,
                             "httpGet": {"host": host, "path": path, "port": port,
                                         "scheme": scheme}}
    if delay is not None:
        probe["initialDelaySeconds"] = delay
    probe.update({"periodSeconds": period, "timeoutSeconds": 15})
    return probe


def _ca_volumes() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    volumes = [_host_path("ca-certs", "/etc/ssl/certs"),
               _host_path("etc-ca-certificates", "/etc/ca-certificates"),
               _host_path("k8s-certs", CERTS),
               _host_path("usr-local-share-ca-certificates", "/usr/local/share/ca-certificates"),
               _host_path("usr-share-ca-certificates", "/usr/share/ca-certificates")]
    mounts = [{"mountPath": "/etc/ssl/certs", "name": "ca-certs", "readOnly": True},
              {"mountPath": "/etc/ca-certificates", "name": "etc-ca-certificates",
               "readOnly": True},
              {"mountPath": CERTS, "name": "k8s-certs", "readOnly": True},
              {"mountPath": "/usr/local/share/ca-certificates",
               "name": "usr-local-share-ca-certificates", "readOnly": True},
              {"mountPath": "/usr/share/ca-certificates", "name": "usr-share-ca-certificates",
               "readOnly": True}]
    return volumes, mounts


def _manifest(component: str, image: str, command: list[str], *, cpu: str,
              memory: str | None = None, probes: dict[str, Any],
              volumes: list[dict[str, Any]], mounts: list[dict[str, Any]],
              annotations: dict[str, str] | None = None) -> dict[str, Any]:
    requests = {"cpu": cpu} | ({"memory": memory} if memory else {})
    container = {"command": command, "image": image, "imagePullPolicy": "IfNotPresent",
                 **probes, "name": component, "resources": {"requests": requests},
                 "volumeMounts": mounts}
    return {
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"annotations": dict(annotations or {}),
                     "labels": {"component": component, "tier": "control-plane"},
                     "name": component, "namespace": "kube-system"},
        "spec": {"containers": [container], "hostNetwork": True,
                 "priority": 2000001000, "priorityClassName": NODE_CRITICAL,
                 "securityContext": {"seccompProfile": {"type": "RuntimeDefault"}},
                 "volumes": volumes},
    }


def static_manifests(ip: str, kubernetes_version: str, service_cidr: str = "10.96.0.0/12",
                     pod_cidr: str = "10.244.0.0/16") -> list[dict[str, Any]]:
    """The four manifests of /etc/kubernetes/manifests on minikube's control-plane node."""
    images = component_images(kubernetes_version)
    ca_vols, ca_mounts = _ca_volumes()
    etcd = _manifest(
        "etcd", images["etcd"],
        ["etcd", f"--advertise-client-urls=https://{ip}:2379",
         f"--cert-file={CERTS}/etcd/server.crt", "--client-cert-auth=true",
         "--data-dir=/var/lib/minikube/etcd", "--experimental-initial-corrupt-check=true",
         "--experimental-watch-progress-notify-interval=5s",
         f"--initial-advertise-peer-urls=https://{ip}:2380",
         f"--initial-cluster=minikube=https://{ip}:2380", f"--key-file={CERTS}/etcd/server.key",
         f"--listen-client-urls=https://127.0.0.1:2379,https://{ip}:2379",
         "--listen-metrics-urls=http://127.0.0.1:2381", f"--listen-peer-urls=https://{ip}:2380",
         "--name=minikube", f"--peer-cert-file={CERTS}/etcd/peer.crt",
         "--peer-client-cert-auth=true", f"--peer-key-file={CERTS}/etcd/peer.key",
         f"--peer-trusted-ca-file={CERTS}/etcd/ca.crt", "--proxy-refresh-interval=70000",
         "--snapshot-count=10000", f"--trusted-ca-file={CERTS}/etcd/ca.crt"],
        cpu="100m", memory="100Mi",
        probes={"livenessProbe": _probe("/livez", 2381, "127.0.0.1", "HTTP", 8),
                "readinessProbe": _probe("/readyz", 2381, "127.0.0.1", "HTTP", 3, None, 1),
                "startupProbe": _probe("/readyz", 2381, "127.0.0.1", "HTTP", 24)},
        volumes=[_host_path("etcd-certs", f"{CERTS}/etcd"),
                 _host_path("etcd-data", "/var/lib/minikube/etcd")],
        mounts=[{"mountPath": "/var/lib/minikube/etcd", "name": "etcd-data"},
                {"mountPath": f"{CERTS}/etcd", "name": "etcd-certs"}],
        annotations={"kubeadm.kubernetes.io/etcd.advertise-client-urls": f"https://{ip}:2379"})
    apiserver = _manifest(
        "kube-apiserver", images["kube-apiserver"],
        ["kube-apiserver", f"--advertise-address={ip}", "--allow-privileged=true",
         "--authorization-mode=Node,RBAC", f"--client-ca-file={CERTS}/ca.crt",
         "--enable-admission-plugins=NamespaceLifecycle,LimitRanger,ServiceAccount,"
         "DefaultStorageClass,DefaultTolerationSeconds,NodeRestriction,"
         "MutatingAdmissionWebhook,ValidatingAdmissionWebhook,ResourceQuota",
         "--enable-bootstrap-token-auth=true", f"--etcd-cafile={CERTS}/etcd/ca.crt",
         f"--etcd-certfile={CERTS}/apiserver-etcd-client.crt",
         f"--etcd-keyfile={CERTS}/apiserver-etcd-client.key",
         "--etcd-servers=https://127.0.0.1:2379",
         f"--kubelet-client-certificate={CERTS}/apiserver-kubelet-client.crt",
         f"--kubelet-client-key={CERTS}/apiserver-kubelet-client.key",
         "--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname",
         f"--proxy-client-cert-file={CERTS}/front-proxy-client.crt",
         f"--proxy-client-key-file={CERTS}/front-proxy-client.key",
         "--requestheader-allowed-names=front-proxy-client",
         f"--requestheader-client-ca-file={CERTS}/front-proxy-ca.crt",
         "--requestheader-extra-headers-prefix=X-Remote-Extra-",
         "--requestheader-group-headers=X-Remote-Group",
         "--requestheader-username-headers=X-Remote-User", "--secure-port=8443",
         "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
         f"--service-account-key-file={CERTS}/sa.pub",
         f"--service-account-signing-key-file={CERTS}/sa.key",
         f"--service-cluster-ip-range={service_cidr}", f"--tls-cert-file={CERTS}/apiserver.crt",
         f"--tls-private-key-file={CERTS}/apiserver.key"],
        cpu="250m",
        probes={"livenessProbe": _probe("/livez", 8443, ip, "HTTPS", 8),
                "readinessProbe": _probe("/readyz", 8443, ip, "HTTPS", 3, None, 1),
                "startupProbe": _probe("/livez", 8443, ip, "HTTPS", 24)},
        volumes=ca_vols, mounts=ca_mounts,
        annotations={"kubeadm.kubernetes.io/kube-apiserver.advertise-address.endpoint":
                     f"{ip}:8443"})
    cm_vols = ca_vols[:2] + [_host_path("flexvolume-dir",
                                        "/usr/libexec/kubernetes/kubelet-plugins/volume/exec"),
                             ca_vols[2],
                             _host_path("kubeconfig", "/etc/kubernetes/controller-manager.conf",
                                        "FileOrCreate")] + ca_vols[3:]
    cm_mounts = ca_mounts[:2] + [
        {"mountPath": "/usr/libexec/kubernetes/kubelet-plugins/volume/exec",
         "name": "flexvolume-dir"}, ca_mounts[2],
        {"mountPath": "/etc/kubernetes/controller-manager.conf", "name": "kubeconfig",
         "readOnly": True}] + ca_mounts[3:]
    conf = "/etc/kubernetes/controller-manager.conf"
    controller_manager = _manifest(
        "kube-controller-manager", images["kube-controller-manager"],
        ["kube-controller-manager", "--allocate-node-cidrs=true",
         f"--authentication-kubeconfig={conf}", f"--authorization-kubeconfig={conf}",
         "--bind-address=127.0.0.1", f"--client-ca-file={CERTS}/ca.crt",
         f"--cluster-cidr={pod_cidr}", "--cluster-name=mk",
         f"--cluster-signing-cert-file={CERTS}/ca.crt",
         f"--cluster-signing-key-file={CERTS}/ca.key", "--controllers=*,bootstrapsigner,"
         "tokencleaner", f"--kubeconfig={conf}", "--leader-elect=false",
         f"--requestheader-client-ca-file={CERTS}/front-proxy-ca.crt",
         f"--root-ca-file={CERTS}/ca.crt", f"--service-account-private-key-file={CERTS}/sa.key",
         f"--service-cluster-ip-range={service_cidr}", "--use-service-account-credentials=true"],
        cpu="200m",
        probes={"livenessProbe": _probe("/healthz", 10257, "127.0.0.1", "HTTPS", 8),
                "startupProbe": _probe("/healthz", 10257, "127.0.0.1", "HTTPS", 24)},
        volumes=cm_vols, mounts=cm_mounts)
    scheduler = _manifest(
        "kube-scheduler", images["kube-scheduler"],
        ["kube-scheduler", "--authentication-kubeconfig=/etc/kubernetes/scheduler.conf",
         "--authorization-kubeconfig=/etc/kubernetes/scheduler.conf", "--bind-address=127.0.0.1",
         "--kubeconfig=/etc/kubernetes/scheduler.conf", "--leader-elect=false"],
        cpu="100m",
        probes={"livenessProbe": _probe("/livez", 10259, "127.0.0.1", "HTTPS", 8),
                "readinessProbe": _probe("/readyz", 10259, "127.0.0.1", "HTTPS", 3, None, 1),
                "startupProbe": _probe("/livez", 10259, "127.0.0.1", "HTTPS", 24)},
        volumes=[_host_path("kubeconfig", "/etc/kubernetes/scheduler.conf", "FileOrCreate")],
        mounts=[{"mountPath": "/etc/kubernetes/scheduler.conf", "name": "kubeconfig",
                 "readOnly": True}])
    return [etcd, apiserver, controller_manager, scheduler]


def config_hash(manifest: dict[str, Any]) -> str:
    """The kubelet's hash of a static pod manifest (32 hex digits, stable)."""
    return hashlib.md5(json.dumps(manifest, sort_keys=True).encode(),
                       usedforsecurity=False).hexdigest()


def is_mirror_pod(pod: dict[str, Any]) -> bool:
    return MIRROR in ((pod.get("metadata") or {}).get("annotations") or {})


class MirrorPods:
    """The control-plane kubelet's mirror pods of its static pods."""

    def __init__(self, store: Store, clock: Clock, node: str, manifests: list[dict[str, Any]]
                 ) -> None:
        self.store = store
        self.clock = clock
        self.node = node
        self.manifests = {f"{m['metadata']['name']}-{node}": m for m in manifests}
        self.seen = stamp(clock.now())  # when the kubelet first read the manifests

    def mirror_of(self, name: str) -> dict[str, Any]:
        manifest = self.manifests[name]
        digest = config_hash(manifest)
        pod = json.loads(json.dumps(manifest))
        meta = pod["metadata"]
        meta["name"] = name
        meta["annotations"].update({"kubernetes.io/config.hash": digest, MIRROR: digest,
                                    "kubernetes.io/config.seen": self.seen,
                                    "kubernetes.io/config.source": "file"})
        node = self.store.try_get("Node", None, self.node)
        if node is not None:
            meta["ownerReferences"] = [{"apiVersion": "v1", "controller": True, "kind": "Node",
                                        "name": self.node, "uid": node["metadata"]["uid"]}]
        pod["spec"]["nodeName"] = self.node
        pod["spec"]["tolerations"] = [{"effect": "NoExecute", "operator": "Exists"}]
        return pod

    def ensure(self) -> None:
        """Create every mirror pod that is missing (the kubelet's sync of a static pod)."""
        for name in self.manifests:
            if self.store.try_get("Pod", "kube-system", name) is None:
                try:
                    self.store.create(self.mirror_of(name))
                except ApiError as err:  # a namespace being set up, a name taken meanwhile
                    log.debug("mirror pod %s: %s", name, err)

    def handles(self, event_type: str, pod: dict[str, Any]) -> bool:
        """Take a watch event of a pod on this node: True when it was one of our mirror
        pods being deleted or gone (the kubelet then recreates it; no pod worker stops
        the component)."""
        meta = pod["metadata"]
        if meta.get("namespace") != "kube-system" or meta["name"] not in self.manifests:
            return False
        if not is_mirror_pod(pod):
            return False
        if event_type == "DELETED":
            self.ensure()
            return False  # its worker still has to let go of the old UID
        if meta.get("deletionTimestamp"):
            try:  # DeleteMirrorPod: grace 0, only this UID
                self.store.delete("Pod", "kube-system", meta["name"], grace_period_seconds=0,
                                  uid=meta["uid"])
            except ApiError as err:
                log.debug("mirror pod %s: %s", meta["name"], err)
            return True
        return False
