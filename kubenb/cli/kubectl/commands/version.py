"""`kubectl version [--client] [-o json|yaml]`: the client we claim to be and the server's version.

kubenb's kubectl claims to be kubectl v1.32.4 (the release the referee binary on the build
machine is built from; its Kustomize is v5.5.0). The server's version comes from the
client: `client.version()` (the `/version` document), or — for a bare store with no server
behind it — the control-plane node's kubeletVersion, else `DEFAULT_SERVER_VERSION`.
"""

from __future__ import annotations

import json
import re
from typing import Any

from kubenb.api.version import server_version_info
from kubenb.cli.kubectl.app import Command, CommandError, Ctx
from kubenb.cli.kubectl.flags import Flag
from kubenb.cli.kubectl.printers.formats import to_yaml
from kubenb.client.base import Client, NotSupported

CLIENT_VERSION: dict[str, str] = {
    "major": "1",
    "minor": "32",
    "gitVersion": "v1.32.4",
    "gitCommit": "59526cd4867447956156ae3a602fcbac10a2c335",
    "gitTreeState": "clean",
    "buildDate": "2025-04-22T16:03:58Z",
    "goVersion": "go1.23.6",
    "compiler": "gc",
    "platform": "linux/amd64",
}
KUSTOMIZE_VERSION = "v5.5.0"
DEFAULT_SERVER_VERSION = "v1.32.0"
FLAGS = (
    Flag("client", "bool", help="If true, shows client version only (no server required)."),
    Flag("output", "string", short="o", help="One of 'yaml' or 'json'."),
)


def server_version(client: Client) -> dict[str, Any]:
    """Ask the server for its version."""
    try:
        return dict(client.version())
    except NotSupported:
        pass
    nodes, _ = client.list("Node", None,
                           label_selector="node-role.kubernetes.io/control-plane")
    for node in nodes:
        kubelet = ((node.get("status") or {}).get("nodeInfo") or {}).get("kubeletVersion")
        if kubelet:
            return server_version_info(kubelet)
    return server_version_info(DEFAULT_SERVER_VERSION)


def _minor(git_version: str) -> tuple[int, int] | None:
    m = re.match(r"v?(\d+)\.(\d+)", git_version)
    return (int(m.group(1)), int(m.group(2))) if m else None


def skew_warning(client_version: str, server_version: str) -> str:
    """kubectl's warning when client and server are more than one minor version apart."""
    c, s = _minor(client_version), _minor(server_version)
    if c is None or s is None or (c[0] == s[0] and abs(c[1] - s[1]) <= 1):
        return ""
    return (f"WARNING: version difference between client ({c[0]}.{c[1]}) and server "
            f"({s[0]}.{s[1]}) exceeds the supported minor version skew of +/-1\n")


def run(ctx: Ctx, args: list[str]) -> int:
    client_only = ctx.flag("client")
    if args and not client_only:
        raise CommandError(f"extra arguments: [{' '.join(args)}]")
    output = ctx.flag("output")
    if output not in ("", "yaml", "json"):
        raise CommandError("--output must be 'yaml' or 'json'")
    doc: dict[str, Any] = {"clientVersion": dict(CLIENT_VERSION),
                           "kustomizeVersion": KUSTOMIZE_VERSION}
    if not client_only:
        doc["serverVersion"] = server_version(ctx.client)
    if output == "":
        ctx.out.write(f"Client Version: {CLIENT_VERSION['gitVersion']}\n"
                      f"Kustomize Version: {KUSTOMIZE_VERSION}\n")
        if "serverVersion" in doc:
            ctx.out.write(f"Server Version: {doc['serverVersion']['gitVersion']}\n")
    elif output == "yaml":
        ctx.out.write(to_yaml(doc) + "\n")
    else:
        ctx.out.write(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
    if "serverVersion" in doc:
        ctx.err.write(skew_warning(CLIENT_VERSION["gitVersion"], doc["serverVersion"]["gitVersion"]))
    return 0


COMMAND = Command("version", "Print the client and server version information", run, FLAGS)
