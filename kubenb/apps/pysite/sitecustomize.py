"""Runs at start-up of every Python program in a pod (this directory is on PYTHONPATH).

Inside a real pod, a server bound to 0.0.0.0 or 127.0.0.1 answers on the pod's IP and
`localhost` is the pod itself; Service names resolve through cluster DNS. Here every pod
shares the host's network, so this maps, for this process only: binds to any/loopback
address → the pod IP; connects to 127.0.0.1 → the pod IP; TCP connects to 127.x leave from
the pod IP (kube-proxy tells the client pod by its source address); `getaddrinfo`/`gethostbyname` of
`localhost`, the pod's hostname and Service names → the pod IP / ClusterIP (kubenb_names.py).
stdout and stderr become line-buffered, so `kubectl logs` shows prints as they happen.
Nothing changes outside a pod (no `KUBENB_POD_IP`).
"""

from __future__ import annotations

import os
import socket
import sys


def _install() -> None:
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    try:
        import kubenb_names as names  # the sibling module, found through the path above
    finally:
        del sys.path[0]

    pod_ip = names.pod_ip()
    any_v4 = {"", "0.0.0.0", "127.0.0.1", "localhost"}
    any_v6 = {"", "::", "::1", "localhost"}
    real_bind, real_connect, real_connect_ex = socket.socket.bind, socket.socket.connect, \
        socket.socket.connect_ex
    real_getaddrinfo = socket.getaddrinfo

    def mapped(sock: socket.socket, address: object, local: bool) -> object:
        if not isinstance(address, tuple) or not address or not isinstance(address[0], str):
            return address
        host = address[0]
        if sock.family == socket.AF_INET and (host in any_v4 if local else host in ("127.0.0.1", "localhost")):
            return (pod_ip, *address[1:])
        if sock.family == socket.AF_INET6 and (host in any_v6 if local else host in ("::1", "localhost")):
            return (f"::ffff:{pod_ip}", *address[1:])
        return address

    def bind(self: socket.socket, address: object) -> None:
        real_bind(self, mapped(self, address, True))

    def from_pod(self: socket.socket, address: object) -> object:
        """A TCP connection leaves from the pod IP, as a pod's would: kube-proxy tells the
        client pod by it (NetworkPolicy)."""
        address = mapped(self, address, False)
        source = names.source_for(str(address[0])) if isinstance(address, tuple) else None
        if source and self.family == socket.AF_INET and self.type == socket.SOCK_STREAM:
            try:
                if self.getsockname()[1] == 0:
                    real_bind(self, source)
            except OSError:
                pass
        return address

    def connect(self: socket.socket, address: object) -> None:
        real_connect(self, from_pod(self, address))

    def connect_ex(self: socket.socket, address: object) -> int:
        return real_connect_ex(self, from_pod(self, address))

    def getaddrinfo(host, port, family=0, type=0, proto=0, flags=0):  # type: ignore[no-untyped-def]
        if host is None or host in ("", "0.0.0.0", "::"):
            if flags & socket.AI_PASSIVE or host is not None:
                return real_getaddrinfo(pod_ip, port, socket.AF_INET, type, proto, flags)
            host = "localhost"
        text = host.decode() if isinstance(host, bytes) else str(host)
        try:
            addresses = names.resolve_all(text)
        except names.NotFound:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known") from None
        if addresses != [text] or names.is_ip(text):
            if family == socket.AF_INET6:
                family = 0
            return [info for address in addresses
                    for info in real_getaddrinfo(address, port, family, type, proto, flags)]
        return real_getaddrinfo(host, port, family, type, proto, flags)

    def gethostbyname(host: str) -> str:
        try:
            return names.resolve(host)
        except names.NotFound:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known") from None

    socket.socket.bind = bind  # type: ignore[method-assign]
    socket.socket.connect = connect  # type: ignore[method-assign]
    socket.socket.connect_ex = connect_ex  # type: ignore[method-assign]
    socket.getaddrinfo = getaddrinfo
    socket.gethostbyname = gethostbyname
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(line_buffering=True)  # type: ignore[union-attr]
        except (AttributeError, ValueError):
            pass


if os.environ.get("KUBENB_POD_IP"):
    _install()
