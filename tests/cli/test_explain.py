"""kubectl explain: the v2 plaintext layout, go-wordwrap wrapping, field paths, errors."""

from __future__ import annotations

from typing import Any

import pytest

from kubenb.api.explain.docs import SCHEMAS
from kubenb.api.registry import REGISTRY
from kubenb.cli.kubectl.commands.explain import indent, ref_name, wrap

# Types explain prints without fields (OpenAPI refs kubenb does not document further).
LEAVES = {"string", "integer", "boolean", "Object", "IntOrString", "Quantity", "MicroTime"}
# Fields whose Go field carries no comment, which kubectl explain prints as <no description>.
NO_DESCRIPTION = {("CertificateSigningRequest", "metadata"), ("IngressRule", "http")}  # upstream has none


@pytest.mark.parametrize("text, limit, want", [
    ("aaa bbb ccc", 7, "aaa bbb\nccc"),
    ("aaa bbb ccc", 6, "aaa\nbbb\nccc"),
    ("one\ntwo three", 8, "one\ntwo\nthree"),
    ("averyveryverylongword x", 5, "averyveryverylongword\nx"),
    ("trailing  ", 20, "trailing  "),
    ("a b\n", 76, "a b\n"),
    ("", 76, ""),
])
def test_wrap_follows_go_wordwrap(text: str, limit: int, want: str) -> None:
    assert wrap(text, limit) == want


def test_indent_pads_every_line_including_after_a_final_newline() -> None:
    assert indent(4, "a\nb\n") == "    a\n    b\n    "


@pytest.mark.parametrize("type_, name", [
    ("[]Container", "Container"), ("map[string]Quantity", "Quantity"),
    ("map[string][]string", "string"), ("ObjectMeta", "ObjectMeta"),
])
def test_ref_name(type_: str, name: str) -> None:
    assert ref_name(type_) == name


def test_every_kind_we_serve_is_documented() -> None:
    assert [rt.kind for rt in REGISTRY if rt.kind not in SCHEMAS] == []


def test_every_documented_type_resolves_or_is_a_known_leaf() -> None:
    """A field type is either explained further or one the API also prints without fields."""
    undocumented_refs = {"Affinity", "PodSecurityContext", "SecurityContext", "Lifecycle",
                         "EnvFromSource", "EnvVarSource", "TopologySpreadConstraint", "PodIP",
                         "ConfigMapVolumeSource", "EmptyDirVolumeSource", "HostPathVolumeSource",
                         "PersistentVolumeClaimVolumeSource", "SecretVolumeSource",
                         "ManagedFieldsEntry", "Condition", "LoadBalancerStatus",
                         "NodeDaemonEndpoints", "ContainerImage", "EventSeries"}
    for name, schema in SCHEMAS.items():
        assert schema.description, name
        for fname, f in schema.fields.items():
            target = ref_name(f.type)
            assert target in SCHEMAS or target in LEAVES or target in undocumented_refs, (name, fname)
            assert f.description or (name, fname) in NO_DESCRIPTION, (name, fname)
            assert list(f.enum) == sorted(f.enum), (name, fname)


@pytest.mark.parametrize("golden_name, line", [
    ("explain_pods", "explain pods"),
    ("explain_pod.spec.containers", "explain pod.spec.containers"),
    ("explain_deployment.spec.strategy", "explain deployment.spec.strategy"),
    ("explain_deploy.spec.strategy.type", "explain deploy.spec.strategy.type"),
    ("explain_svc.spec.ports--recursive", "explain svc.spec.ports --recursive"),
    ("explain_node.status.nodeInfo.kubeletVersion", "explain node.status.nodeInfo.kubeletVersion"),
    ("explain_configmap", "explain configmap"),
    # taken from kubectl 1.32 reading an OpenAPI v3 generated from the k8s.io/api v0.32.0 types
    ("explain_role", "explain role"),
    ("explain_rolebinding.subjects", "explain rolebinding.subjects"),
    ("explain_clusterrole.rules", "explain clusterrole.rules"),
    ("explain_selfsubjectaccessreview.spec", "explain selfsubjectaccessreview.spec"),
    # likewise, from the k8s.io/kube-aggregator v0.32.0 types
    ("explain_apiservice", "explain apiservice"),
    ("explain_apiservice.spec", "explain apiservice.spec"),
    # likewise, from the k8s.io/api v0.32.0 certificates/v1 types
    ("explain_csr", "explain csr"),
    ("explain_csr.spec", "explain csr.spec"),
    # texts checked against k8s.io/api v0.32.0 networking/v1 types_swagger_doc_generated.go
    ("explain_ingress.spec.rules--recursive", "explain ingress.spec.rules --recursive"),
    ("explain_networkpolicy.spec", "explain networkpolicy.spec"),
    # texts checked against k8s.io/api v0.32.0 core/v1 types_swagger_doc_generated.go
    ("explain_pod.spec.volumes.ephemeral--recursive", "explain pod.spec.volumes.ephemeral --recursive"),
])
def test_explain_golden(kube: Any, golden: Any, golden_name: str, line: str) -> None:
    r = kube(line)
    assert (r.err, r.rc) == ("", 0)
    golden(golden_name, r.out)


def test_layout_of_a_field_with_an_object_type(kube: Any) -> None:
    out = kube("explain pod.spec.containers").out
    head = out.split("FIELDS:\n")[0]
    assert head == (
        "KIND:       Pod\nVERSION:    v1\n\nFIELD: containers <[]Container>\n\n\nDESCRIPTION:\n"
        "    List of containers belonging to the pod. Containers cannot currently be\n"
        "    added or removed. There must be at least one container in a Pod. Cannot be\n"
        "    updated.\n"
        "    A single application container that you want to run within a pod.\n    \n")
    assert "  name\t<string> -required-\n    Name of the container specified as a DNS_LABEL." in out
    assert out.endswith("\n\n\n")


def test_enum_field_long_and_short_views(kube: Any) -> None:
    assert kube("explain pod.spec.restartPolicy").out.startswith(
        "KIND:       Pod\nVERSION:    v1\n\nFIELD: restartPolicy <string>\n"
        "ENUM:\n    Always\n    Never\n    OnFailure\n\nDESCRIPTION:\n")
    assert "  restartPolicy\t<string>\n  enum: Always, Never, OnFailure\n    Restart" in \
        kube("explain pod.spec").out


def test_recursive_lists_nested_fields_without_descriptions(kube: Any) -> None:
    out = kube("explain deployment.spec --recursive").out
    assert out.startswith("GROUP:      apps\nKIND:       Deployment\nVERSION:    v1\n\n"
                          "FIELD: spec <DeploymentSpec>\n\n")
    assert "  strategy\t<DeploymentStrategy>\n    rollingUpdate\t<RollingUpdateDeployment>\n" \
           "      maxSurge\t<IntOrString>\n" in out
    assert "      containers\t<[]Container> -required-\n" in out
    assert out.endswith("\n\n") and not out.endswith("\n\n\n")


@pytest.mark.parametrize("arg", ["deployments.apps.spec.replicas", "deployment.apps.spec.replicas",
                                 "deploy.spec.replicas", "Deployment.spec.replicas"])
def test_resource_forms(kube: Any, arg: str) -> None:
    assert "FIELD: replicas <integer>\n" in kube(f"explain {arg}").out


@pytest.mark.parametrize("line, err", [
    ("explain", 'error: You must specify the type of resource to explain. Use "kubectl '
                'api-resources" for a complete list of supported resources.\n'),
    ("explain pods svc", "error: We accept only this format: explain RESOURCE\n"),
    ("explain foo", 'the server doesn\'t have a resource type "foo"\n'),
    ("explain pods -o yaml", "error: unrecognized format: yaml\n"),
    ("explain deploy --api-version=apps/v2",
     'error: couldn\'t find resource for "apps/v2, Resource=deployments"\n'),
])
def test_explain_errors(kube: Any, line: str, err: str) -> None:
    r = kube(line)
    assert (r.out, r.err, r.rc) == ("", err, 1)


@pytest.mark.parametrize("line, err", [
    ("explain pods.spec.nope", 'error: field "nope" does not exist\n'),
    ("explain pods.spec.nope.deeper", 'error: field "deeper" does not exist\n'),
    ("explain pods.spec.restartPolicy.x", 'error: field "x" does not exist\n'),
])
def test_a_missing_field_fails_after_the_header(kube: Any, line: str, err: str) -> None:
    """kubectl's template has written GROUP/KIND/VERSION when it throws."""
    r = kube(line)
    assert (r.out, r.err, r.rc) == ("KIND:       Pod\nVERSION:    v1\n\n", err, 1)


def test_api_version_matching_the_resource_is_accepted(kube: Any) -> None:
    assert kube("explain deploy --api-version=apps/v1").rc == 0


@pytest.mark.parametrize("schema, field, text", [
    # Kubernetes 1.32's doc comments (k8s.io/api v0.32), as its OpenAPI carries them
    ("RollingUpdateDaemonSet", "maxSurge", "Absolute number is calculated from percentage by "
     "rounding up to a minimum of 1. Default value is 0. Example: when this is set to 30%"),
    ("DaemonSetCondition", "type", "Type of DaemonSet condition."),
    ("StatefulSetCondition", "type", "Type of statefulset condition."),
    ("StatefulSetSpec", "template", 'For example, a pod in a StatefulSet named "web" with index '
     'number "3" would be named "web-3".'),
    ("JobSpec", "backoffLimitPerIndex", "This field is beta-level. It can be used when the "
     "`JobBackoffLimitPerIndex` feature gate is enabled (enabled by default)."),
    ("PodDisruptionBudgetSpec", "unhealthyPodEvictionPolicy",
     "PDBUnhealthyPodEvictionPolicy is enabled (enabled by default)."),
    ("HorizontalPodAutoscaler", "metadata", "metadata is the standard object metadata."),
])
def test_docs_are_kubernetes_132s(schema: str, field: str, text: str) -> None:
    assert text in SCHEMAS[schema].fields[field].description


def test_metric_type_has_no_feature_gate_note_in_132() -> None:
    assert SCHEMAS["MetricSpec"].fields["type"].description.endswith(
        'each mapping to a matching field in the object.')
