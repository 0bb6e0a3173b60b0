"""The in-kernel "component" runtime: containers of the cluster's own parts.

On minikube, kube-system holds pods for the components that make up the cluster: etcd,
kube-apiserver, kube-controller-manager and kube-scheduler (static pods of the
control-plane node), CoreDNS, kube-proxy and the storage provisioner. In kubenb those
components really run — in the kernel: the store, the controllers, the scheduler, the
service proxy. Their pods therefore start no process and no Docker container whatever
the node's runtime is: the kubelet (kubenb/node/kubelet.py) hands every pod whose images
are all `COMPONENT_IMAGES` to a `ComponentRuntime` of its own instead of the node's.

A `ComponentRuntime` is the sim runtime's bookkeeping (containers without processes, on
the cluster clock) with what sets these pods apart:
  - their images are on the node from the start (minikube preloads them: the kubelet says
    `Container image … already present on machine`);
  - a `hostNetwork` pod's sandbox has the node's IP (every component pod but CoreDNS);
  - container ids read as the node runtime's (`docker://…` on the docker driver);
  - `kubectl logs` shows the component's own start-up lines in klog's format, stamped
    with the container's start time;
  - these images have no shell: `kubectl exec` gets the OCI runtime's "executable file not
    found" (as on minikube, whose component images are distroless).
"""

from __future__ import annotations

import hashlib
import ipaddress
from dataclasses import replace
from datetime import datetime
from typing import Any

from kubenb.config import Context
from kubenb.node.images import (
    Behaviour,
    Catalog,
    CatalogEntry,
    ImageNotFound,
    InvalidReference,
    normalize,
)
from kubenb.node.runtime.base import ContainerConfig, ExecError, ImageInfo, Runtime, RuntimeCluster
from kubenb.node.runtime.sim import SimRuntime

ETCD_VERSION = "3.5.16-0"
COREDNS_VERSION = "v1.11.3"
PROVISIONER_VERSION = "v5"
# minikube v1.35's ingress addon (kubenb/net/ingress_addon.py): ingress-nginx and its certgen jobs
INGRESS_NGINX_IMAGE = ("registry.k8s.io/ingress-nginx/controller:v1.11.3@sha256:"
                       "d56f135b6462cfc476447cfe564b83a45e8bb7da2774963b00d12161112270b7")
CERTGEN_IMAGE = ("registry.k8s.io/ingress-nginx/kube-webhook-certgen:v1.4.4@sha256:"
                 "a9f03b34a3cbfbb26d103a14046ab2c5130a80c3d69d526ff8063d2b37b9fd3f")


def component_images(kubernetes_version: str) -> dict[str, str]:
    """Component name → the image minikube runs for it with this Kubernetes version."""
    v = kubernetes_version
    return {
        "etcd": f"registry.k8s.io/etcd:{ETCD_VERSION}",
        "kube-apiserver": f"registry.k8s.io/kube-apiserver:{v}",
        "kube-controller-manager": f"registry.k8s.io/kube-controller-manager:{v}",
        "kube-scheduler": f"registry.k8s.io/kube-scheduler:{v}",
        "kube-proxy": f"registry.k8s.io/kube-proxy:{v}",
        "coredns": f"registry.k8s.io/coredns/coredns:{COREDNS_VERSION}",
        "storage-provisioner": f"gcr.io/k8s-minikube/storage-provisioner:{PROVISIONER_VERSION}",
    }


# repository → (component, image size); every tag of these repositories is a component image
_REPOSITORIES = {
    "registry.k8s.io/etcd": ("etcd", 56_909_194),
    "registry.k8s.io/kube-apiserver": ("kube-apiserver", 28_670_731),
    "registry.k8s.io/kube-controller-manager": ("kube-controller-manager", 26_258_470),
    "registry.k8s.io/kube-scheduler": ("kube-scheduler", 20_656_471),
    "registry.k8s.io/kube-proxy": ("kube-proxy", 30_907_858),
    "registry.k8s.io/coredns/coredns": ("coredns", 18_562_039),
    "gcr.io/k8s-minikube/storage-provisioner": ("storage-provisioner", 9_058_936),
    "registry.k8s.io/ingress-nginx/controller": ("ingress-nginx-controller", 104_850_434),
    "registry.k8s.io/ingress-nginx/kube-webhook-certgen": ("kube-webhook-certgen", 26_361_328),
}
_RUN_TO_COMPLETION = {"kube-webhook-certgen"}  # a Job's program: it does its work and exits 0


def component_of(image: str) -> str | None:
    """The component an image reference runs, or None for any other image."""
    try:
        found = _REPOSITORIES.get(normalize(image).repository)
    except InvalidReference:
        return None
    return found[0] if found else None


def is_component_pod(pod: dict[str, Any]) -> bool:
    """True when every container of the pod runs a component image."""
    spec = pod.get("spec") or {}
    images = [c.get("image") or "" for c in (spec.get("containers") or []) +
              (spec.get("initContainers") or [])]
    return bool(images) and all(component_of(i) is not None for i in images)


def _catalog() -> Catalog:
    pinned = {}  # repository -> {tag: digest} of the images minikube names by digest
    for ref in (INGRESS_NGINX_IMAGE, CERTGEN_IMAGE):
        name, _, digest = ref.partition("@")
        repo, _, tag = name.rpartition(":")
        pinned[repo] = {tag: digest}
    return Catalog(CatalogEntry(repo, Behaviour(
        program="exit" if name in _RUN_TO_COMPLETION else "server", size=size, has_bash=False),
        tag_pattern=r"v?[0-9][\w.-]*", digests=pinned.get(repo, {}))
        for repo, (name, size) in _REPOSITORIES.items())


def _klog(t: datetime, level: str, source: str, message: str) -> str:
    """One klog line: `I1207 14:46:03.123456       1 server.go:167] message`."""
    return f"{level}{t:%m%d %H:%M:%S}.{t.microsecond:06d}       1 {source}] {message}\n"


def start_lines(component: str, *, node: str, ip: str, version: str) -> list[tuple[str, str, str]]:
    """(level, source, message) of what a component logs as it starts."""
    lease = f'attempting to acquire leader lease kube-system/{component}...'
    acquired = f'successfully acquired lease kube-system/{component}'
    if component == "kube-apiserver":
        return [("I", "options.go:238", "external host was not specified, using " + ip),
                ("I", "server.go:143", f'"Version info" version="{version}"'),
                ("I", "secure_serving.go:213", "Serving securely on [::]:8443"),
                ("I", "controller.go:615", "quota admission added evaluator for: "
                 "serviceaccounts")]
    if component == "kube-controller-manager":
        return [("I", "serving.go:386", "Generated self-signed cert in-memory"),
                ("I", "controllermanager.go:185", f'"Starting" version="{version}"'),
                ("I", "secure_serving.go:213", "Serving securely on 127.0.0.1:10257"),
                ("I", "leaderelection.go:257", lease), ("I", "leaderelection.go:271", acquired),
                ("I", "shared_informer.go:320", "Caches are synced for garbage collector")]
    if component == "kube-scheduler":
        return [("I", "serving.go:386", "Generated self-signed cert in-memory"),
                ("I", "server.go:167", f'"Starting Kubernetes Scheduler" version="{version}"'),
                ("I", "secure_serving.go:213", "Serving securely on 127.0.0.1:10259"),
                ("I", "leaderelection.go:257", lease), ("I", "leaderelection.go:271", acquired)]
    if component == "etcd":
        return [("", "", '{"level":"info","msg":"starting an etcd server","etcd-version":"3.5.16",'
                 f'"name":"{node}","advertise-client-urls":["https://{ip}:2379"]}}'),
                ("", "", '{"level":"info","msg":"serving client traffic securely",'
                 f'"address":"{ip}:2379"}}')]
    if component == "kube-proxy":
        return [("I", "server_linux.go:66", '"Using iptables proxy"'),
                ("I", "server.go:698", f'"Successfully retrieved node IP(s)" IPs=["{ip}"]'),
                ("I", "server.go:243", '"kube-proxy running in dual-stack mode" '
                 'primary ipFamily="IPv4"'),
                ("I", "config.go:199", '"Starting service config controller"'),
                ("I", "shared_informer.go:320", "Caches are synced for service config")]
    if component == "coredns":
        return [("", "", ".:53"), ("", "", "[INFO] plugin/reload: Running configuration "
                                           "SHA512 = 591cf328cccc12bc490481273e738df59329c62c0b729d"
                                           "94e8b61db9961c2fa5f046dd37f1cf888b953814040d180f5"
                                           "2594972691cd6ff41be96639138a43908"),
                ("", "", f"CoreDNS-{COREDNS_VERSION[1:]}"),
                ("", "", "linux/amd64, go1.21.11, a6338e9")]
    if component == "ingress-nginx-controller":
        return [("", "", "-" * 79), ("", "", "NGINX Ingress controller"),
                ("", "", "  Release:       v1.11.3"),
                ("", "", "  Repository:    https://github.com/kubernetes/ingress-nginx"),
                ("", "", "  nginx version: nginx/1.25.5"), ("", "", ""), ("", "", "-" * 79),
                ("", "", ""),
                ("I", "main.go:205", '"Creating API client" host="https://10.96.0.1:443"'),
                ("I", "nginx.go:271", '"Starting NGINX Ingress controller"'),
                ("I", "nginx.go:317", '"Starting NGINX process"'),
                ("I", "leaderelection.go:250", "attempting to acquire leader lease "
                 "ingress-nginx/ingress-nginx-leader..."),
                ("I", "controller.go:193", '"Configuration changes detected, backend reload '
                 'required"'),
                ("I", "controller.go:213", '"Backend successfully reloaded"')]
    if component == "kube-webhook-certgen":
        return [("", "", '{"level":"info","msg":"creating new secret","source":"cmd/create.go:28"}')]
    return [("I", "controller.go:835", "Starting provisioner controller "
             f"k8s.io/minikube-hostpath_{node}_{_suffix(node)}!")]


def _suffix(node: str) -> str:
    import uuid

    return str(uuid.uuid5(uuid.NAMESPACE_DNS, f"storage-provisioner.{node}"))


class ComponentRuntime(SimRuntime):
    """Containers of the cluster's own components: no process, preloaded images."""

    mounts_payloads = False

    def __init__(self, ctx: Context, node: str, *, address: str, node_runtime: Runtime,
                 pod_cidr: str = "10.244.0.0/24", cluster: RuntimeCluster | None = None) -> None:
        super().__init__(ctx, node, pod_cidr=pod_cidr, catalog=_catalog(), cluster=cluster)
        self.name = node_runtime.name  # container ids read as the node runtime's
        self.node_runtime = node_runtime
        self.address = address
        self._host = False

    async def image_status(self, ref: str) -> ImageInfo | None:
        found = await super().image_status(ref)
        if found is not None or component_of(ref) is None:
            return found
        try:
            img = self.catalog.resolve(ref)
        except (ImageNotFound, InvalidReference):
            return None
        info = ImageInfo(img.ref, img.repo_digest, img.image_id, img.size,
                         (f"{img.repository}:{img.tag}",))
        self._images[self._key(ref)] = (info, img)
        return info

    def _new_id(self) -> str:
        # its own sequence: never an id the node runtime hands out too
        return hashlib.sha256(f"{self.node}/component/{next(self._seq)}".encode()).hexdigest()

    async def run_sandbox(self, pod: dict[str, Any]) -> str:
        self._host = bool((pod.get("spec") or {}).get("hostNetwork"))
        try:  # the sim's run_sandbox allocates its IP before it first awaits
            return await super().run_sandbox(pod)
        finally:
            self._host = False

    def _allocate_ip(self) -> str:
        """A hostNetwork pod shares the node's network namespace: the node's IP; any other
        pod gets one of the node's pod addresses, from the node runtime's own pool."""
        if self._host:
            return self.address
        pool = self.node_runtime.pod_ips()
        return pool.allocate() if pool is not None else super()._allocate_ip()

    def _release_ip(self, ip: str) -> None:
        if ip == self.address:
            return
        pool = self.node_runtime.pod_ips()
        if pool is not None and ip and ipaddress.ip_address(ip) in pool.network:
            pool.release(ip)
        else:
            super()._release_ip(ip)

    async def create_container(self, pod: dict[str, Any], container: dict[str, Any],
                               config: ContainerConfig) -> str:
        # the component itself runs in the kernel: the container is its stand-in
        return await super().create_container(pod, container,
                                              replace(config, command=(), args=()))

    async def logs(self, container_id: str, *, tail: int | None = None,
                   timestamps: bool = False) -> str:
        c = self._get(container_id)
        started = c.status.started_at
        component = component_of(c.status.image)
        if started is None or component is None:
            return ""
        sandbox = await self.sandbox_status(c.status.pod_uid)
        ip = sandbox.ip if sandbox is not None else self.address
        version = self.ctx.kubernetes_version
        lines = []
        for level, source, message in start_lines(component, node=self.node, ip=ip,
                                                  version=version):
            text = _klog(started, level, source, message) if level else message + "\n"
            lines.append(text)
        if tail is not None:
            lines = lines[-tail:] if tail > 0 else []
        if timestamps:
            stamp = started.strftime("%Y-%m-%dT%H:%M:%S.") + f"{started.microsecond:06d}000Z"
            lines = [f"{stamp} {line}" for line in lines]
        return "".join(lines)

    async def exec(self, container_id: str, argv: list[str]) -> tuple[int, str]:
        c = self._get(container_id)
        if c.status.state != "running":
            raise ExecError("container not running (" + container_id + ")")
        name = argv[0] if argv else ""
        raise ExecError("OCI runtime exec failed: exec failed: unable to start container "
                        f'process: exec: "{name}": executable file not found in $PATH: unknown')
