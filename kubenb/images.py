"""Your own images, for a notebook: a command line or a Python function serving HTTP.

    from kubenb import images

    images.add("hello:v1", command=["sh", "-c", "while true; do echo hello; sleep 5; done"])

    def greet(request):                      # request: kubenb.images.Request
        return f"Hello from {request.pod}\\n"  # or bytes, (status, body), (status, body, headers)

    images.add("greeter:v1", handler=greet, port=8080)
    %kubectl create deployment greeter --image=greeter:v1 --replicas=2

After `add`, the name pulls like any catalog image on every runtime of this kernel (the
catalog is kubenb/node/images.py). A `command` image runs that command line with the
host's programs (`args` of a pod are appended, `command` replaces it, as Docker does); `env`
adds image environment variables. A `handler` image is served by the process runtime from
the kernel itself (a function cannot travel to another process): each pod of it answers on
its own IP and `port`, the handler runs on the control-plane loop — keep it quick, or make
it `async def` — and `request.pod` says which pod answers. The sim runtime shows such pods
running but answers no requests; Docker cannot run them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from kubenb.node.images import CATALOG, Behaviour, ResolvedImage
from kubenb.node.runtime.process_custom import Request

__all__ = ["Request", "add"]

DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


def add(name: str, *, command: Sequence[str] | None = None, args: Sequence[str] = (),
        handler: Callable[[Request], Any] | None = None, port: int = 8080,
        env: dict[str, str] | None = None, ignore_sigterm: bool = False) -> ResolvedImage:
    """Make `name` (`repo:tag`, Docker's short forms allowed) pullable.

    Give exactly one of `command` (the image's ENTRYPOINT; `args` its CMD) or `handler` (a
    function of one `Request` answering HTTP on `port`). `ignore_sigterm` makes deleting its
    pods wait out the grace period, like a PID 1 without a signal handler."""
    if (command is None) == (handler is None):
        raise ValueError("give exactly one of command= or handler=")
    image_env = (("PATH", DEFAULT_PATH), *sorted((env or {}).items()))
    sigterm = "ignore" if ignore_sigterm else "exit"
    if handler is not None:
        if not callable(handler):
            raise TypeError("handler must be a function of one request")
        behaviour = Behaviour(program="server", ports=(int(port),), handler=handler, env=image_env,
                              sigterm=sigterm, size=1_000_000)
    else:
        assert command is not None
        if isinstance(command, str):
            raise TypeError('command is a list of words: ["sh", "-c", "echo hi"]')
        behaviour = Behaviour(program="shell", entrypoint=tuple(command), cmd=tuple(args),
                              env=image_env, sigterm=sigterm, size=1_000_000)
    return CATALOG.register(name, behaviour)
