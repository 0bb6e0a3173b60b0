"""`describe pod` for a pod with everything a real manifest carries — an init container and a
native sidecar, a volume of each type (emptyDir incl. `medium: Memory`, hostPath, configMap with
items, secret, downwardAPI, projected, persistentVolumeClaim, ephemeral), env from ConfigMaps and Secrets
(`valueFrom` and `envFrom`), requests and limits — through real kubectl 1.32: its text (computed
client-side from our server's objects) is the expected text for kubenb's own: exactly without
events, word for word (ages aside) with them. The text without events is kept as a golden with
run-to-run values named (events vary: image pull times, a FailedScheduling while the claim binds)."""

from __future__ import annotations

import re

import pytest

from kubenb.api.pods import is_pod_ready

from .conftest import KUBECTL_132, Served
from .test_kubectl_batch import placeholders
from .test_kubectl_daemons import ours, real, words

pytestmark = pytest.mark.skipif(not __import__("shutil").which(KUBECTL_132), reason="needs kubectl 1.32")

OBJECTS = """apiVersion: v1
kind: ConfigMap
metadata: {name: app-config}
data: {mode: fast, greeting: hello, app.properties: "a=1"}
---
apiVersion: v1
kind: Secret
metadata: {name: app-secret}
stringData: {password: s3cret, token: abc}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: data}
spec:
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 1Gi}}
---
apiVersion: v1
kind: Pod
metadata:
  name: full
  labels: {app: full}
spec:
  initContainers:
  - name: setup
    image: busybox
    command: ["sh", "-c", "echo set up"]
    volumeMounts:
    - {name: scratch, mountPath: /work}
  - name: proxy
    image: busybox
    restartPolicy: Always
    command: ["sh", "-c", "sleep 3600"]
    resources:
      requests: {cpu: 50m, memory: 32Mi}
  containers:
  - name: app
    image: nginx
    ports:
    - {containerPort: 80}
    env:
    - name: MODE
      valueFrom: {configMapKeyRef: {name: app-config, key: mode}}
    - name: PASSWORD
      valueFrom: {secretKeyRef: {name: app-secret, key: password}}
    - name: OPTIONAL_KEY
      valueFrom: {configMapKeyRef: {name: app-config, key: missing, optional: true}}
    - name: POD_NAME
      valueFrom: {fieldRef: {fieldPath: metadata.name}}
    - name: NODE_IP
      valueFrom: {fieldRef: {fieldPath: status.hostIP}}
    - name: MEM_LIMIT
      valueFrom: {resourceFieldRef: {containerName: app, resource: limits.memory}}
    - name: APP_LABEL
      valueFrom: {fieldRef: {fieldPath: "metadata.labels['app']"}}
    - name: NODE_NAME
      valueFrom: {fieldRef: {fieldPath: spec.nodeName}}
    - name: MEM_REQUEST_MI
      valueFrom: {resourceFieldRef: {resource: requests.memory, divisor: 1Mi}}
    - name: PLAIN
      value: "42"
    envFrom:
    - configMapRef: {name: app-config}
    - prefix: S_
      secretRef: {name: app-secret, optional: true}
    resources:
      requests: {cpu: 100m, memory: 64Mi}
      limits: {cpu: 500m, memory: 128Mi}
    volumeMounts:
    - {name: scratch, mountPath: /work}
    - {name: cache, mountPath: /cache}
    - {name: host, mountPath: /host, readOnly: true}
    - {name: config, mountPath: /etc/config}
    - {name: config, mountPath: /etc/app.properties, subPath: app.properties}
    - {name: secret, mountPath: /etc/secret, readOnly: true}
    - {name: podinfo, mountPath: /etc/podinfo}
    - {name: all-in-one, mountPath: /projected}
    - {name: data, mountPath: /data}
    - {name: logs, mountPath: /logs}
    - {name: keys, mountPath: /keys}
    - {name: extra, mountPath: /extra}
    - {name: scratch-claim, mountPath: /scratch}
  volumes:
  - name: scratch
    emptyDir: {}
  - name: cache
    emptyDir: {medium: Memory, sizeLimit: 64Mi}
  - name: host
    hostPath: {path: /var/log, type: Directory}
  - name: config
    configMap:
      name: app-config
      items:
      - {key: greeting, path: greeting.txt}
      - {key: app.properties, path: app.properties}
  - name: secret
    secret: {secretName: app-secret, defaultMode: 256}
  - name: podinfo
    downwardAPI:
      items:
      - path: labels
        fieldRef: {fieldPath: metadata.labels}
      - path: cpu_limit
        resourceFieldRef: {containerName: app, resource: limits.cpu}
  - name: all-in-one
    projected:
      sources:
      - configMap:
          name: app-config
          items:
          - {key: mode, path: mode}
      - secret: {name: app-secret}
      - downwardAPI:
          items:
          - path: name
            fieldRef: {fieldPath: metadata.name}
      - serviceAccountToken: {path: token, expirationSeconds: 3600}
  - name: data
    persistentVolumeClaim: {claimName: data}
  - name: logs
    hostPath: {path: /tmp/logs}
  - name: keys
    secret:
      secretName: app-secret
      optional: true
      items:
      - {key: token, path: t}
  - name: extra
    configMap: {name: app-config, optional: true}
  - name: scratch-claim
    ephemeral:
      volumeClaimTemplate:
        metadata:
          labels: {type: scratch}
          annotations: {note: made-with-the-pod}
        spec:
          accessModes: [ReadWriteOnce]
          storageClassName: standard
          resources: {requests: {storage: 256Mi}}
"""


# Container IDs and the token volume's suffix come from the cluster's seeded generator: named,
# so the golden does not depend on what else the cluster did first.
_IDS = ((re.compile(r"sim://[0-9a-f]{64}"), "sim://<ID>"),
        (re.compile(r"kube-api-access-[a-z0-9]{5}"), "kube-api-access-<SUFFIX>"))


def recorded(text: str) -> str:
    text = placeholders(text)  # times and uids
    for pattern, replacement in _IDS:
        text = pattern.sub(replacement, text)
    return text


def ready(served: Served) -> bool:
    pod = served.store.try_get("Pod", "default", "full")
    return pod is not None and is_pod_ready(pod)


def test_describe_pod_with_init_containers_volumes_env_and_limits(served: Served,
                                                                  golden: object) -> None:
    created = real(served, "apply", "-f", "-", stdin=OBJECTS)
    assert created.splitlines() == ["configmap/app-config created", "secret/app-secret created",
                                    "persistentvolumeclaim/data created", "pod/full created"]
    served.cluster.wait_for(lambda: ready(served), timeout=120)
    described = real(served, "describe", "pod", "full", "--show-events=false")
    assert ours(served, "describe", "pod", "full", "--show-events=false") == described
    with_events = real(served, "describe", "pod", "full")
    assert words(ours(served, "describe", "pod", "full")) == words(with_events)
    golden("describe_pod_volumes_132", recorded(described))  # type: ignore[operator]
    claim = real(served, "describe", "pvc", "full-scratch-claim")  # the ephemeral volume's
    assert ours(served, "describe", "pvc", "full-scratch-claim") == claim
    assert "Used By:       full\n" in claim and "Labels:        type=scratch\n" in claim
    real(served, "delete", "pod", "full", "--wait=false")
    real(served, "delete", "pvc", "data", "--wait=false")
    real(served, "delete", "configmap", "app-config")
    real(served, "delete", "secret", "app-secret")


WAITING = """apiVersion: v1
kind: Pod
metadata: {name: waits}
spec:
  initContainers:
  - name: check
    image: busybox
    command: ["sh", "-c", "echo ok"]
    env:
    - name: CPU
      valueFrom: {resourceFieldRef: {resource: limits.cpu, divisor: 1m}}
  containers:
  - name: app
    image: nginx
    env:
    - name: MISSING
      valueFrom: {configMapKeyRef: {name: nowhere, key: k}}
    envFrom:
    - secretRef: {name: gone}
    resources:
      limits: {cpu: 200m, memory: 100Mi, ephemeral-storage: 1Gi}
    volumeMounts:
    - {name: share, mountPath: /share}
    - {name: inline, mountPath: /inline}
  volumes:
  - name: share
    nfs: {server: 10.0.0.5, path: /exports, readOnly: true}
  - name: inline
    csi: {driver: inline.csi.example.com, readOnly: true, volumeAttributes: {foo: bar}}
"""


def config_error(served: Served) -> bool:
    pod = served.store.try_get("Pod", "default", "waits")
    statuses = ((pod or {}).get("status") or {}).get("containerStatuses") or []
    return bool(statuses) and statuses[0]["state"].get("waiting", {}).get(
        "reason") == "CreateContainerConfigError"


def test_describe_pod_waiting_on_a_missing_secret(served: Served) -> None:
    """Limits defaulting the requests, nfs and inline csi volumes, and the container waiting
    with the kubelet's reason; its Failed event names the missing Secret (envFrom is read
    before env, as the kubelet does)."""
    assert real(served, "apply", "-f", "-", stdin=WAITING) == "pod/waits created\n"
    served.cluster.wait_for(lambda: config_error(served), timeout=120)
    described = real(served, "describe", "pod", "waits", "--show-events=false")
    assert ours(served, "describe", "pod", "waits", "--show-events=false") == described
    assert "    State:          Waiting\n      Reason:       CreateContainerConfigError\n" in described
    with_events = real(served, "describe", "pod", "waits")
    assert words(ours(served, "describe", "pod", "waits")) == words(with_events)
    assert 'Error: secret "gone" not found' in with_events
    real(served, "delete", "pod", "waits", "--wait=false")


FOREIGN = """apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: held-scratch}
spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
---
apiVersion: v1
kind: Pod
metadata: {name: held}
spec:
  containers:
  - name: app
    image: nginx
    volumeMounts:
    - {name: scratch, mountPath: /scratch}
  volumes:
  - name: scratch
    ephemeral:
      volumeClaimTemplate:
        spec:
          accessModes: [ReadWriteOnce]
          resources: {requests: {storage: 1Gi}}
"""


def held(served: Served) -> bool:
    pod = served.store.try_get("Pod", "default", "held")
    conds = ((pod or {}).get("status") or {}).get("conditions") or []
    return any(c.get("reason") == "Unschedulable" for c in conds) and any(
        e["reason"] == "FailedBinding" for e in served.store.list("Event", "default")
        if e["involvedObject"]["name"] == "held")


def test_describe_a_pod_whose_ephemeral_claim_is_not_its_own(served: Served) -> None:
    """A claim of the ephemeral volume's name made by hand: the pod stays Pending, the
    scheduler and the ephemeral volume controller say why in upstream's words; the claim is
    not the pod's (`Used By: <none>`)."""
    assert real(served, "apply", "-f", "-", stdin=FOREIGN).splitlines() == [
        "persistentvolumeclaim/held-scratch created", "pod/held created"]
    served.cluster.wait_for(lambda: held(served), timeout=120)
    with_events = real(served, "describe", "pod", "held")
    assert words(ours(served, "describe", "pod", "held")) == words(with_events)
    binding = next(ln for ln in with_events.splitlines() if "FailedBinding" in ln)
    assert binding.split()[:2] == ["Warning", "FailedBinding"] and " ephemeral_volume " in binding
    assert ("ephemeral volume scratch: PVC default/held-scratch was not created for pod "
            "default/held (pod is not owner)") in with_events
    assert ("PVC default/held-scratch was not created for pod default/held (pod is not owner)."
            in with_events)
    claim = real(served, "describe", "pvc", "held-scratch")
    assert ours(served, "describe", "pvc", "held-scratch") == claim
    assert "Used By:       <none>\n" in claim
    real(served, "delete", "pod", "held", "--wait=false")
    real(served, "delete", "pvc", "held-scratch", "--wait=false")
