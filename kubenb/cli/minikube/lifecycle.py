"""minikube start, status, stop and delete, and the helpers every minikube command shares.

Lines follow minikube v1.35 (reference §13.2/13.3) adapted to kubenb's drivers: `sim`
(simulated pods), `process` (pods as real processes on loopback addresses) and `docker`
(pods as containers; `start` first asks the engine, and a missing engine ends the way
minikube's `PROVIDER_DOCKER_NOT_RUNNING` does). Without `--driver`, `start` uses the
registry's default (`process` in a notebook, `sim` on a virtual clock). The handlers take
(Out, Profiles, parsed flags, args) and return the exit code (`commands.py` dispatches).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable

from kubenb.cli.kubectl.flags import Flag, Parsed
from kubenb.cli.minikube.output import MinikubeExit, Out
from kubenb.profiles import (
    ADDONS,
    DEFAULT_KUBERNETES_VERSION,
    DRIVERS,
    MINIKUBE_VERSION,
    VERIFIED_ADDONS,
    DriverError,
    Profile,
    Profiles,
    TooManyNodes,
    addon_images,
    check_driver,
    check_node_count,
)

PROFILE = Flag("profile", "string", "minikube", short="p")
NODE = Flag("node", "string", short="n")
Handler = Callable[[Out, Profiles, Parsed, list[str]], int]


def need_profile(o: Out, profiles: Profiles, name: str, *, running: bool = True) -> Profile | None:
    """The named profile, or the lines minikube prints when it is missing or stopped."""
    prof = profiles.get(name)
    start = "minikube start" + ("" if name == "minikube" else f" -p {name}")
    if prof is None:
        o.step("shrug", f'Profile "{name}" not found. Run "minikube profile list" to view all profiles.')
        o.step("pointer", f'To start a cluster, run: "{start}"')
        return None
    if running and not prof.running:
        o.step("shrug", f"The control-plane node {name} host is not running: state=Stopped")
        o.step("pointer", f'To start a cluster, run: "{start}"')
        return None
    return prof


def node_label(prof: Profile, machine: str) -> str:
    """minikube's node name (`m02`) of a machine (`minikube-m02`)."""
    return machine[len(prof.name) + 1:] if machine != prof.name else prof.name


def find_machine(prof: Profile, node: str) -> str | None:
    for m in prof.machines():
        if node in (m, node_label(prof, m)):
            return m
    return None


def memory_mb(text: str) -> int:
    m = re.fullmatch(r"(\d+)\s*([a-zA-Z]*)", text.strip())
    if not m:
        raise MinikubeExit("MK_USAGE", f"Invalid memory value: {text!r}", 14)
    n, unit = int(m.group(1)), m.group(2).lower()
    scale = {"": 1, "m": 1, "mb": 1, "mi": 1, "mib": 1, "g": 1024, "gb": 1024, "gi": 1024, "gib": 1024}
    if unit not in scale:
        raise MinikubeExit("MK_USAGE", f"Invalid memory value: {text!r}", 14)
    return n * scale[unit]


# ---- start / status / stop / delete --------------------------------------------------------

START_FLAGS = (PROFILE, Flag("nodes", "int", 1, short="n"), Flag("driver", "string", ""),
               Flag("cpus", "string", "2"), Flag("memory", "string", "4096"),
               Flag("kubernetes-version", "string", DEFAULT_KUBERNETES_VERSION),
               Flag("seed", "int", -1), Flag("addons", "strings"))


def start_seed(flag: int) -> int | None:
    """The seed of a new cluster's generated names and addresses: `--seed` (kubenb's own flag),
    else the `KUBENB_SEED` environment variable (a lesson's setup sets it with `%env`, so its
    `%minikube start` is the command real minikube takes), else none (random, as minikube)."""
    if flag >= 0:
        return flag
    value = os.environ.get("KUBENB_SEED", "").strip()
    if not value:
        return None
    if not value.isdigit():
        raise MinikubeExit("MK_USAGE", f'KUBENB_SEED must be a number, not "{value}"', 14)
    return int(value)


def preparing_line(o: Out, prof: Profile) -> None:
    """`Preparing Kubernetes … on …`: Docker's version for the docker driver, as minikube."""
    if prof.driver == "docker" and prof.engine_version:
        o.step("docker", f"Preparing Kubernetes {prof.kubernetes_version} on Docker "
               f"{prof.engine_version} ...")
    else:
        o.step("preparing", f"Preparing Kubernetes {prof.kubernetes_version} on the "
               f"{prof.driver} runtime ...")


def node_lines(o: Out, prof: Profile, machine: str, primary: bool, created: bool) -> None:
    role = "primary control-plane" if primary else "worker"
    o.step("thumbs_up", f'Starting "{machine}" {role} node in "{prof.name}" cluster')
    if created:
        o.step("creating", f"Creating {prof.driver} node (CPUs={prof.cpus}, "
               f"Memory={prof.memory_mb}MB) ...")
    else:
        o.step("restarting", f'Restarting existing {prof.driver} node for "{machine}" ...')
    preparing_line(o, prof)
    if primary:
        o.step("option", "Booting up control plane ...")


def banner(o: Out, name: str) -> None:
    tag = "" if name == "minikube" else f"[{name}] "
    o.step("happy", f"{tag}minikube {MINIKUBE_VERSION} on kubenb (in this Python kernel)")


# minikube's exit codes and styles for a driver that cannot be used (validateDriver: not
# installed; the engine not running; anything else)
_DRIVER_EXITS = {"missing": (65, "shrug"), "stopped": (63, "fatal"), "error": (69, "fatal")}


def check_engine(driver: str) -> str:
    """Ask the driver's engine before creating anything: its version, or minikube's exit."""
    try:
        return check_driver(driver)
    except DriverError as err:
        code, style = _DRIVER_EXITS[err.problem]
        if err.reason == "PROVIDER_NOT_FOUND":
            style = "failure"
        raise MinikubeExit(err.reason, err.message, code, advice=err.advice, style=style,
                           url=err.url) from None


def _pick_driver(o: Out, profiles: Profiles, f: Parsed, existing: Profile | None) -> str:
    driver = f["driver"] if f.given("driver") and f["driver"] else ""
    if existing is not None:
        if driver and driver != existing.driver:
            name = existing.name
            flag = "" if name == "minikube" else f" -p {name}"
            raise MinikubeExit(
                "GUEST_DRIVER_MISMATCH", f'The existing "{name}" cluster was created using the '
                f'"{existing.driver}" driver, which is incompatible with requested "{driver}" '
                "driver.", 81, style="conflict",
                advice=f"Delete the existing '{name}' cluster using: 'minikube delete{flag}', or "
                f"start the existing '{name}' cluster using: 'minikube start{flag} "
                f"--driver={existing.driver}'")
        return existing.driver
    driver = driver or profiles.default_driver
    if driver not in DRIVERS:
        raise MinikubeExit("DRV_UNSUPPORTED_OS", f"The driver '{driver}' is not supported on "
                           "linux/amd64", 56)
    return driver


def cmd_start(o: Out, profiles: Profiles, f: Parsed, args: list[str]) -> int:
    name = f["profile"]
    banner(o, name)
    prof = profiles.get(name)
    driver = _pick_driver(o, profiles, f, prof)
    engine = ""
    if driver == "docker" or prof is None:
        engine = check_engine(driver)
    if prof is None:
        if f["nodes"] < 1:
            raise MinikubeExit("MK_USAGE", "--nodes must be at least 1", 14)
        try:
            check_node_count(driver, f["nodes"])
        except TooManyNodes as err:
            raise MinikubeExit("MK_USAGE", err.message, 14) from None
        if not re.fullmatch(r"v?\d+\.\d+\.\d+", f["kubernetes-version"]):
            raise MinikubeExit("MK_USAGE", f'Unable to parse "{f["kubernetes-version"]}": '
                               "No Major.Minor.Patch elements found", 14)
        for addon in f["addons"]:
            if addon not in ADDONS:
                raise MinikubeExit("MK_ADDON_ENABLE", f"{addon} is not a valid addon", 10)
        o.step("sparkle", f"Using the {driver} driver based on user configuration"
               if f.given("driver") else f"Automatically selected the {driver} driver")
        try:
            prof = profiles.create(
                name, nodes=f["nodes"], driver=driver, cpus=int(f["cpus"]),
                memory_mb=memory_mb(f["memory"]),
                kubernetes_version="v" + f["kubernetes-version"].lstrip("v"),
                seed=start_seed(f["seed"]), addons={a: True for a in f["addons"]},
                engine_version=engine)
        except ValueError as err:  # a runtime that refuses this cluster (docker on virtual time)
            raise MinikubeExit("PROVIDER_" + driver.upper() + "_ERROR", str(err), 69) from None
        mode = "created"
    elif prof.running:
        profiles.configure(prof)
        mode = "running"
    else:
        profiles.restart(prof)
        mode = "restarted"
    if mode == "running":
        o.step("thumbs_up", f'Starting "{name}" primary control-plane node in "{name}" cluster')
        o.step("running", f'Updating the running {prof.driver} "{name}" node ...')
        preparing_line(o, prof)
        o.step("verifying", "Verifying Kubernetes components...")
    else:
        for i, machine in enumerate(prof.machines()):
            node_lines(o, prof, machine, i == 0, mode == "created")
            o.step("verifying", "Verifying Kubernetes components...")
            enabled = sorted(a for a, on in prof.addons.items() if on)
            for addon in enabled if i == 0 and mode == "created" else ():
                for image in addon_images(addon):
                    o.step("option", f"Using image {image}")
                if addon in VERIFIED_ADDONS:
                    o.step("verifying", f"Verifying {addon} addon...")
            if i == 0 and enabled:
                o.step("addons", f"Enabled addons: {', '.join(enabled)}")
    o.step("done", f'Done! kubectl is now configured to use "{name}" cluster and "default" '
           "namespace by default")
    return 0


def _status_block(profiles: Profiles, prof: Profile, machine: str, primary: bool) -> tuple[str, int]:
    host = "Running" if prof.host_running(machine) else "Stopped"
    kubelet = host
    code = 0 if host == "Running" else 3
    lines = [machine, f"type: {'Control Plane' if primary else 'Worker'}", f"host: {host}",
             f"kubelet: {kubelet}"]
    if primary:
        apiserver = "Running" if host == "Running" else "Stopped"
        if host != "Running":
            kubeconfig = "Stopped"
        else:
            cluster = profiles.kubeconfig.clusters.get(prof.name) or {}
            kubeconfig = "Configured" if cluster.get("server") == prof.server else "Misconfigured"
        lines += [f"apiserver: {apiserver}", f"kubeconfig: {kubeconfig}"]
        if kubeconfig != "Configured":
            code |= 4
    return "\n".join(lines) + "\n\n", code


def cmd_status(o: Out, profiles: Profiles, f: Parsed, args: list[str]) -> int:
    name = f["profile"]
    prof = need_profile(o, profiles, name, running=False)
    if prof is None:
        return 85
    machines = prof.machines()
    if f["node"]:
        m = find_machine(prof, f["node"])
        if m is None:
            raise MinikubeExit("GUEST_NODE_RETRIEVE", f"retrieving node: Could not find node {f['node']}", 85)
        machines = [m]
    code = 0
    for machine in machines:
        text, bits = _status_block(profiles, prof, machine, machine == prof.name)
        o.out.write(text)
        code |= bits
    return code


def cmd_stop(o: Out, profiles: Profiles, f: Parsed, args: list[str]) -> int:
    names = profiles.names() if f["all"] else [f["profile"]]
    total = 0
    for name in names:
        prof = need_profile(o, profiles, name, running=False)
        if prof is None:
            return 85
        for machine in prof.machines():
            o.step("stopping", f'Stopping node "{machine}"  ...')
        total += len(prof.machines())
        profiles.stop(prof, keep_context=f["keep-context-active"])
    o.step("stopped", f"{total} node{'s' if total != 1 else ''} stopped.")
    return 0


def cmd_delete(o: Out, profiles: Profiles, f: Parsed, args: list[str]) -> int:
    if f["all"]:
        for name in profiles.names():
            prof = profiles.get(name)
            o.step("deleting", f'Deleting "{name}" in {prof.driver if prof else "sim"} ...')
            profiles.delete(name)
            o.step("deleted", f'Removed all traces of the "{name}" cluster.')
        o.step("deleting", "Successfully deleted all profiles")
        return 0
    name = f["profile"]
    prof = profiles.get(name)
    if prof is None:
        o.step("eyes", f'"{name}" profile does not exist, trying anyways.')
    else:
        o.step("deleting", f'Deleting "{name}" in {prof.driver} ...')
    profiles.delete(name)
    o.step("deleted", f'Removed all traces of the "{name}" cluster.')
    return 0


def running_profile(o: Out, profiles: Profiles, f: Parsed) -> Profile:
    prof = need_profile(o, profiles, f["profile"])
    if prof is None:
        raise Quiet(85 if profiles.get(f["profile"]) is None else 83)
    return prof


class Quiet(Exception):
    """The lines are printed already; exit with this code."""

    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


def find_node(prof: Profile, node: str) -> str:
    machine = find_machine(prof, node)
    if machine is None:
        raise MinikubeExit("GUEST_NODE_RETRIEVE", f"retrieving node: Could not find node {node}", 85)
    return machine


