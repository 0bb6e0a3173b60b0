"""A root filesystem made of Debian's static busybox, as an in-memory tar for `docker import`.

`busybox_path()` finds a statically linked busybox (Debian's `busybox-static` installs it as
/bin/busybox); `rootfs_tar(files)` lays out /bin/busybox, a link per applet where
`busybox --list-full` puts it, the usual directories, /etc/passwd and /etc/group, then the
image's own files (path → text, executable when it starts with `#!`).
"""

from __future__ import annotations

import io
import os
import shutil
import struct
import subprocess
import tarfile
import time

PT_INTERP = 3
DIRS = ("bin", "sbin", "usr/bin", "usr/sbin", "usr/local/bin", "usr/lib", "etc", "root",
        "home", "var/run", "var/log", "dev", "proc", "sys", "run")
PASSWD = ("root:x:0:0:root:/root:/bin/sh\n"
          "daemon:x:1:1:daemon:/usr/sbin:/bin/false\n"
          "nobody:x:65534:65534:nobody:/nonexistent:/bin/false\n")
GROUP = "root:x:0:\ndaemon:x:1:\nnogroup:x:65534:\n"


class NoBusybox(RuntimeError):
    """No static busybox on this machine: the offline images cannot be built."""


def is_static_elf(path: str) -> bool:
    """True for an ELF executable without a program interpreter (no dynamic loader)."""
    with open(path, "rb") as f:
        head = f.read(64)
        if head[:4] != b"\x7fELF" or head[4] != 2:  # 64-bit only
            return False
        endian = "<" if head[5] == 1 else ">"
        phoff, = struct.unpack_from(endian + "Q", head, 32)
        phentsize, phnum = struct.unpack_from(endian + "HH", head, 54)
        f.seek(phoff)
        table = f.read(phentsize * phnum)
    return all(struct.unpack_from(endian + "I", table, i * phentsize)[0] != PT_INTERP
               for i in range(phnum))


def busybox_path() -> str:
    """A static busybox: $KUBENB_BUSYBOX, /bin/busybox (busybox-static), or on PATH."""
    candidates = [os.environ.get("KUBENB_BUSYBOX", ""), "/bin/busybox", "/usr/bin/busybox",
                  shutil.which("busybox") or ""]
    for path in candidates:
        if path and os.path.isfile(path) and is_static_elf(path):
            return path
    raise NoBusybox("no statically linked busybox found (install Debian's busybox-static: "
                    "apt-get install -y busybox-static)")


def applets(busybox: str) -> list[str]:
    """Where each applet lives, relative to / (`bin/sh`, `usr/bin/awk`, …)."""
    out = subprocess.run([busybox, "--list-full"], capture_output=True, text=True, check=True)
    return [line.strip().lstrip("/") for line in out.stdout.splitlines() if line.strip()]


def _add_dir(tar: tarfile.TarFile, path: str, mode: int = 0o755) -> None:
    info = tarfile.TarInfo(path)
    info.type = tarfile.DIRTYPE
    info.mode = mode
    info.mtime = int(time.time())
    tar.addfile(info)


def _add_file(tar: tarfile.TarFile, path: str, data: bytes, mode: int) -> None:
    info = tarfile.TarInfo(path)
    info.size = len(data)
    info.mode = mode
    info.mtime = int(time.time())
    tar.addfile(info, io.BytesIO(data))


def rootfs_tar(files: dict[str, str], busybox: str | None = None) -> bytes:
    """The image's root filesystem as an uncompressed tar."""
    busybox = busybox or busybox_path()
    with open(busybox, "rb") as f:
        binary = f.read()
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        made: set[str] = set()

        def ensure_dir(path: str) -> None:
            parts = path.strip("/").split("/")
            for i in range(1, len(parts) + 1):
                d = "/".join(parts[:i])
                if d and d not in made:
                    made.add(d)
                    _add_dir(tar, d, 0o1777 if d == "tmp" else 0o755)

        ensure_dir("tmp")
        for d in DIRS:
            ensure_dir(d)
        _add_file(tar, "bin/busybox", binary, 0o755)
        for applet in applets(busybox):
            if applet == "bin/busybox" or applet.rstrip("/") == "":
                continue
            ensure_dir(os.path.dirname(applet))
            link = tarfile.TarInfo(applet)
            link.type = tarfile.SYMTYPE
            link.linkname = "/bin/busybox"
            tar.addfile(link)
        base = {"/etc/passwd": PASSWD, "/etc/group": GROUP}
        for path, text in {**base, **files}.items():
            rel = path.lstrip("/")
            ensure_dir(os.path.dirname(rel))
            _add_file(tar, rel, text.encode(), 0o755 if text.startswith("#!") else 0o644)
    return buf.getvalue()
