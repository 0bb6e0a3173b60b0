"""minikube node add|list|stop|start|delete, ip and service: one profile's machines.

A node stop is a node failure (`Cluster.stop_node`): heartbeats stop and the node controller
marks it NotReady, as when minikube powers a machine off.
"""

from __future__ import annotations

from kubenb.api.errors import NotFound
from kubenb.cli.kubectl.flags import Parsed
from kubenb.cli.minikube.lifecycle import find_node, node_label, node_lines, running_profile
from kubenb.cli.minikube.output import MinikubeExit, Out, table
from kubenb.cli.minikube.profiles import Profiles


def cmd_node_add(o: Out, profiles: Profiles, f: Parsed, args: list[str]) -> int:
    prof = running_profile(o, profiles, f)
    machine = prof.cluster.add_node()
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
    prof.cluster.stop_node(machine)
    o.step("stopped", f"Successfully stopped node {machine}")
    return 0


def cmd_node_start(o: Out, profiles: Profiles, f: Parsed, args: list[str]) -> int:
    prof = running_profile(o, profiles, f)
    machine = find_node(prof, _one_node_arg(args, "start"))
    node_lines(o, prof, machine, machine == prof.name, False)
    prof.cluster.start_node(machine)
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
    prof.cluster.delete_node(machine)
    o.step("deleted", f"Node {label} was successfully deleted.")
    return 0


def cmd_ip(o: Out, profiles: Profiles, f: Parsed, args: list[str]) -> int:
    prof = running_profile(o, profiles, f)
    machine = find_node(prof, f["node"]) if f["node"] else prof.name
    o.line(prof.ip(machine))
    return 0


def cmd_service(o: Out, profiles: Profiles, f: Parsed, args: list[str]) -> int:
    prof = running_profile(o, profiles, f)
    if len(args) != 1:
        raise MinikubeExit("MK_USAGE", "You must specify a service name", 14)
    name, ns = args[0], f["namespace"]
    try:
        svc = prof.client().get("Service", ns, name)
    except NotFound:
        raise MinikubeExit(
            "SVC_NOT_FOUND", f"Service '{name}' was not found in '{ns}' namespace.\nYou may "
            f"select another namespace by using 'minikube service {name} -n <namespace>'. Or "
            "list out all the services using 'minikube service list'", 115) from None
    ports = (svc.get("spec") or {}).get("ports") or []
    urls = [f"http://{prof.ip()}:{p['nodePort']}" for p in ports if p.get("nodePort")]
    if not urls:
        o.err_step("sad", f"service {ns}/{name} has no node port")
        return 0
    if f["url"]:
        for url in urls:
            o.line(url)
        return 0
    rows = [[ns, name, str(p.get("targetPort", p["port"])), f"http://{prof.ip()}:{p['nodePort']}"]
            for p in ports if p.get("nodePort")]
    o.out.write(table(["NAMESPACE", "NAME", "TARGET PORT", "URL"], rows))
    o.step("tip", "kubenb cannot open a browser from the kernel: use the URL above")
    return 0


