"""`kubectl explain` of built-in kinds over HTTP: kubectl 1.32 and 1.37 read the API server's
OpenAPI v3 document of the group-version and print what `%kubectl explain` prints — the
kind, nested types, enums, required fields, `--recursive`; and the document carries the
strategic-merge metadata kubectl's apply reads."""

from __future__ import annotations

import pytest

from .conftest import KUBECTLS, Served
from .test_kubectl import ours

PATHS = [["pods"], ["pods.spec.restartPolicy"], ["pods.spec.containers"],
         ["deployment.spec.strategy"], ["deployments.apps.spec.template.spec.volumes.configMap"],
         ["svc.spec.type"], ["cronjob.spec.jobTemplate.spec"], ["ingress.spec.rules"],
         ["rolebinding.subjects"], ["hpa.spec.metrics"], ["pdb.spec.maxUnavailable"],
         ["statefulset.spec.volumeClaimTemplates"], ["nodes.status"], ["configmaps"],
         ["deployment.spec.strategy", "--recursive"], ["job.spec.template.spec.containers.resources"]]


@pytest.mark.parametrize("binary", KUBECTLS)
@pytest.mark.parametrize("path", PATHS, ids=" ".join)
def test_explain_over_http_prints_what_kubenb_prints(served: Served, binary: str,
                                                     path: list[str]) -> None:
    run = served.kubectl("explain", *path, binary=binary)
    assert (run.err, run.rc) == ("", 0)
    assert run.out == ours(served, "explain", *path)


def test_the_document_has_each_kind_and_apply_s_patch_metadata(served: Served) -> None:
    doc = served.request("GET", "/openapi/v3/apis/apps/v1").json()
    schemas = doc["components"]["schemas"]
    deploy = schemas["io.k8s.api.apps.v1.Deployment"]
    assert deploy["x-kubernetes-group-version-kind"] == [
        {"group": "apps", "kind": "Deployment", "version": "v1"}]
    containers = schemas["io.k8s.api.apps.v1.PodSpec"]["properties"]["containers"]
    assert (containers["x-kubernetes-patch-strategy"], containers["x-kubernetes-patch-merge-key"]) == (
        "merge", "name")
    assert schemas["io.k8s.api.apps.v1.IntOrString"] == {}  # explain prints it by name
