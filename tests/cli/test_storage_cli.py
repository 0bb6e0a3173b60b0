"""kubectl for persistent storage on a seeded virtual cluster: explain for pv and sc, the
default class in `get sc`, a claim that waits (describe shows why), and errors in the API
server's words. (get/describe goldens of bound claims: test_statefulset_cli.py; checked
against real kubectl 1.32 in tests/server/test_statefulset_kubectl.py.)"""

from __future__ import annotations

import json
from typing import Any

from tests import builders


def test_explain_pv_and_sc(kube: Any) -> None:
    out = kube("explain pv.spec")
    assert out.rc == 0, out.err
    assert out.out.startswith("KIND:       PersistentVolume\nVERSION:    v1\n\nFIELD: spec <PersistentVolumeSpec>\n")
    assert "  persistentVolumeReclaimPolicy\t<string>\n  enum: Delete, Recycle, Retain\n" in out.out
    sc = kube("explain storageclass.volumeBindingMode").out
    assert sc.startswith("GROUP:      storage.k8s.io\nKIND:       StorageClass\nVERSION:    v1\n")
    assert "ENUM:\n    Immediate\n    WaitForFirstConsumer\n" in sc


def test_get_sc_shows_the_default_class(kube: Any) -> None:
    assert kube("get sc").out == (
        "NAME                 PROVISIONER                RECLAIMPOLICY   VOLUMEBINDINGMODE   ALLOWVOLUMEEXPANSION   AGE\n"
        "standard (default)   k8s.io/minikube-hostpath   Delete          Immediate           false                  0s\n")


def test_a_claim_without_a_volume_waits_and_says_why(kube: Any, vcluster: Any) -> None:
    claim = builders.pvc("manual", storageClassName="")
    assert kube("apply -f -", stdin=json.dumps(claim)).out == "persistentvolumeclaim/manual created\n"
    vcluster.advance(5)
    out = kube("describe pvc manual").out
    assert "Status:        Pending\n" in out
    assert "FailedBinding  5s    persistentvolume-controller  no persistent volumes available for this claim " \
           "and no storage class is set\n" in out
    pod = builders.pod("user", volumes=[{"name": "d", "persistentVolumeClaim": {"claimName": "manual"}}])
    kube("apply -f -", stdin=json.dumps(pod))
    vcluster.advance(2)
    assert kube("get pod user").out.splitlines()[1].split()[:3] == ["user", "0/1", "Pending"]
    assert ("Warning  FailedScheduling  2s    default-scheduler  0/1 nodes are available: pod has unbound "
            "immediate PersistentVolumeClaims. preemption: 0/1 nodes are available: 1 Preemption is not "
            "helpful for scheduling.\n") in kube("describe pod user").out
    kube("apply -f -", stdin=json.dumps(builders.pv("disk", "1Gi", storageClassName="")))
    vcluster.advance(16)  # the binder's resync finds the new volume
    assert kube("get pvc manual -o jsonpath={.status.phase}").out == "Bound"


def test_invalid_objects_get_the_api_servers_words(kube: Any) -> None:
    r = kube("apply -f -", stdin=json.dumps(builders.pvc("bad", None)))
    assert (r.out, r.err, r.rc) == (
        "", 'The PersistentVolumeClaim "bad" is invalid: spec.resources[storage]: Required value\n', 1)
    r = kube("apply -f -", stdin=json.dumps({"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass",
                                             "metadata": {"name": "x"}, "provisioner": "k8s.io/minikube-hostpath",
                                             "reclaimPolicy": "Keep"}))
    assert r.err == ('The StorageClass "x" is invalid: reclaimPolicy: Unsupported value: "Keep": '
                     'supported values: "Delete", "Retain"\n')
    assert kube("get pvc,sc -o name").out == "storageclass.storage.k8s.io/standard\n"
