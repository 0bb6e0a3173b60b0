"""Volumes with programs: the hostpath provisioner makes a real directory per claim, and
`minikube delete` takes every volume directory of the profile with it."""

from __future__ import annotations

import os
from typing import Any

from kubenb.profiles import Profiles
from tests import builders
from tests.process.util import REQUIRES_LOOPBACK

pytestmark = REQUIRES_LOOPBACK


def bound(cluster: Any, name: str) -> bool:
    pvc = cluster.store.try_get("PersistentVolumeClaim", "default", name)
    return pvc is not None and pvc["status"].get("phase") == "Bound"


def test_minikube_delete_leaves_no_volume_directories(tmp_path: Any) -> None:
    profiles = Profiles(home=str(tmp_path / "home"), register_atexit=False)
    try:
        cluster = profiles.create("pvdel", driver="process").cluster
        cluster.store.create(builders.pvc("data"))
        cluster.wait_for(lambda: bound(cluster, "data"), timeout=60)
        pv = cluster.store.get("PersistentVolume", None, cluster.store.get(
            "PersistentVolumeClaim", "default", "data")["spec"]["volumeName"])
        path = pv["spec"]["hostPath"]["path"]
        assert path == os.path.join(cluster.state_dir, "hostpath-provisioner", "default", "data")
        assert os.path.isdir(path)
        assert profiles.delete("pvdel")
        assert not os.path.exists(os.path.join(cluster.state_dir, "hostpath-provisioner"))
    finally:
        profiles.close()
