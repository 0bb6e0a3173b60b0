"""Controls of the view: an `action` message becomes the kubectl or minikube command a
learner would type, run on a worker thread of its own (PROTOCOL.md §5).

Because the command goes through `kubectl(argv, client=…)` / `minikube node stop|start`,
what a button does shows up in Events, in `%kubectl get` and in the view's next delta like
any typed command, and a failure replies with kubectl's own error text. `submit()` answers
`action-started` at once and queues the command; the worker runs commands one at a time, in
order, and answers `action-result`.
"""

from __future__ import annotations

import io
import logging
import queue
import threading
from collections.abc import Callable
from typing import Any, TextIO

from kubenb.client.base import NotSupported

log = logging.getLogger(__name__)

Reply = Callable[[dict[str, Any]], None]
MinikubeRunner = Callable[[list[str], TextIO, TextIO], int]

VERBS = ("scale", "set-image", "delete-pod", "cordon", "uncordon", "drain",
         "stop-node", "start-node")


class ActionError(Exception):
    """An action message the view cannot turn into a command (its text is the reply)."""


def _text(target: dict[str, Any], field: str, verb: str) -> str:
    value = target.get(field)
    if not isinstance(value, str) or not value:
        raise ActionError(f'error: action "{verb}" needs target.{field}')
    return value


def command_for(verb: str, target: dict[str, Any], args: dict[str, Any]) -> tuple[str, list[str]]:
    """("kubectl" | "minikube", argv) for one action; raises ActionError when malformed."""
    if verb in ("scale", "set-image", "delete-pod"):
        name, ns = _text(target, "name", verb), _text(target, "namespace", verb)
        if verb == "scale":
            replicas = args.get("replicas")
            if isinstance(replicas, bool) or not isinstance(replicas, int):
                raise ActionError('error: action "scale" needs args.replicas (an integer)')
            return "kubectl", ["scale", f"deployment/{name}", f"--replicas={replicas}", "-n", ns]
        if verb == "set-image":
            image = args.get("image")
            if not isinstance(image, str) or not image:
                raise ActionError('error: action "set-image" needs args.image')
            container = args.get("container") or "*"
            return "kubectl", ["set", "image", f"deployment/{name}", f"{container}={image}",
                               "-n", ns]
        return "kubectl", ["delete", "pod", name, "-n", ns, "--wait=false"]
    if verb in ("cordon", "uncordon", "drain", "stop-node", "start-node"):
        node = _text(target, "node", verb)
        if verb == "drain":
            argv = ["drain", node, "--ignore-daemonsets", "--delete-emptydir-data"]
            return "kubectl", argv + (["--force"] if args.get("force") else [])
        if verb in ("cordon", "uncordon"):
            return "kubectl", [verb, node]
        return "minikube", ["node", verb.split("-")[0], node]
    raise ActionError(f'error: unknown action "{verb}" (known: {", ".join(VERBS)})')


class ActionRunner:
    """Runs actions for one view on one worker thread (started on first use)."""

    def __init__(self, client: Any, reply: Reply, *, minikube: MinikubeRunner | None = None,
                 kubeconfig: Any = None) -> None:
        self.client, self.reply = client, reply
        self.minikube, self.kubeconfig = minikube, kubeconfig
        self._queue: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._stopped = False
        self.gone: str | None = None  # set while the view's cluster is deleted or stopped

    def submit(self, msg: dict[str, Any]) -> None:
        """Take an action message (any thread): answer `action-started`, queue it."""
        with self._lock:
            if self._stopped:
                return
            if self._thread is None:
                self._thread = threading.Thread(target=self._work, name="kubenb-view-actions",
                                                daemon=True)
                self._thread.start()
        self.reply({"type": "action-started", "id": str(msg.get("id", ""))})
        self._queue.put(msg)

    def _work(self) -> None:
        while True:
            msg = self._queue.get()
            try:
                if msg is None:
                    return
                self.reply(self.run(msg))
            except Exception:  # noqa: BLE001 - one bad action must not stop the worker
                log.exception("ClusterView action failed")
            finally:
                self._queue.task_done()

    def run(self, msg: dict[str, Any]) -> dict[str, Any]:
        """Run one action now, on this thread; returns the `action-result` message."""
        result: dict[str, Any] = {"type": "action-result", "id": str(msg.get("id", "")),
                                  "ok": False, "output": "", "error": ""}
        try:
            tool, argv = command_for(str(msg.get("verb", "")), dict(msg.get("target") or {}),
                                     dict(msg.get("args") or {}))
        except ActionError as bad:
            result["error"] = str(bad) + "\n"
            return result
        gone = self.gone
        if gone is not None:  # the cluster is not there: say so, do nothing
            result["error"] = f"error: {gone}: nothing done\n"
            return result
        out, err = io.StringIO(), io.StringIO()
        try:
            if tool == "kubectl":
                from kubenb.cli.kubectl.main import kubectl

                code = kubectl(argv, self.client, out, err, kubeconfig=self.kubeconfig)
            elif self.minikube is None:
                code = self._node_lifecycle(argv, out, err)
            else:
                code = self.minikube(argv, out, err)
        except Exception as crash:  # noqa: BLE001 - the reply carries the message, no traceback
            code = 1
            err.write(f"error: {crash}\n")
        result.update(ok=code == 0, output=out.getvalue(), error=err.getvalue())
        return result

    def _node_lifecycle(self, argv: list[str], out: TextIO, err: TextIO) -> int:
        """`minikube node stop|start NODE` for a view without a minikube profile: the
        client's node lifecycle, when the cluster behind it has one."""
        verb, node = argv[1], argv[2]
        try:
            nodes = self.client.node_lifecycle()
        except NotSupported as missing:
            err.write(f"error: {missing}\n")
            return 1
        if verb == "stop":
            nodes.stop_node(node)
            out.write(f"Successfully stopped node {node}\n")
        else:
            nodes.start_node(node)
            out.write(f"Successfully started node {node}!\n")
        return 0

    def join(self) -> None:
        """Wait until every submitted action has been answered."""
        self._queue.join()

    def stop(self) -> None:
        with self._lock:
            self._stopped = True
            thread = self._thread
        if thread is not None:
            self._queue.put(None)
            if threading.current_thread() is not thread:
                thread.join(30)

    @property
    def alive(self) -> bool:
        return self._thread is not None and self._thread.is_alive()
