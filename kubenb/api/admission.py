"""Admission plugins the store runs on writes (the API server's admission chain).

`DefaultTolerations` is Kubernetes' DefaultTolerationSeconds: every pod tolerates the
not-ready and unreachable NoExecute taints for a while, which is what delays eviction from a
dead node.
"""

from __future__ import annotations

from typing import Any

from kubenb.api.store import Op

NOT_READY = "node.kubernetes.io/not-ready"
UNREACHABLE = "node.kubernetes.io/unreachable"


class DefaultTolerations:
    def __init__(self, seconds: int = 300) -> None:
        self.seconds = seconds

    def admit(self, op: Op, obj: dict[str, Any], old: dict[str, Any] | None) -> None:
        if obj.get("kind") != "Pod" or op != "CREATE":
            return
        tols: list[dict[str, Any]] = obj["spec"].setdefault("tolerations", [])
        have = {(t.get("key"), t.get("effect")) for t in tols}
        for key in (NOT_READY, UNREACHABLE):
            if (key, "NoExecute") in have or any(
                t.get("operator") == "Exists" and not t.get("key") for t in tols
            ):
                continue
            tols.append({"key": key, "operator": "Exists", "effect": "NoExecute",
                         "tolerationSeconds": self.seconds})

    def release(self, obj: dict[str, Any]) -> None:
        return None
