"""The DaemonSet registry strategy's template generation (pkg/registry/apps/daemonset).

On create the API server sets `spec.templateGeneration` to 1 and bumps it whenever an
update changes the pod template; apps/v1 carries it in the annotation
`deprecated.daemonset.template.generation`. The daemonset controller labels its pods
`pod-template-generation=<it>`. An admission hook of the store (registered in cluster.py).
"""

from __future__ import annotations

from typing import Any

from kubenb.api.store import Op

ANNOTATION = "deprecated.daemonset.template.generation"


class DaemonSetTemplateGeneration:
    def admit(self, op: Op, obj: dict[str, Any], old: dict[str, Any] | None) -> None:
        if obj.get("kind") != "DaemonSet":
            return
        meta = obj.setdefault("metadata", {})
        annotations = dict(meta.get("annotations") or {})
        if op == "CREATE" or old is None:
            generation = 1
        else:
            before = (old["metadata"].get("annotations") or {}).get(ANNOTATION, "1")
            try:
                generation = int(before)
            except ValueError:
                generation = 1
            if (obj.get("spec") or {}).get("template") != (old.get("spec") or {}).get("template"):
                generation += 1
        annotations[ANNOTATION] = str(generation)
        meta["annotations"] = annotations

    def release(self, obj: dict[str, Any]) -> None:
        return None
