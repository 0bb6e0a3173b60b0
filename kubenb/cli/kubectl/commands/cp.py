"""`kubectl cp [[NAMESPACE/]POD:]SRC [[NAMESPACE/]POD:]DEST [-c C] [--no-preserve]`.

Tar over exec, as kubectl 1.32 does it (`client.exec_io`: stdin in, stdout and stderr
apart, as bytes). From a pod: `tar cf - PATH` runs in the container, its stderr is shown
(GNU tar's `Removing leading '/' from member names`) and its archive is unpacked locally
(cp_tar.py); kubectl 1.32 writes that exec's stderr, and its `Defaulted container` notice,
to stdout, and once the archive's end-of-archive blocks are read kubectl is done: a tar that
failed on a missing path but still ended its archive leaves exit code 0. To a pod: `test -d DEST` decides whether DEST is a directory to copy into,
then the local archive is fed to `tar -xmf - -C DIR` (`--no-same-permissions
--no-same-owner` with `--no-preserve`) in the container. The command runs inside the pod
(its mount namespace), so files come from and land in the pod's volumes. A failing tar is
`command terminated with exit code N` and that exit code.
"""

from __future__ import annotations

import dataclasses
import os
import posixpath
from dataclasses import dataclass
from typing import TextIO

from kubenb.api.errors import BadRequest, InternalError
from kubenb.api.objects import Obj
from kubenb.cli.kubectl.app import Command, CommandError, Ctx
from kubenb.cli.kubectl.commands import cp_tar
from kubenb.cli.kubectl.commands.logs import default_container
from kubenb.cli.kubectl.flags import Flag

BAD_SPEC = "filespec must match the canonical format: [[namespace/]pod:]file/path"


@dataclass
class Spec:
    namespace: str
    pod: str
    path: str


def parse_spec(arg: str) -> Spec:
    """kubectl's extractFileSpec: `[[namespace/]pod:]file/path`."""
    at = arg.find(":")
    if at == 0:
        raise CommandError(BAD_SPEC)
    if at < 0:
        return Spec("", "", arg)
    pieces = arg[:at].split("/")
    if len(pieces) > 2:
        raise CommandError(BAD_SPEC)
    return Spec(pieces[0] if len(pieces) == 2 else "", pieces[-1], arg[at + 1:])


def run(ctx: Ctx, args: list[str]) -> int:
    if len(args) != 2:
        raise CommandError("source and destination are required")
    src, dest = parse_spec(args[0]), parse_spec(args[1])
    if src.pod and dest.pod:
        raise CommandError("one of src or dest must be a local file specification")
    if not src.path or not dest.path:
        raise CommandError("filepath can not be empty")
    if src.pod:
        return _from_pod(ctx, src, dest.path)
    if dest.pod:
        return _to_pod(ctx, src.path, dest)
    raise CommandError("one of src or dest must be a remote file specification")


class _Target:
    """The pod and container the copy execs in (resolved once, as kubectl's exec does)."""

    def __init__(self, ctx: Ctx, spec: Spec, notices: TextIO) -> None:
        self.ctx = ctx
        self.namespace = spec.namespace or ctx.namespace
        pod: Obj = ctx.client.get("Pod", self.namespace, spec.pod)
        phase = (pod.get("status") or {}).get("phase")
        if phase in ("Succeeded", "Failed"):
            raise CommandError(f"cannot exec into a container in a completed pod; current phase is {phase}")
        self.pod = spec.pod
        self.container = ctx.flag("container") or default_container(
            dataclasses.replace(ctx, err=notices), pod)

    def exec(self, argv: list[str], stdin: bytes | None = None) -> tuple[int, bytes, bytes]:
        try:
            return self.ctx.client.exec_io(self.namespace, self.pod, self.container, argv, stdin)
        except (BadRequest, InternalError) as err:
            if isinstance(err, InternalError) or err.message.startswith("unable to upgrade connection"):
                raise CommandError(err.message) from None
            raise

    def finish(self, code: int, out: bytes, err: bytes) -> int:
        self.ctx.out.write(out.decode("utf-8", "replace"))
        self.ctx.err.write(err.decode("utf-8", "replace"))
        if code != 0:
            self.ctx.err.write(f"command terminated with exit code {code}\n")
        return code


def _from_pod(ctx: Ctx, src: Spec, dest: str) -> int:
    target = _Target(ctx, src, ctx.out)  # kubectl 1.32 sends this exec's stderr to stdout
    code, out, err = target.exec(["tar", "cf", "-", src.path])
    ctx.out.write(err.decode("utf-8", "replace"))
    if code != 0 and not out:
        return target.finish(code, b"", b"")
    hint = (f'consider using "kubectl exec -n {cp_tar.go_quote(src.namespace)} '
            f'{cp_tar.go_quote(target.pod)} -- tar cf - {cp_tar.go_quote(src.path)} | tar xf -"')
    try:
        cp_tar.untar_all(out, cp_tar.source_prefix(src.path), dest, ctx.err, hint)
    except ValueError as failure:
        raise CommandError(str(failure)) from None
    except OSError as failure:
        raise CommandError(f"{failure.strerror.lower() if failure.strerror else failure}") from None
    return 0


def _to_pod(ctx: Ctx, src: str, dest: Spec) -> int:
    if not os.path.exists(src):
        raise CommandError(f"{src} doesn't exist in local filesystem")
    target = _Target(ctx, dest, ctx.err)
    remote = dest.path
    if target.exec(["test", "-d", remote])[0] == 0:
        remote = posixpath.join(remote, os.path.basename(os.path.normpath(src)))
    argv = (["tar", "--no-same-permissions", "--no-same-owner", "-xmf", "-"]
            if ctx.flag("no-preserve") else ["tar", "-xmf", "-"])
    directory = posixpath.dirname(posixpath.normpath(remote))
    if directory:
        argv += ["-C", directory]
    return target.finish(*target.exec(argv, cp_tar.make_tar(src, remote)))


FLAGS = (
    Flag("container", "string", short="c"),
    Flag("no-preserve", "bool"),
    Flag("retries", "int", 0),
)

COMMAND = Command("cp", "Copy files and directories to and from containers", run, FLAGS)
