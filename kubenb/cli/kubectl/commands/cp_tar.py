"""The tar archives of `kubectl cp`, made and unpacked as kubectl 1.32 does it locally.

`make_tar`: the local file or directory (recursively; a directory only gets an entry of
its own when it is empty, symlinks stay links) with member names that start at the
destination's base name, for `tar -xmf - -C DIR` in the container. `untar_all`: the
container's `tar cf - PATH` unpacked under the local destination, each member's name
stripped of the source path (a member outside it means `tar contents corrupted`); members
that would land outside the destination and symlinks are skipped with kubectl's warnings;
files are written with the local umask (modes are not kept, as kubectl does not).
Reads and writes only the local filesystem.
"""

from __future__ import annotations

import glob
import io
import json
import os
import posixpath
import tarfile
from typing import IO


def go_quote(text: str) -> str:
    """Go's `%q` for an ordinary path."""
    return json.dumps(text, ensure_ascii=False)


def strip_shortcuts(path: str) -> str:
    """kubectl's stripPathShortcuts: no leading `../`, `.` and `..` alone are empty."""
    while path.startswith("../"):
        path = path[3:]
    if path in (".", ".."):
        return ""
    return path[1:] if path.startswith("/") else path


def source_prefix(remote: str) -> str:
    """The prefix every member of `tar cf - remote` starts with (GNU tar drops the `/`)."""
    return strip_shortcuts(posixpath.normpath(remote.lstrip("/")))


def make_tar(src: str, dest: str) -> bytes:
    """The archive that puts local `src` at remote `dest` (names relative to dest's dir)."""
    buf = io.BytesIO()
    src_path = os.path.normpath(src)
    dest_base = posixpath.basename(posixpath.normpath(dest))
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.GNU_FORMAT) as tar:
        _add(tar, src_path, dest_base)
    return buf.getvalue()


def _add(tar: tarfile.TarFile, pattern: str, name: str) -> None:
    for path in sorted(glob.glob(glob.escape(pattern))):
        if os.path.isdir(path) and not os.path.islink(path):
            entries = sorted(os.listdir(path))
            if not entries:
                tar.addfile(tar.gettarinfo(path, arcname=name))
            for entry in entries:
                _add(tar, os.path.join(path, entry), posixpath.join(name, entry))
            return
        info = tar.gettarinfo(path, arcname=name)
        if info.isreg():
            with open(path, "rb") as f:
                tar.addfile(info, f)
        else:
            tar.addfile(info)


def untar_all(data: bytes, prefix: str, dest: str, warn: IO[str], symlink_hint: str) -> None:
    """Unpack `tar cf -` output under `dest`; ValueError with kubectl's words on bad input."""
    if not data:
        return
    try:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:") as tar:
            _unpack(tar, prefix, dest, warn, symlink_hint)
    except tarfile.TarError:
        raise ValueError("unexpected EOF") from None


def _unpack(tar: tarfile.TarFile, prefix: str, dest: str, warn: IO[str], symlink_hint: str) -> None:
    hinted = False
    for member in tar:
        if not member.name.startswith(prefix):
            raise ValueError("tar contents corrupted")
        rest = member.name[len(prefix):]
        target = os.path.normpath(os.path.join(dest, rest.lstrip("/"))) if rest else \
            os.path.normpath(dest)
        if os.path.relpath(target, os.path.normpath(dest)).startswith(".."):
            warn.write(f"warning: file {go_quote(target)} is outside target destination, skipping\n")
            continue
        os.makedirs(os.path.dirname(target) or ".", mode=0o755, exist_ok=True)
        if member.isdir():
            os.makedirs(target, mode=0o755, exist_ok=True)
            continue
        if member.issym():
            link = f"{go_quote(target)} -> {go_quote(member.linkname)}"
            if not hinted:
                hinted = True
                warn.write(f"warning: skipping symlink: {link} ({symlink_hint})\n")
            else:
                warn.write(f"warning: skipping symlink: {link}\n")
            continue
        source = tar.extractfile(member) if member.isreg() else None
        with open(target, "wb") as out:
            if source is not None:
                out.write(source.read())
