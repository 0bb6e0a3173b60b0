"""kubenb.api.validation: Kubernetes' field paths and messages, to the letter.

Every object goes through apply_defaults first, as the store does.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from kubenb.api.defaults import apply_defaults
from kubenb.api.errors import BadRequest, Invalid
from kubenb.api.validation import field_errors, validate
from tests import builders

Obj = dict[str, Any]
Change = Callable[[Obj], None]

SUBDOMAIN = ("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', "
             "and must start and end with an alphanumeric character (e.g. 'example.com', regex used for "
             "validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')")
LABEL = ("a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must "
         "start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for "
         "validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')")
DNS1035 = ("a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an "
           "alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', "
           "regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')")
KEY_NAME = ("name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end "
            "with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for "
            "validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')")
LABEL_VALUE = ("a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or "
               "'.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or "
               "'my_value',  or '12345', regex used for validation is "
               "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')")
CONFIG_KEY = ("a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. "
              "'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')")
PERCENT = ("a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or "
           "'93%', regex used for validation is '[0-9]+%')")
PORT_RANGE = "must be between 1 and 65535, inclusive"
UPDATABLE = ("pod updates may not change fields other than `spec.containers[*].image`,"
             "`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only "
             "additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set "
             "to 1 if it was previously negative)")


def pod() -> Obj:
    return builders.pod("p")


def deployment() -> Obj:
    return builders.deployment("d", replicas=None)


def replicaset() -> Obj:
    return builders.replicaset("d", replicas=None)


def service() -> Obj:
    return builders.service("s", selector={"app": "d"}, port=8080)


def configmap() -> Obj:
    return builders.configmap("cm", {"key": "value"})


def secret() -> Obj:
    return {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "sec", "namespace": "default"},
            "data": {"password": "czNjcjN0"}}


def namespace() -> Obj:
    return {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "dev"}}


def node() -> Obj:
    return builders.node("minikube", capacity={"cpu": "2", "memory": "8025424Ki", "pods": "110"})


def errors_after(make: Callable[[], Obj], change: Change, *, update: bool = False) -> list[str]:
    """Field errors of `make()` after `change`, as a create or as an update of the unchanged object."""
    old = make()
    apply_defaults(old)
    new = copy.deepcopy(old) if update else make()
    change(new)
    apply_defaults(new)
    return [str(e) for e in field_errors(new, old if update else None).errors]


def setter(path: str, value: Any) -> Change:
    """A change that sets a dotted path (list indexes as numbers): "spec.containers.0.image"."""
    def change(obj: Obj) -> None:
        *parents, last = path.split(".")
        target: Any = obj
        for part in parents:
            target = target[int(part)] if isinstance(target, list) else target.setdefault(part, {})
        if isinstance(target, list):
            target[int(last):int(last) + 1] = [value]  # replace, or append at the end
        elif value is DELETE:
            target.pop(last, None)
        else:
            target[last] = value
    return change


DELETE = object()


@pytest.mark.parametrize("make", [pod, deployment, replicaset, service, configmap, secret, namespace, node])
def test_valid_objects_pass(make: Callable[[], Obj]) -> None:
    assert errors_after(make, lambda o: None) == []


@pytest.mark.parametrize(
    ("make", "change", "errors"),
    [
        (pod, setter("metadata.name", DELETE), ["metadata.name: Required value: name or generateName is required"]),
        (pod, setter("metadata.name", "Bad_Name"), [f'metadata.name: Invalid value: "Bad_Name": {SUBDOMAIN}']),
        (pod, setter("metadata.name", "x" * 254),
         ['metadata.name: Invalid value: "' + "x" * 254 + '": must be no more than 253 characters']),
        (pod, setter("metadata.namespace", DELETE), ["metadata.namespace: Required value"]),
        (pod, setter("metadata.generateName", "Web-"),
         [f'metadata.generateName: Invalid value: "Web-": {SUBDOMAIN}']),
        (pod, setter("metadata.labels", {"bad key": "v"}), [f'metadata.labels: Invalid value: "bad key": {KEY_NAME}']),
        (pod, setter("metadata.labels", {"app": "-x"}), [f'metadata.labels: Invalid value: "-x": {LABEL_VALUE}']),
        (pod, setter("metadata.annotations", {"Bad Key": "v"}),
         [f'metadata.annotations: Invalid value: "Bad Key": {KEY_NAME}']),
        (pod, setter("metadata.finalizers", ["custom"]),
         ['metadata.finalizers[0]: Invalid value: "custom": name is neither a standard finalizer name '
          'nor is it fully qualified']),
        (service, setter("metadata.name", "1svc"), [f'metadata.name: Invalid value: "1svc": {DNS1035}']),
        (namespace, setter("metadata.name", "a.b"), ['metadata.name: Invalid value: "a.b": must not contain dots']),
        (namespace, setter("metadata.namespace", "default"), ["metadata.namespace: Forbidden: not allowed on this type"]),
        (node, setter("metadata.name", "Node1"), [f'metadata.name: Invalid value: "Node1": {SUBDOMAIN}']),
    ],
)
def test_metadata(make: Callable[[], Obj], change: Change, errors: list[str]) -> None:
    assert errors_after(make, change) == errors


def test_generate_name_with_generated_name_is_valid() -> None:
    p = pod()
    p["metadata"].update(generateName="web-", name="web-x7k2p")
    assert errors_after(lambda: p, lambda o: None) == []


C0 = "spec.containers[0]"


@pytest.mark.parametrize(
    ("change", "errors"),
    [
        (setter("spec.containers", []), ["spec.containers: Required value"]),
        (setter("spec.containers.0.image", ""), [f"{C0}.image: Required value"]),
        (setter("spec.containers.0.image", "nginx "),
         [f'{C0}.image: Invalid value: "nginx ": must not have leading or trailing whitespace']),
        (setter("spec.containers.0.name", ""), [f"{C0}.name: Required value"]),
        (setter("spec.containers.0.name", "Web"), [f'{C0}.name: Invalid value: "Web": {LABEL}']),
        (setter("spec.containers.1", {"name": "c", "image": "busybox"}),
         ['spec.containers[1].name: Duplicate value: "c"']),
        (setter("spec.containers.0.ports", [{"name": "http"}]), [f"{C0}.ports[0].containerPort: Required value"]),
        (setter("spec.containers.0.ports", [{"containerPort": 70000}]),
         [f"{C0}.ports[0].containerPort: Invalid value: 70000: {PORT_RANGE}"]),
        (setter("spec.containers.0.ports", [{"containerPort": 80, "protocol": "HTTP"}]),
         [f'{C0}.ports[0].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"']),
        (setter("spec.containers.0.ports", [{"containerPort": 80, "name": "web"}, {"containerPort": 81, "name": "web"}]),
         [f'{C0}.ports[1].name: Duplicate value: "web"']),
        (setter("spec.restartPolicy", "Sometimes"),
         ['spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"']),
        (setter("spec.dnsPolicy", "Google"),
         ['spec.dnsPolicy: Unsupported value: "Google": supported values: "ClusterFirstWithHostNet", '
          '"ClusterFirst", "Default", "None"']),
        (setter("spec.containers.0.imagePullPolicy", "Sometimes"),
         [f'{C0}.imagePullPolicy: Unsupported value: "Sometimes": supported values: "Always", "IfNotPresent", "Never"']),
        (setter("spec.containers.0.env", [{"value": "x"}]), [f"{C0}.env[0].name: Required value"]),
        (setter("spec.containers.0.env", [{"name": "A=B"}]),
         [f'{C0}.env[0].name: Invalid value: "A=B": a valid environment variable name must consist only of '
          "printable ASCII characters other than '='"]),
        (setter("spec.containers.0.env", [{"name": "A", "valueFrom": {}}]),
         [f'{C0}.env[0].valueFrom: Invalid value: "": must specify one of: `fieldRef`, `resourceFieldRef`, '
          "`configMapKeyRef` or `secretKeyRef`"]),
        (setter("spec.containers.0.env", [{"name": "A", "valueFrom": {"fieldRef": {"fieldPath": "status.phase"}}}]),
         [f'{C0}.env[0].valueFrom.fieldRef.fieldPath: Unsupported value: "status.phase": supported values: '
          '"metadata.name", "metadata.namespace", "metadata.uid", "spec.nodeName", "spec.serviceAccountName", '
          '"status.hostIP", "status.hostIPs", "status.podIP", "status.podIPs"']),
        (setter("spec.containers.0.env", [{"name": "A", "valueFrom": {"configMapKeyRef": {"name": "cm"}}}]),
         [f"{C0}.env[0].valueFrom.configMapKeyRef.key: Required value"]),
        (setter("spec.containers.0.envFrom", [{}]),
         [f'{C0}.envFrom: Invalid value: "": must specify one of: `configMapRef` or `secretRef`']),
        (setter("spec.containers.0.volumeMounts", [{"name": "data", "mountPath": "/data"}]),
         [f'{C0}.volumeMounts[0].name: Not found: "data"']),
        (setter("spec.volumes", [{"name": "Data"}]), [f'spec.volumes[0].name: Invalid value: "Data": {LABEL}']),
        (setter("spec.volumes", [{"name": "a", "emptyDir": {}, "secret": {"secretName": "s"}}]),
         ["spec.volumes[0].secret: Forbidden: may not specify more than 1 volume type"]),
        (setter("spec.volumes", [{"name": "a", "secret": {}}]), ["spec.volumes[0].secret.secretName: Required value"]),
        (setter("spec.containers.0.livenessProbe", {"exec": {"command": ["true"]}, "successThreshold": 2}),
         [f"{C0}.livenessProbe.successThreshold: Invalid value: 2: must be 1"]),
        (setter("spec.containers.0.livenessProbe", {"periodSeconds": 3}),
         [f"{C0}.livenessProbe: Required value: must specify a handler type"]),
        (setter("spec.containers.0.readinessProbe", {"httpGet": {"port": "80"}}),
         [f'{C0}.readinessProbe.httpGet.port: Invalid value: "80": must contain at least one letter (a-z)']),
        (setter("spec.containers.0.readinessProbe", {"httpGet": {"port": 80}, "tcpSocket": {"port": 80}}),
         [f"{C0}.readinessProbe.tcpSocket: Forbidden: may not specify more than 1 handler type"]),
        (setter("spec.containers.0.readinessProbe", {"tcpSocket": {"port": 80}, "timeoutSeconds": -1}),
         [f"{C0}.readinessProbe.timeoutSeconds: Invalid value: -1: must be greater than or equal to 0"]),
        (setter("spec.tolerations", [{"operator": "Equal", "value": "x"}]),
         ['spec.tolerations[0].operator: Invalid value: "Equal": operator must be Exists when `key` is empty, '
          'which means "match all values and all keys"']),
        (setter("spec.tolerations", [{"key": "k", "operator": "Exists", "effect": "Never"}]),
         ['spec.tolerations[0].effect: Unsupported value: "Never": supported values: "NoSchedule", '
          '"PreferNoSchedule", "NoExecute"']),
        (setter("spec.nodeSelector", {"disk": "ssd!"}), [f'spec.nodeSelector: Invalid value: "ssd!": {LABEL_VALUE}']),
        (setter("spec.activeDeadlineSeconds", 0),
         ["spec.activeDeadlineSeconds: Invalid value: 0: must be between 1 and 2147483647, inclusive"]),
        (setter("spec.hostname", "Host"), [f'spec.hostname: Invalid value: "Host": {LABEL}']),
        (setter("spec.ephemeralContainers", [{"name": "debug", "image": "busybox"}]),
         ["spec.ephemeralContainers: Forbidden: cannot be set on create"]),
        (setter("spec.containers.0.restartPolicy", "Always"),
         [f"{C0}.restartPolicy: Forbidden: may not be set for non-init containers"]),
        (setter("spec.initContainers", [{"name": "init", "image": "busybox", "readinessProbe": {"exec": {"command": ["x"]}}}]),
         ["spec.initContainers[0].readinessProbe: Forbidden: may not be set for init containers without "
          "restartPolicy=Always"]),
        (setter("spec.initContainers", [{"name": "c", "image": "busybox"}]),
         ['spec.initContainers[0].name: Duplicate value: "c"']),
        (setter("spec.containers.1", {"name": "d", "image": "x", "ports": [{"containerPort": 80, "hostPort": 80}]}),
         []),
    ],
)
def test_pod_spec(change: Change, errors: list[str]) -> None:
    assert errors_after(pod, change) == errors


def test_host_port_conflict() -> None:
    ports = [{"containerPort": 80, "hostPort": 8080}]
    change = setter("spec.containers", [{"name": "a", "image": "x", "ports": ports},
                                        {"name": "b", "image": "x", "ports": copy.deepcopy(ports)}])
    assert errors_after(pod, change) == ['spec.containers[1].ports[0].hostPort: Duplicate value: "TCP//8080"']


R = f"{C0}.resources"


@pytest.mark.parametrize(
    ("resources", "errors"),
    [
        ({"limits": {"cpu": "1"}, "requests": {"cpu": "2"}},
         [f'{R}.requests: Invalid value: "2": must be less than or equal to cpu limit of 1']),
        ({"limits": {"memory": "64Mi"}, "requests": {"memory": "0.5Gi"}},
         [f'{R}.requests: Invalid value: "512Mi": must be less than or equal to memory limit of 64Mi']),
        ({"limits": {"memory": "-1"}},
         [f'{R}.limits[memory]: Invalid value: "-1": must be greater than or equal to 0',
          f'{R}.requests[memory]: Invalid value: "-1": must be greater than or equal to 0']),
        ({"requests": {"gpu": "1"}},
         [f'{R}.requests[gpu]: Invalid value: "gpu": must be a standard resource type or fully qualified',
          f'{R}.requests[gpu]: Invalid value: "gpu": must be a standard resource for containers']),
        ({"limits": {"example.com/gpu": "2"}, "requests": {"example.com/gpu": "1"}},
         [f'{R}.requests: Invalid value: "1": must be equal to example.com/gpu limit of 2']),
        ({"requests": {"example.com/gpu": "1"}},
         [f"{R}.limits: Required value: Limit must be set for non overcommitable resources"]),
        ({"limits": {"example.com/gpu": "500m"}},
         [f'{R}.limits[example.com/gpu]: Invalid value: "500m": must be an integer',
          f'{R}.requests[example.com/gpu]: Invalid value: "500m": must be an integer']),
        ({"limits": {"cpu": "250m", "memory": "64Mi"}, "requests": {"cpu": "100m"}}, []),
    ],
)
def test_pod_resources(resources: Obj, errors: list[str]) -> None:
    assert errors_after(pod, setter("spec.containers.0.resources", resources)) == errors


def test_invalid_message_single_and_aggregated() -> None:
    p = pod()
    p["spec"]["containers"][0]["image"] = ""
    apply_defaults(p)
    with pytest.raises(Invalid) as exc:
        validate(p)
    assert str(exc.value) == 'Pod "p" is invalid: spec.containers[0].image: Required value'
    assert exc.value.status()["details"]["causes"] == [
        {"reason": "FieldValueRequired", "message": "Required value", "field": "spec.containers[0].image"}]
    p["spec"]["restartPolicy"] = "Sometimes"
    with pytest.raises(Invalid) as exc:
        validate(p)
    assert str(exc.value) == (
        'Pod "p" is invalid: [spec.containers[0].image: Required value, spec.restartPolicy: Unsupported value: '
        '"Sometimes": supported values: "Always", "OnFailure", "Never"]')


@pytest.mark.parametrize(
    ("make", "path", "message"),
    [
        (pod, "spec.containers.0.resources", 'Pod in version "v1" cannot be handled as a Pod: '),
        (deployment, "spec.template.spec.containers.0.resources",
         'Deployment in version "v1" cannot be handled as a Deployment: '),
    ],
)
def test_undecodable_quantity_is_bad_request(make: Callable[[], Obj], path: str, message: str) -> None:
    obj = make()
    setter(path, {"limits": {"cpu": "lots"}})(obj)
    apply_defaults(obj)
    with pytest.raises(BadRequest) as exc:
        validate(obj)
    assert str(exc.value) == message + (
        "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'")


@pytest.mark.parametrize(
    ("change", "errors"),
    [
        (setter("spec.containers.0.image", "nginx:1.27"), []),
        (setter("spec.activeDeadlineSeconds", 30), []),
        (setter("metadata.labels", {"tier": "web"}), []),
        (setter("spec.tolerations", [{"key": "k", "operator": "Exists"}]), []),
        (setter("metadata.name", "q"), ['metadata.name: Invalid value: "q": field is immutable']),
        (setter("spec.containers.1", {"name": "d", "image": "x"}),
         ["spec.containers: Forbidden: pod updates may not add or remove containers"]),
        (setter("spec.containers.0.image", ""), [f"{C0}.image: Required value", f"{C0}.image: Required value"]),
        (setter("spec.restartPolicy", "Never"),
         [f'spec: Forbidden: {UPDATABLE}\n- spec.restartPolicy: "Always"\n+ spec.restartPolicy: "Never"']),
    ],
)
def test_pod_update(change: Change, errors: list[str]) -> None:
    assert errors_after(pod, change, update=True) == errors


def test_pod_update_tolerations_and_deadline() -> None:
    def with_toleration_and_deadline() -> Obj:
        p = pod()
        p["spec"].update(tolerations=[{"key": "k", "operator": "Exists"}], activeDeadlineSeconds=10)
        return p

    assert errors_after(with_toleration_and_deadline, setter("spec.tolerations", []), update=True) == [
        "spec.tolerations: Forbidden: existing toleration can not be modified except its tolerationSeconds"]
    assert errors_after(with_toleration_and_deadline, setter("spec.activeDeadlineSeconds", 20), update=True) == [
        "spec.activeDeadlineSeconds: Invalid value: 20: must be less than or equal to previous value"]
    assert errors_after(with_toleration_and_deadline, setter("spec.activeDeadlineSeconds", DELETE), update=True) == [
        "spec.activeDeadlineSeconds: Invalid value: null: must not update from a positive integer to nil value"]


T = "spec.template"
MISMATCH = '`selector` does not match template `labels`'


@pytest.mark.parametrize(
    ("change", "errors"),
    [
        (setter("spec.replicas", -1), ["spec.replicas: Invalid value: -1: must be greater than or equal to 0"]),
        (setter("spec.selector", DELETE),
         ["spec.selector: Required value", f'{T}.metadata.labels: Invalid value: {{"app":"d"}}: {MISMATCH}']),
        (setter("spec.selector", {}), ["spec.selector: Invalid value: {}: empty selector is invalid for deployment"]),
        (setter("spec.selector.matchLabels", {"app": "e"}),
         [f'{T}.metadata.labels: Invalid value: {{"app":"d"}}: {MISMATCH}']),
        (setter("spec.selector", {"matchExpressions": [{"key": "app", "operator": "In", "values": ["d", "e"]}]}), []),
        (setter("spec.selector", {"matchExpressions": [{"key": "app", "operator": "Near"}]}),
         ['spec.selector.matchExpressions[0].operator: Invalid value: "Near": not a valid selector operator',
          'spec.selector: Invalid value: {"matchExpressions":[{"key":"app","operator":"Near"}]}: '
          "invalid label selector"]),
        (setter("spec.template.spec.restartPolicy", "Never"),
         [f'{T}.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"']),
        (setter("spec.template.spec.containers.0.image", ""), [f"{T}.spec.containers[0].image: Required value"]),
        (setter("spec.template.metadata.labels", {"app": "d", "x": "-"}),
         [f'{T}.labels: Invalid value: "-": {LABEL_VALUE}']),
        (setter("spec.strategy.rollingUpdate", {"maxSurge": 0, "maxUnavailable": 0}),
         ["spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0: may not be 0 when `maxSurge` is 0"]),
        (setter("spec.strategy.rollingUpdate", {"maxSurge": "0%", "maxUnavailable": "0%"}),
         ['spec.strategy.rollingUpdate.maxUnavailable: Invalid value: "0%": may not be 0 when `maxSurge` is 0']),
        (setter("spec.strategy.rollingUpdate.maxSurge", "abc"),
         [f'spec.strategy.rollingUpdate.maxSurge: Invalid value: "abc": {PERCENT}']),
        (setter("spec.strategy.rollingUpdate.maxUnavailable", "110%"),
         ['spec.strategy.rollingUpdate.maxUnavailable: Invalid value: "110%": must not be greater than 100%']),
        (setter("spec.strategy.rollingUpdate.maxUnavailable", -1),
         ["spec.strategy.rollingUpdate.maxUnavailable: Invalid value: -1: must be greater than or equal to 0"]),
        (setter("spec.strategy", {"type": "Recreate", "rollingUpdate": {"maxSurge": 1}}),
         ["spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'"]),
        (setter("spec.strategy", {"type": "BlueGreen"}),
         ['spec.strategy: Unsupported value: {"RollingUpdate":null,"Type":"BlueGreen"}: supported values: '
          '"Recreate", "RollingUpdate"']),
        (setter("spec.minReadySeconds", 700),
         ["spec.progressDeadlineSeconds: Invalid value: 600: must be greater than minReadySeconds"]),
        (setter("spec.revisionHistoryLimit", -2),
         ["spec.revisionHistoryLimit: Invalid value: -2: must be greater than or equal to 0"]),
    ],
)
def test_deployment(change: Change, errors: list[str]) -> None:
    assert errors_after(deployment, change) == errors


def test_deployment_invalid_message() -> None:
    d = deployment()
    d["spec"]["replicas"] = -1
    apply_defaults(d)
    with pytest.raises(Invalid) as exc:
        validate(d)
    assert str(exc.value) == (
        'Deployment.apps "d" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0')
    assert exc.value.status()["details"]["group"] == "apps"


def _change_selector_and_labels(obj: Obj) -> None:
    obj["spec"]["selector"]["matchLabels"] = {"app": "e"}
    obj["spec"]["template"]["metadata"]["labels"] = {"app": "e"}


@pytest.mark.parametrize("make", [deployment, replicaset])
@pytest.mark.parametrize(
    ("change", "errors"),
    [
        (setter("spec.replicas", 5), []),
        (setter("spec.template.spec.containers.0.image", "nginx:2"), []),
        (_change_selector_and_labels,
         ['spec.selector: Invalid value: {"matchLabels":{"app":"e"}}: field is immutable']),
    ],
)
def test_apps_update(make: Callable[[], Obj], change: Change, errors: list[str]) -> None:
    assert errors_after(make, change, update=True) == errors


@pytest.mark.parametrize(
    ("change", "errors"),
    [
        (setter("spec.replicas", -1), ["spec.replicas: Invalid value: -1: must be greater than or equal to 0"]),
        (setter("spec.template.spec.activeDeadlineSeconds", 5),
         [f"{T}.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in ReplicaSet is not Supported"]),
        (setter("spec.selector", {}), ["spec.selector: Invalid value: {}: empty selector is invalid for deployment"]),
    ],
)
def test_replicaset(change: Change, errors: list[str]) -> None:
    assert errors_after(replicaset, change) == errors


@pytest.mark.parametrize(
    ("change", "errors"),
    [
        (setter("spec.ports", []), ["spec.ports: Required value"]),
        (lambda s: s["spec"].update(ports=[], clusterIP="None"), []),
        (setter("spec.ports.0.port", 0), [f"spec.ports[0].port: Invalid value: 0: {PORT_RANGE}",
                                          f"spec.ports[0].targetPort: Invalid value: 0: {PORT_RANGE}"]),
        (setter("spec.ports.0.protocol", "HTTP"),
         ['spec.ports[0].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"']),
        (setter("spec.ports.0.targetPort", "HTTP"),
         ['spec.ports[0].targetPort: Invalid value: "HTTP": must contain only alpha-numeric characters '
          '(a-z, 0-9), and hyphens (-)', 'spec.ports[0].targetPort: Invalid value: "HTTP": must contain at '
          "least one letter (a-z)"]),
        (setter("spec.ports", [{"port": 80}, {"port": 443}]),
         ["spec.ports[0].name: Required value", "spec.ports[1].name: Required value"]),
        (setter("spec.ports", [{"port": 80, "name": "web"}, {"port": 81, "name": "web"}]),
         ['spec.ports[1].name: Duplicate value: "web"']),
        (setter("spec.ports", [{"port": 80, "name": "a"}, {"port": 80, "name": "b", "targetPort": 81}]),
         ['spec.ports[1]: Duplicate value: {"AppProtocol":null,"Name":"","NodePort":0,"Port":80,'
          '"Protocol":"TCP","TargetPort":0}']),
        (lambda s: s["spec"].update(type="NodePort", ports=[{"port": 80, "name": "a", "nodePort": 30080},
                                                            {"port": 81, "name": "b", "nodePort": 30080}]),
         ["spec.ports[1].nodePort: Duplicate value: 30080"]),
        (setter("spec.type", "Foo"),
         ['spec.type: Unsupported value: "Foo": supported values: "ClusterIP", "ExternalName", "LoadBalancer", '
          '"NodePort"']),
        (setter("spec.ports.0.nodePort", 30080),
         ["spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"]),
        (lambda s: s["spec"].update(type="NodePort", clusterIP="None"),
         ["spec.clusterIPs[0]: Invalid value: \"None\": may not be set to 'None' for NodePort services"]),
        (lambda s: s["spec"].update(type="ExternalName", ports=[]), ["spec.externalName: Required value"]),
        (lambda s: s["spec"].update(type="ExternalName", externalName="my.database.example.com."), []),
        (setter("spec.clusterIP", "300.1.1.1"),
         ['spec.clusterIPs[0]: Invalid value: "300.1.1.1": must be a valid IP address, '
          "(e.g. 10.9.8.7 or 2001:db8::ffff)"]),
        (setter("spec.sessionAffinity", "Sticky"),
         ['spec.sessionAffinity: Unsupported value: "Sticky": supported values: "ClientIP", "None"']),
        (setter("spec.externalTrafficPolicy", "Local"),
         ['spec.externalTrafficPolicy: Invalid value: "Local": may only be set for externally-accessible services']),
        (setter("spec.externalIPs", ["127.0.0.1"]),
         ['spec.externalIPs[0]: Invalid value: "127.0.0.1": may not be in the loopback range '
          "(127.0.0.0/8, ::1/128)"]),
        (setter("spec.selector", {"app": "a b"}), [f'spec.selector: Invalid value: "a b": {LABEL_VALUE}']),
    ],
)
def test_service(change: Change, errors: list[str]) -> None:
    assert errors_after(service, change) == errors


def test_service_cluster_ip_is_immutable() -> None:
    def with_ip() -> Obj:
        s = service()
        s["spec"]["clusterIP"] = "10.96.0.10"
        return s

    def move(s: Obj) -> None:
        s["spec"].update(clusterIP="10.96.0.11", clusterIPs=["10.96.0.11"])

    assert errors_after(with_ip, move, update=True) == [
        'spec.clusterIPs[0]: Invalid value: ["10.96.0.11"]: may not change once set']
    assert errors_after(with_ip, setter("spec.type", "NodePort"), update=True) == []


@pytest.mark.parametrize(
    ("make", "change", "errors"),
    [
        (configmap, setter("data", {"a b": "x"}), [f'data[a b]: Invalid value: "a b": {CONFIG_KEY}']),
        (configmap, lambda c: c.update(binaryData={"key": "eA=="}),
         ['data[key]: Invalid value: "key": duplicate of key present in binaryData']),
        (configmap, setter("data", {"big": "x" * (1024 * 1024 + 1)}),
         ["[]: Too long: may not be more than 1048576 bytes"]),
        (secret, setter("data", {"..": "eA=="}), ['data[..]: Invalid value: "..": must not be \'..\'']),
        (secret, lambda s: s.update(type="kubernetes.io/tls"),
         ["data[tls.crt]: Required value", "data[tls.key]: Required value"]),
        (secret, lambda s: s.update(type="kubernetes.io/basic-auth", data={"token": "eA=="}),
         ["data[username]: Required value", "data[password]: Required value"]),
        (secret, lambda s: s.update(type="kubernetes.io/service-account-token"),
         ["metadata.annotations[kubernetes.io/service-account.name]: Required value"]),
    ],
)
def test_config_and_secrets(make: Callable[[], Obj], change: Change, errors: list[str]) -> None:
    assert errors_after(make, change) == errors


def test_secret_size_limit() -> None:
    import base64

    big = base64.b64encode(b"x" * (1024 * 1024 + 1)).decode()
    assert errors_after(secret, setter("data", {"big": big})) == ["data: Too long: may not be more than 1048576 bytes"]


@pytest.mark.parametrize(
    ("make", "change", "errors"),
    [
        (lambda: {**configmap(), "immutable": True}, setter("data", {"key": "new"}),
         ["data: Forbidden: field is immutable when `immutable` is set"]),
        (lambda: {**configmap(), "immutable": True}, setter("immutable", False),
         ["immutable: Forbidden: field is immutable when `immutable` is set"]),
        (configmap, setter("data", {"key": "new"}), []),
        (secret, lambda s: s.update(type="kubernetes.io/basic-auth", data={"username": "eA=="}),
         ['type: Invalid value: "kubernetes.io/basic-auth": field is immutable']),
    ],
)
def test_config_and_secret_updates(make: Callable[[], Obj], change: Change, errors: list[str]) -> None:
    assert errors_after(make, change, update=True) == errors


@pytest.mark.parametrize(
    ("make", "change", "errors", "update"),
    [
        (namespace, setter("metadata.name", "Dev"), [f'metadata.name: Invalid value: "Dev": {LABEL}'], False),
        (namespace, setter("spec.finalizers", ["kubernetes", "foo"]),
         ['spec.finalizers: Invalid value: "foo": name is neither a standard finalizer name nor is it fully '
          "qualified"], False),
        (node, setter("spec.taints", [{"key": "k", "effect": "Sometimes"}]),
         ['metadata.taints[0].effect: Unsupported value: "Sometimes": supported values: "NoSchedule", '
          '"PreferNoSchedule", "NoExecute"'], False),
        (node, setter("spec.taints", [{"key": "k", "value": "-", "effect": "NoSchedule"}]),
         [f'metadata.taints[0].value: Invalid value: "-": {LABEL_VALUE}'], False),
        (node, setter("spec.taints", [{"key": "k", "effect": "NoSchedule"}, {"key": "k", "effect": "NoSchedule"}]),
         ['metadata.taints[1]: Duplicate value: {"Effect":"NoSchedule","Key":"k","TimeAdded":null,"Value":""}: '
          "taints must be unique by key and effect pair"], False),
        (node, setter("status.capacity.cpu", "-2"),
         ['status.capacity.cpu: Invalid value: "-2": must be greater than or equal to 0',
          'status.allocatable.cpu: Invalid value: "-2": must be greater than or equal to 0'], False),
        (node, setter("spec.providerID", "kind://x"), [], True),
        (node, setter("metadata.labels", {"node-role.kubernetes.io/control-plane": ""}), [], True),
    ],
)
def test_namespace_and_node(make: Callable[[], Obj], change: Change, errors: list[str], update: bool) -> None:
    assert errors_after(make, change, update=update) == errors


def test_endpoints() -> None:
    def endpoints() -> Obj:
        return {"apiVersion": "v1", "kind": "Endpoints", "metadata": {"name": "s", "namespace": "default"},
                "subsets": [{"addresses": [{"ip": "10.244.0.5"}], "ports": [{"port": 8080}]}]}

    assert errors_after(endpoints, lambda e: None) == []
    assert errors_after(endpoints, setter("subsets", [{"ports": [{"port": 80}]}])) == [
        "subsets[0]: Required value: must specify `addresses` or `notReadyAddresses`"]
    assert errors_after(endpoints, setter("subsets.0.addresses", [{"ip": "nope"}])) == [
        'subsets[0].addresses[0].ip: Invalid value: "nope": must be a valid IP address, '
        "(e.g. 10.9.8.7 or 2001:db8::ffff)"]


def test_metadata_only_kinds() -> None:
    sa = {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "Robot", "namespace": "default"}}
    assert [str(e) for e in field_errors(sa).errors] == [f'metadata.name: Invalid value: "Robot": {SUBDOMAIN}']
    unknown = {"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w_1", "namespace": "x"}}
    with pytest.raises(Invalid) as exc:
        validate(unknown)
    assert str(exc.value) == f'Widget.example.com "w_1" is invalid: metadata.name: Invalid value: "w_1": {SUBDOMAIN}'
