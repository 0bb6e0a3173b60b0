"""`kubectl describe` output as pure functions over Kubernetes JSON objects.

Each `describe_<kind>` takes the object, the related objects kubectl would fetch (events,
ReplicaSets, pods, endpoints, ...) and `now` (for ages), and returns the full text with
its final newline, laid out like kubectl's Go tabwriter. `kubectl_minor` (default 35)
selects version-dependent details; `describe_events` is the Events section alone.
The command layer that fetches the objects calls these and prints the result.
"""

from kubenb.cli.kubectl.describe.config import (
    describe_configmap,
    describe_namespace,
    describe_secret,
    describe_serviceaccount,
)
from kubenb.cli.kubectl.describe.events import describe_events
from kubenb.cli.kubectl.describe.node import describe_node
from kubenb.cli.kubectl.describe.pod import describe_pod
from kubenb.cli.kubectl.describe.service import describe_endpoints, describe_service
from kubenb.cli.kubectl.describe.workloads import describe_deployment, describe_replicaset
from kubenb.cli.kubectl.describe.writer import DEFAULT_KUBECTL_MINOR

__all__ = [
    "DEFAULT_KUBECTL_MINOR",
    "describe_configmap",
    "describe_deployment",
    "describe_endpoints",
    "describe_events",
    "describe_namespace",
    "describe_node",
    "describe_pod",
    "describe_replicaset",
    "describe_secret",
    "describe_service",
    "describe_serviceaccount",
]
