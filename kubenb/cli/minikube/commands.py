"""The `minikube` entry point: `minikube(argv, out, err, profiles)` dispatches one command line.

Lifecycle commands live in `lifecycle.py` (start/status/stop/delete), machine commands in
`nodes.py` (node …, ip, service); kubectl --, profile, addons and version are here. Flags are
parsed pflag-style with kubectl's parser; fatal errors become minikube's `❌  Exiting due to`
lines and exit codes. Output goes only to the given streams.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import TextIO

from kubenb.cli.kubectl.flags import Flag, Parsed, UsageError, parse
from kubenb.cli.minikube.lifecycle import (
    NODE,
    PROFILE,
    START_FLAGS,
    Handler,
    Quiet,
    cmd_delete,
    cmd_start,
    cmd_status,
    cmd_stop,
    need_profile,
    running_profile,
)
from kubenb.cli.minikube.nodes import (
    cmd_ip,
    cmd_node_add,
    cmd_node_delete,
    cmd_node_list,
    cmd_node_start,
    cmd_node_stop,
    cmd_service,
    cmd_tunnel,
)
from kubenb.cli.minikube.output import MinikubeExit, Out, in_style_from_env, table
from kubenb.profiles import (
    ADDONS,
    API_PORT,
    MINIKUBE_COMMIT,
    MINIKUBE_VERSION,
    VERIFIED_ADDONS,
    Profiles,
    addon_images,
)

# ---- kubectl, profile, addons, version ----------------------------------------------------


def cmd_kubectl(o: Out, profiles: Profiles, f: Parsed, args: list[str]) -> int:
    from kubenb.cli.kubectl.app import Ctx, run
    from kubenb.cli.kubectl.commands import root

    prof = running_profile(o, profiles, f)
    ctx = Ctx(prof.client(), o.out, o.err, kubeconfig=profiles.kubeconfig)
    return run(root(), args, ctx)


def cmd_profile(o: Out, profiles: Profiles, f: Parsed, args: list[str]) -> int:
    if not args:
        o.line(profiles.active)
        return 0
    if args == ["list"]:
        return _profile_list(o, profiles)
    name = args[0]
    profiles.active = name
    if profiles.get(name) is None:
        o.step("warning", f'Profile "{name}" not found. Run "minikube profile list" to view all profiles.')
        o.step("tip", f'To start a cluster, run: "minikube start -p {name}"')
        return 0
    if name in profiles.kubeconfig.contexts:
        profiles.kubeconfig.use_context(name)
    o.step("success", f"minikube profile was successfully set to {name}")
    return 0


def _profile_list(o: Out, profiles: Profiles) -> int:
    if not profiles.names():
        raise MinikubeExit("MK_USAGE_NO_PROFILE", "No minikube profile was found.", 14,
                           advice="You can create one using 'minikube start'.", style="caching")
    rows = []
    for name in profiles.names():
        prof = profiles.get(name)
        assert prof is not None
        rows.append([name, prof.driver, prof.driver, prof.ip(), str(API_PORT),
                     prof.kubernetes_version, "Running" if prof.running else "Stopped",
                     str(len(prof.machines())), "*" if profiles.active == name else "",
                     "*" if profiles.kubeconfig.current_context == name else ""])
    o.out.write(table(["Profile", "VM Driver", "Runtime", "IP", "Port", "Version", "Status",
                       "Nodes", "Active Profile", "Active Kubecontext"], rows))
    return 0


def cmd_addons(o: Out, profiles: Profiles, f: Parsed, args: list[str]) -> int:
    verb = args[0] if args else ""
    if verb == "list":
        prof = need_profile(o, profiles, f["profile"], running=False)
        if prof is None:
            return 85
        rows = [[a, prof.name, "enabled ✅" if prof.addons.get(a) else "disabled", who]
                for a, who in sorted(ADDONS.items())]
        o.out.write(table(["ADDON NAME", "PROFILE", "STATUS", "MAINTAINER"], rows))
        return 0
    if verb not in ("enable", "disable") or len(args) != 2:
        raise MinikubeExit("MK_USAGE", "usage: minikube addons list|enable ADDON|disable ADDON", 14)
    addon = args[1]
    prof = running_profile(o, profiles, f)
    if addon not in ADDONS:
        raise MinikubeExit("MK_ADDON_ENABLE" if verb == "enable" else "MK_ADDON_DISABLE",
                           f"{verb} failed: run callbacks: {addon} is not a valid addon", 10)
    if verb == "enable":
        o.step("tip", f"{addon} is an addon maintained by {ADDONS[addon]}. For any concerns "
               "contact minikube on GitHub.\nYou can view the list of minikube maintainers at: "
               "https://github.com/kubernetes/minikube/blob/master/OWNERS")
        for image in addon_images(addon):
            o.step("option", f"Using image {image}")
        if addon in VERIFIED_ADDONS:
            o.step("verifying", f"Verifying {addon} addon...")
    prof.set_addon(addon, verb == "enable")
    if verb == "enable":
        o.step("addons", f"The '{addon}' addon is enabled")
    else:
        o.step("addon_disable", f"The '{addon}' addon is disabled")
    return 0


def cmd_version(o: Out, profiles: Profiles, f: Parsed, args: list[str]) -> int:
    if f["short"]:
        o.line(MINIKUBE_VERSION)
    else:
        o.line(f"minikube version: {MINIKUBE_VERSION}\ncommit: {MINIKUBE_COMMIT}")
    return 0


# ---- dispatch ------------------------------------------------------------------------------

COMMANDS: dict[str, tuple[Handler, tuple[Flag, ...]]] = {
    "start": (cmd_start, START_FLAGS),
    "status": (cmd_status, (PROFILE, NODE, Flag("output", "string", "text", short="o"))),
    "stop": (cmd_stop, (PROFILE, Flag("all", "bool"), Flag("keep-context-active", "bool"))),
    "delete": (cmd_delete, (PROFILE, Flag("all", "bool"), Flag("purge", "bool"))),
    "ip": (cmd_ip, (PROFILE, NODE)),
    "service": (cmd_service, (PROFILE, Flag("url", "bool"),
                              Flag("namespace", "string", "", short="n"))),
    "tunnel": (cmd_tunnel, (PROFILE, Flag("stop", "bool"),
                            Flag("cleanup", "bool", True, short="c"))),
    "kubectl": (cmd_kubectl, (PROFILE,)),
    "profile": (cmd_profile, (PROFILE,)),
    "addons": (cmd_addons, (PROFILE,)),
    "version": (cmd_version, (PROFILE, Flag("short", "bool"))),
}
NODE_COMMANDS: dict[str, Handler] = {
    "add": cmd_node_add, "list": cmd_node_list, "stop": cmd_node_stop,
    "start": cmd_node_start, "delete": cmd_node_delete,
}


def minikube(argv: Sequence[str], out: TextIO, err: TextIO, profiles: Profiles,
             *, in_style: bool | None = None) -> int:
    """Run one minikube command line; returns minikube's exit code, never raises for users."""
    o = Out(out, err, in_style_from_env() if in_style is None else in_style)
    argv = list(argv)
    words = [a for a in argv if not a.startswith("-")]
    name = words[0] if words else ""
    path = f"minikube {name}".strip()
    try:
        if name == "node":
            argv.remove("node")
            f = parse(argv, (PROFILE,))
            verb = f.args[0] if f.args else ""
            handler = NODE_COMMANDS.get(verb)
            if handler is None:
                raise MinikubeExit("MK_USAGE", "Usage: minikube node [add|start|stop|delete|list]", 14)
            path = f"minikube node {verb}"
            return handler(o, profiles, f, f.args[1:])
        if name not in COMMANDS:
            if not name:
                o.line("minikube provisions and manages local Kubernetes clusters optimized for "
                       "development workflows.")
                return 0
            raise UsageError(f'unknown command "{name}" for "minikube"\n'
                             "Run 'minikube --help' for usage.", hint=False)
        handler, flags = COMMANDS[name]
        argv.remove(name)
        if name == "kubectl":
            before, dash, after = _split_dash(argv)
            f = parse(before, flags)
            return handler(o, profiles, f, f.args + after)
        f = parse(argv, flags)
        return handler(o, profiles, f, f.args)
    except UsageError as e:
        err.write(f"Error: {e.message}\n")
        if e.hint:
            err.write(f"See '{path} --help' for usage.\n")
        return 1
    except MinikubeExit as e:
        return o.fatal(e)
    except Quiet as q:
        return q.code


def _split_dash(argv: list[str]) -> tuple[list[str], bool, list[str]]:
    if "--" in argv:
        i = argv.index("--")
        return argv[:i], True, argv[i + 1:]
    return argv, False, []


def run_line(line: str, profiles: Profiles, *, in_style: bool | None = None) -> tuple[str, str, int]:
    """Convenience for tests and magics: run a command line, return (stdout, stderr, code)."""
    import shlex

    out, err = io.StringIO(), io.StringIO()
    code = minikube(shlex.split(line), out, err, profiles, in_style=in_style)
    return out.getvalue(), err.getvalue(), code
