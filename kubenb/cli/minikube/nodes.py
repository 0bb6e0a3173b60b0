"""minikube node add|list|stop|start|delete, ip and service: one profile's machines.

A node stop is a node failure (`Profile.stop_node`): the node's pods die, heartbeats stop,
the node controller marks it NotReady, and its kube-proxy stops answering NodePorts, as when
minikube powers a machine off. `ip` prints a node's address and `service NAME [--url]` the
`http://<node ip>:<nodePort>` URLs of a Service (with the process driver a real HTTP client
reaches them through kube-proxy); `service list` every Service's URLs. `tunnel` starts the
profile's LoadBalancer emulator in the background (kubenb/net/tunnel.py) and prints its first
`Status:` report — minikube keeps printing it every 5 s in the foreground; a kernel cell
cannot — and `tunnel --stop` (kubenb's, like `kubectl proxy --stop`) ends it. Texts are
minikube v1.35's (cmd/minikube/cmd/service.go and tunnel.go, pkg/minikube/service and tunnel).
"""

from __future__ import annotations

from typing import Any

from kubenb.api.errors import NotFound
from kubenb.cli.kubectl.flags import Parsed
from kubenb.cli.minikube.lifecycle import find_node, node_label, node_lines, running_profile
from kubenb.cli.minikube.output import MinikubeExit, Out, table
from kubenb.profiles import Profile, Profiles, TooManyNodes


def cmd_node_add(o: Out, profiles: Profiles, f: Parsed, args: list[str]) -> int:
    prof = running_profile(o, profiles, f)
    try:
        machine = prof.add_node()
    except TooManyNodes as err:
        raise MinikubeExit("MK_USAGE", err.message, 14) from None
    label = node_label(prof, machine)
    o.step("happy", f"Adding node {label} to cluster {prof.name} as [worker]")
    profiles.wait_ready(prof)
    node_lines(o, prof, machine, False, True)
    o.step("verifying", "Verifying Kubernetes components...")
    o.step("done", f"Successfully added {label} to {prof.name}!")
    return 0


def cmd_node_list(o: Out, profiles: Profiles, f: Parsed, args: list[str]) -> int:
    prof = profiles.get(f["profile"])
    if prof is None:
        raise MinikubeExit("GUEST_NODE_RETRIEVE", f'loading profile "{f["profile"]}": profile not found', 85)
    for machine in prof.machines():
        o.line(f"{machine}\t{prof.ip(machine)}")
    return 0


def _one_node_arg(args: list[str], verb: str) -> str:
    if len(args) != 1:
        raise MinikubeExit("MK_USAGE", f"Usage: minikube node {verb} [name]", 14)
    return args[0]


def cmd_node_stop(o: Out, profiles: Profiles, f: Parsed, args: list[str]) -> int:
    prof = running_profile(o, profiles, f)
    machine = find_node(prof, _one_node_arg(args, "stop"))
    o.step("stopping", f'Stopping node "{machine}"  ...')
    prof.stop_node(machine)
    o.step("stopped", f"Successfully stopped node {machine}")
    return 0


def cmd_node_start(o: Out, profiles: Profiles, f: Parsed, args: list[str]) -> int:
    prof = running_profile(o, profiles, f)
    machine = find_node(prof, _one_node_arg(args, "start"))
    node_lines(o, prof, machine, machine == prof.name, False)
    prof.start_node(machine)
    profiles.wait_ready(prof)
    o.step("verifying", "Verifying Kubernetes components...")
    o.step("happy", f"Successfully started node {machine}!")
    return 0


def cmd_node_delete(o: Out, profiles: Profiles, f: Parsed, args: list[str]) -> int:
    prof = running_profile(o, profiles, f)
    node = _one_node_arg(args, "delete")
    machine = find_node(prof, node)
    label = node_label(prof, machine)
    if machine == prof.name:
        raise MinikubeExit("GUEST_NODE_DELETE", "deleting node: cannot delete the primary "
                           "control-plane node", 80)
    o.step("deleting", f"Deleting node {label} from cluster {prof.name}")
    prof.delete_node(machine)
    o.step("deleted", f"Node {label} was successfully deleted.")
    return 0


def cmd_ip(o: Out, profiles: Profiles, f: Parsed, args: list[str]) -> int:
    prof = running_profile(o, profiles, f)
    machine = find_node(prof, f["node"]) if f["node"] else prof.name
    o.line(prof.ip(machine))
    return 0


def _service_urls(prof: Profile, svc: dict[str, Any]) -> tuple[list[str], list[str]]:
    """minikube's URLs (`http://<node ip>:<nodePort>`) and port names (`name/port` or `port`)."""
    urls, names = [], []
    for p in (svc.get("spec") or {}).get("ports") or []:
        if p.get("nodePort"):
            urls.append(f"http://{prof.ip()}:{p['nodePort']}")
            names.append(f"{p['name']}/{p['port']}" if p.get("name") else str(p["port"]))
    return urls, names


def _has_running_pod(prof: Profile, svc: dict[str, Any]) -> bool:
    """CheckServicePods: a NodePort/LoadBalancer Service needs a Running pod it selects."""
    spec = svc.get("spec") or {}
    if spec.get("type") not in ("NodePort", "LoadBalancer"):
        return True
    selector = ",".join(f"{k}={v}" for k, v in sorted((spec.get("selector") or {}).items()))
    pods, _ = prof.client().list("Pod", svc["metadata"]["namespace"],
                                 label_selector=selector or None)
    return any((p.get("status") or {}).get("phase") == "Running" for p in pods)


def cmd_service(o: Out, profiles: Profiles, f: Parsed, args: list[str]) -> int:
    prof = running_profile(o, profiles, f)
    if args[:1] == ["list"]:
        return _service_list(o, prof, f, args[1:])
    if len(args) != 1:
        raise MinikubeExit("MK_USAGE", "You must specify service name(s) or --all", 14)
    name, ns = args[0], f["namespace"] or "default"
    try:
        svc = prof.client().get("Service", ns, name)
    except NotFound:
        raise MinikubeExit(
            "SVC_NOT_FOUND", f"Service '{name}' was not found in '{ns}' namespace.\nYou may "
            f"select another namespace by using 'minikube service {name} -n <namespace>'. Or "
            "list out all the services using 'minikube service list'", 115) from None
    urls, names = _service_urls(prof, svc)
    if not f["url"]:
        row = [ns, name, "\n".join(names), "\n".join(urls)] if urls else [ns, name, "", "No node port"]
        o.out.write(table(SERVICE_HEADERS, [row]))
    if not urls:
        o.step("sad", f"service {ns}/{name} has no node port")
    elif f["url"]:
        for url in urls:
            o.line(url)
    if not _has_running_pod(prof, svc):
        raise MinikubeExit("SVC_UNREACHABLE", f"service not available: no running pod for "
                           f"service {name} found", 115)
    if not urls:
        o.err_step("warning", f'Services [{ns}/{name}] have type "ClusterIP" not meant to be '
                   "exposed, however for local development minikube allows you to access this !")
    elif not f["url"]:
        o.step("tip", "kubenb cannot open a browser from the kernel: use the URL above")
    return 0


SERVICE_HEADERS = ("NAMESPACE", "NAME", "TARGET PORT", "URL")


def _service_list(o: Out, prof: Profile, f: Parsed, args: list[str]) -> int:
    """`minikube service list`: every Service with its node-port URLs (all namespaces)."""
    ns = f["namespace"] or None
    services, _ = prof.client().list("Service", ns)
    rows = []
    for svc in services:
        urls, names = _service_urls(prof, svc)
        rows.append([svc["metadata"]["namespace"], svc["metadata"]["name"],
                     "\n".join(names) if urls else "No node port", "\n".join(urls)])
    o.out.write(table(SERVICE_HEADERS, rows))
    return 0


def cmd_tunnel(o: Out, profiles: Profiles, f: Parsed, args: list[str]) -> int:
    prof = running_profile(o, profiles, f)
    if f["stop"]:
        if not prof.stop_tunnel():
            o.err_step("warning", f'No tunnel is running for profile "{prof.name}".')
        return 0
    report, started = prof.start_tunnel()
    if not started:
        raise MinikubeExit("SVC_TUNNEL_START", "error starting tunnel: error creating tunnel: "
                           f"another tunnel is already running, shut it down first: {report}",
                           110)
    o.out.write(report)
    return 0
