"""The CronTab CustomResourceDefinition of the Kubernetes docs ("Extend the Kubernetes API
with CustomResourceDefinitions"), with printer columns and subresources added, as test data."""

from __future__ import annotations

import copy
from typing import Any

CRONTAB_CRD: dict[str, Any] = {
    "apiVersion": "apiextensions.k8s.io/v1",
    "kind": "CustomResourceDefinition",
    "metadata": {"name": "crontabs.stable.example.com"},
    "spec": {
        "group": "stable.example.com",
        "versions": [{
            "name": "v1", "served": True, "storage": True,
            "schema": {"openAPIV3Schema": {"type": "object", "properties": {
                "spec": {"type": "object", "properties": {
                    "cronSpec": {"type": "string", "pattern": r"^(\d+|\*)(/\d+)?(\s+(\d+|\*)(/\d+)?){4}$"},
                    "image": {"type": "string"},
                    "replicas": {"type": "integer", "minimum": 1, "maximum": 10, "default": 1},
                }},
                "status": {"type": "object", "properties": {
                    "replicas": {"type": "integer"}, "labelSelector": {"type": "string"}}},
            }}},
            "subresources": {"status": {}, "scale": {
                "specReplicasPath": ".spec.replicas", "statusReplicasPath": ".status.replicas",
                "labelSelectorPath": ".status.labelSelector"}},
            "additionalPrinterColumns": [
                {"name": "Spec", "type": "string", "description": "The cron spec defining the interval a CronJob is run",
                 "jsonPath": ".spec.cronSpec"},
                {"name": "Replicas", "type": "integer", "description": "The number of jobs launched by the CronJob",
                 "jsonPath": ".spec.replicas"},
                {"name": "Age", "type": "date", "jsonPath": ".metadata.creationTimestamp"},
                {"name": "Image", "type": "string", "priority": 1, "jsonPath": ".spec.image"},
            ],
        }],
        "scope": "Namespaced",
        "names": {"plural": "crontabs", "singular": "crontab", "kind": "CronTab", "shortNames": ["ct"],
                  "categories": ["all"]},
    },
}


def crd(**changes: Any) -> dict[str, Any]:
    out = copy.deepcopy(CRONTAB_CRD)
    out["spec"].update(changes)
    return out


def crontab(name: str = "my-new-cron-object", **spec: Any) -> dict[str, Any]:
    return {"apiVersion": "stable.example.com/v1", "kind": "CronTab", "metadata": {"name": name},
            "spec": {"cronSpec": "* * * * */5", "image": "my-awesome-cron-image", **spec}}
