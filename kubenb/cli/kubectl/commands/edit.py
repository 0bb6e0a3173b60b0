"""`kubectl edit TYPE NAME`: kubectl opens $KUBE_EDITOR/$EDITOR (default `vi`) on the object.

A notebook cell has no terminal to run an editor in, so kubenb finds the objects as kubectl
would (same NotFound errors), then fails the way kubectl fails when it cannot start the
editor (`error: unable to launch the editor "vi"`, cmd/util/editor) and points at the
commands that change objects without one: patch, apply, label/annotate, set, scale.
"""

from __future__ import annotations

import os

from kubenb.api.errors import NotFound
from kubenb.cli.kubectl.app import Command, CommandError, Ctx, server_error
from kubenb.cli.kubectl.flags import Flag
from kubenb.cli.kubectl.manifests import read_manifests
from kubenb.cli.kubectl.resources import resolve
from kubenb.cli.kubectl.writes import FILE_FLAGS, PRINT_FLAGS

FLAGS = PRINT_FLAGS + FILE_FLAGS + (
    Flag("output-patch", "bool"),
    Flag("windows-line-endings", "bool"),
    Flag("save-config", "bool"),
    Flag("validate", "string", "strict"),
    Flag("field-manager", "string", "kubectl-edit"),
    Flag("subresource", "string"),
    Flag("record", "bool"),
)
HINT = ("a notebook has no terminal editor; change the object with `%kubectl patch {ref} -p "
        "'{{…}}'`, or edit its manifest and `%kubectl apply -f` it")


def editor() -> str:
    """The editor kubectl would launch: KUBE_EDITOR, then EDITOR, then vi."""
    return os.environ.get("KUBE_EDITOR") or os.environ.get("EDITOR") or "vi"


def run(ctx: Ctx, args: list[str]) -> int:
    refs: list[str] = []
    if ctx.flag("filename"):
        refs = [f"{m.rt.plural}/{m.name}"
                for m in read_manifests(ctx, ctx.flag("filename"), ctx.flag("recursive"))]
    elif not args:
        raise CommandError(
            "You must provide one or more resources by argument or filename.\n"
            "Example resource specifications include:\n   '-f rsrc.yaml'\n"
            "   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'")
    else:
        for req in resolve(ctx.client.registry, args):
            ns = ctx.namespace if req.rt.namespaced else None
            if req.names is None:
                items, _ = ctx.client.list(req.rt.kind, ns)
                refs += [f"{req.rt.qualified_kind}/{o['metadata']['name']}" for o in items]
                continue
            for name in req.names:
                try:
                    ctx.client.get(req.rt.kind, ns, name)
                except NotFound as err:
                    ctx.err.write(server_error(err) + "\n")
                    return 1
                refs.append(f"{req.rt.qualified_kind}/{name}")
    if not refs:
        raise CommandError("edit cancelled, no objects found")
    raise CommandError(f'unable to launch the editor "{editor()}"\n'
                       + HINT.format(ref=refs[0]))


COMMAND = Command("edit", "Edit a resource on the server", run, FLAGS)
