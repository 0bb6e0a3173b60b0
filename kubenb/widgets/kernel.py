"""Let the view's comm messages (clicks) be handled while a cell is running.

ipykernel reads shell messages — comm messages from the browser included — on the main
thread, between cells: a click during `%kubectl get pods -w` would wait for the cell. Since
ipykernel 7 a kernel can have *subshells*, each a thread of its own handling shell
messages, and its shell-channel thread routes every `comm_msg`/`comm_close` by asking the
comm `_reply_subshell_for(data, default)` which subshell should get it (ipykernel 7.4,
`Kernel.shell_channel_thread_main`). `route_to_subshell(comm)` creates one subshell for
kubenb (shared by every view, deleted when the last view closes) and answers that question
with it, so the view's handlers run on that thread at once, busy cell or not.

Where that is not available (no kernel, older ipykernel) nothing changes: the messages wait
for the running cell, and the front end shows the action as queued until `action-started`.
"""

from __future__ import annotations

import concurrent.futures
import logging
import threading
from typing import Any

log = logging.getLogger(__name__)

_lock = threading.Lock()
_subshell: str | None = None
_manager: Any = None
_users = 0


def _subshell_manager(comm: Any) -> Any:
    kernel = getattr(comm, "kernel", None)
    if kernel is None or not getattr(kernel, "_supports_kernel_subshells", False):
        return None
    manager = getattr(getattr(kernel, "shell_channel_thread", None), "manager", None)
    needed = ("_create_subshell", "_delete_subshell", "_shell_channel_io_loop")
    if manager is None or not all(hasattr(manager, n) for n in needed):
        return None
    if not hasattr(comm, "_reply_subshell_for"):
        return None
    return manager


def _on_shell_channel(manager: Any, fn: Any, *args: Any) -> concurrent.futures.Future[Any]:
    """Run `fn(*args)` on the kernel's shell-channel thread (where subshells are managed)."""
    done: concurrent.futures.Future[Any] = concurrent.futures.Future()

    def call() -> None:
        try:
            done.set_result(fn(*args))
        except BaseException as err:  # noqa: BLE001 - handed to the waiting thread
            done.set_exception(err)

    manager._shell_channel_io_loop.add_callback(call)
    return done


def route_to_subshell(comm: Any) -> str | None:
    """Route `comm`'s incoming messages to kubenb's subshell; its id, or None if impossible."""
    global _subshell, _manager, _users
    manager = _subshell_manager(comm)
    if manager is None or threading.current_thread().name == "Shell channel":
        return None
    with _lock:
        if _subshell is None or _manager is not manager:
            try:
                _subshell = _on_shell_channel(manager, manager._create_subshell).result(10)
            except Exception as err:  # noqa: BLE001 - fall back to the main shell
                log.debug("no subshell for ClusterView: %s", err)
                return None
            _manager, _users = manager, 0
        _users += 1
        subshell = _subshell

    def route(_data: Any, _default: Any) -> str:
        return subshell

    comm._reply_subshell_for = route
    return subshell


def release_subshell() -> None:
    """A view closed: delete the subshell when no view uses it any more (not waited for)."""
    global _subshell, _manager, _users
    with _lock:
        if _subshell is None:
            return
        _users -= 1
        if _users > 0:
            return
        subshell, manager = _subshell, _manager
        _subshell, _manager = None, None
    try:
        _on_shell_channel(manager, manager._delete_subshell, subshell)
    except Exception as err:  # noqa: BLE001 - the kernel is going away anyway
        log.debug("could not delete subshell %s: %s", subshell, err)
