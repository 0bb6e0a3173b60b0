"""`kubectl describe` for Namespace, ConfigMap, Secret and ServiceAccount."""

from __future__ import annotations

import base64
from datetime import datetime, timezone
from typing import Any

from kubenb.cli.kubectl.describe import (
    describe_configmap,
    describe_namespace,
    describe_secret,
    describe_serviceaccount,
)

NOW = datetime(2025, 1, 6, 10, 5, 0, tzinfo=timezone.utc)


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def namespace() -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Namespace",
            "metadata": {"name": "default", "labels": {"kubernetes.io/metadata.name": "default"}},
            "status": {"phase": "Active"}}


def test_namespace_without_quotas_or_limits() -> None:
    assert describe_namespace(namespace(), [], [], NOW) == """\
Name:         default
Labels:       kubernetes.io/metadata.name=default
Annotations:  <none>
Status:       Active

No resource quota.

No LimitRange resource.
"""
    assert describe_namespace(namespace(), None, None).endswith("Status:       Active\n")


def test_namespace_with_quota_and_limit_range() -> None:
    quota = {"metadata": {"name": "compute"}, "spec": {"scopes": ["BestEffort"]},
             "status": {"hard": {"pods": "10", "requests.cpu": "2"}, "used": {"pods": "3"}}}
    limits = {"metadata": {"name": "lr"}, "spec": {"limits": [
        {"type": "Container", "default": {"cpu": "500m"}, "defaultRequest": {"cpu": "250m"},
         "max": {"memory": "1Gi"}}]}}
    text = describe_namespace(namespace(), [quota], [limits], NOW)
    assert text.endswith("""\
Resource Quotas
  Name:    compute
  Scopes:  BestEffort
  * Matches all pods that do not have resource requirements set. These pods have a best effort quality of service.
  Resource      Used  Hard
  --------      ---   ---
  pods          3     10
  requests.cpu  0     2

Resource Limits
 Type       Resource  Min  Max  Default Request  Default Limit  Max Limit/Request Ratio
 ----       --------  ---  ---  ---------------  -------------  -----------------------
 Container  cpu       -    -    250m             500m           -
 Container  memory    -    1Gi  -                -              -
""")


def test_namespace_terminating_conditions() -> None:
    ns = namespace()
    ns["status"] = {"phase": "Terminating", "conditions": [
        {"type": "NamespaceContentRemaining", "status": "True", "lastTransitionTime": "2025-01-06T10:00:00Z",
         "reason": "SomeResourcesRemain", "message": "Some resources are remaining: pods. has 1 resource instances"}]}
    assert ("Conditions:\n  Type                       Status  LastTransitionTime               Reason               "
            "Message\n") in describe_namespace(ns, None, None)


def test_configmap_data_and_binary_data() -> None:
    cm = {"metadata": {"name": "app", "namespace": "default"},
          "data": {"mode": "dev", "app.properties": "a=1\nb=2"}, "binaryData": {"logo.png": b64("\x89PNG")}}
    assert describe_configmap(cm, [], NOW) == """\
Name:         app
Namespace:    default
Labels:       <none>
Annotations:  <none>

Data
====
app.properties:
----
a=1
b=2

mode:
----
dev


BinaryData
====
logo.png: 5 bytes

Events:  <none>
"""


def test_empty_configmap_without_events() -> None:
    cm = {"metadata": {"name": "empty", "namespace": "default"}}
    assert describe_configmap(cm, None, NOW).endswith("\nData\n====\n\nBinaryData\n====\n\n")


def test_secret_sizes_sorted_and_service_account_token_shown() -> None:
    secret = {"metadata": {"name": "db", "namespace": "default"}, "type": "Opaque",
              "data": {"username": b64("bob"), "password": b64("s3cr3t!")}}
    assert describe_secret(secret, [], NOW) == """\
Name:         db
Namespace:    default
Labels:       <none>
Annotations:  <none>

Type:  Opaque

Data
====
password:  7 bytes
username:  3 bytes
"""
    token = {"metadata": {"name": "t", "namespace": "default"}, "type": "kubernetes.io/service-account-token",
             "data": {"token": b64("eyJhbGci"), "ca.crt": b64("x" * 10)}}
    assert describe_secret(token).endswith("ca.crt:  10 bytes\ntoken:   eyJhbGci\n")


def test_service_account_current_and_132() -> None:
    sa = {"metadata": {"name": "default", "namespace": "default", "uid": "sa-uid"},
          "imagePullSecrets": [{"name": "regcred"}, {"name": "other"}]}
    assert describe_serviceaccount(sa, [], NOW) == """\
Name:                default
Namespace:           default
Labels:              <none>
Annotations:         <none>
Image pull secrets:  regcred
                     other
Events:              <none>
"""
    sa["secrets"] = [{"name": "gone"}]
    secrets = [{"metadata": {"name": "regcred"}}, {"metadata": {"name": "other"}},
               {"metadata": {"name": "tok", "annotations": {"kubernetes.io/service-account.name": "default",
                                                            "kubernetes.io/service-account.uid": "sa-uid"}},
                "type": "kubernetes.io/service-account-token"}]
    assert describe_serviceaccount(sa, None, NOW, secrets=secrets, kubectl_minor=32) == """\
Name:                default
Namespace:           default
Labels:              <none>
Annotations:         <none>
Image pull secrets:  regcred
                     other
Mountable secrets:   gone (not found)
Tokens:              tok
"""
