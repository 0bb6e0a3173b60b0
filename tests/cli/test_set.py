"""`kubectl set image` and `kubectl set env` against a virtual cluster (and real kubectl --local)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.cli.test_rollout import V1, V2, deployment, make, rolled_out

needs_kubectl = pytest.mark.skipif(not shutil.which("kubectl"), reason="real kubectl not installed")


def container(vcluster: Any, name: str = "web") -> dict[str, Any]:
    return vcluster.store.get("Deployment", "default", name)["spec"]["template"]["spec"]["containers"][0]


def test_set_image_updates_and_rolls_out(kube: Any, vcluster: Any) -> None:
    make(kube, vcluster)
    r = kube(f"set image deployments/web web={V2}")
    assert (r.out, r.err, r.rc) == ("deployment.apps/web image updated\n", "", 0)
    assert container(vcluster)["image"] == V2
    vcluster.wait_for(lambda: rolled_out(vcluster, "web"), timeout=120)
    assert len(vcluster.store.list("ReplicaSet", "default")) == 2


def test_set_image_unchanged_prints_nothing_and_wildcard(kube: Any, vcluster: Any) -> None:
    make(kube, vcluster)
    assert (kube(f"set image deploy/web web={V1}").out, kube(f"set image deploy/web web={V1}").rc) == ("", 0)
    assert kube("set image deploy/web '*=busybox'").out == "deployment.apps/web image updated\n"
    assert container(vcluster)["image"] == "busybox"
    r = kube("set image deploy/web web=nginx --dry-run=client -o jsonpath={.spec.template.spec.containers[0].image}")
    assert (r.out, container(vcluster)["image"]) == ("nginx", "busybox")


@pytest.mark.parametrize("line, err", [
    ("set image deploy/web nope=nginx", 'error: unable to find container named "nope"\n'),
    ("set image deploy/web", "error: at least one image update is required\n"),
    ("set image web=nginx", "error: one or more resources must be specified as <resource> <name> or "
                            "<resource>/<name>\n"),
    ("set image deploy/nope web=nginx", 'Error from server (NotFound): deployments.apps "nope" not found\n'),
    ("set env deploy/web 'a b=1'", '''error: "a b" is not a valid key name: a valid environment variable name must \
consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit (e.g. 'my.env-name',  \
or 'MY_ENV.NAME',  or 'MyEnvName1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')\n'''),
    ("set env deploy/web A=1 A-", "error: can not both modify and remove the same environment variable in the "
                                  "same command\n"),
    ("set env deploy/web --list -o yaml", "error: --list and --output may not be specified together\n"),
])
def test_set_errors(kube: Any, vcluster: Any, line: str, err: str) -> None:
    make(kube, vcluster)
    r = kube(line)
    assert (r.out, r.err, r.rc) == ("", err, 1)


def test_set_image_partly_found_updates_and_errors(kube: Any, vcluster: Any) -> None:
    make(kube, vcluster)
    r = kube(f"set image deploy/web web={V2} nope=x")
    assert (r.out, r.err, r.rc) == ("deployment.apps/web image updated\n",
                                    'error: unable to find container named "nope"\n', 1)


def test_set_env_add_list_overwrite_remove(kube: Any, vcluster: Any) -> None:
    make(kube, vcluster)
    assert kube("set env deploy/web A=1 B=two").out == "deployment.apps/web env updated\n"
    assert container(vcluster)["env"] == [{"name": "A", "value": "1"}, {"name": "B", "value": "two"}]
    assert kube("set env deploy/web --list").out == "# Deployment web, container web\nA=1\nB=two\n"
    r = kube("set env deploy/web A=3 --overwrite=false")
    assert r.err == "error: 'A' already has a value (1), and --overwrite is false\n"
    assert kube("set env deploy/web A-").out == "deployment.apps/web env updated\n"
    assert container(vcluster)["env"] == [{"name": "B", "value": "two"}]
    assert kube("set env deploy/web A-").out == ""  # nothing to change
    r = kube("set env deploy/web C=1 -c nope")
    assert (r.out, r.err, r.rc) == ("", 'Warning: Deployment/web does not have any containers matching "nope"\n', 0)


@needs_kubectl
@pytest.mark.parametrize("pairs", [["web=nginx:2"], ["*=busybox"], ["nope=x"]])
def test_set_image_matches_real_kubectl_local(kube: Any, vcluster: Any, tmp_path: Path, pairs: list[str]) -> None:
    make(kube, vcluster)
    path = tmp_path / "d.yaml"
    path.write_text(yaml.safe_dump(deployment("web", V1)))
    real = subprocess.run(["kubectl", "set", "image", "--local", "-f", str(path), *pairs], capture_output=True,
                          text=True, env={"KUBECONFIG": "/nonexistent", "PATH": "/usr/bin:/bin"}, check=False)
    r = kube("set image deploy/web " + " ".join(f"'{p}'" for p in pairs))
    assert (r.out, r.err, r.rc) == (real.stdout, real.stderr, real.returncode)


def test_set_env_from_a_configmap_or_secret_by_reference(kube: Any, vcluster: Any) -> None:
    make(kube, vcluster)
    assert kube("create configmap cfg --from-literal=MODE=fast --from-literal=log.level=debug").rc == 0
    assert kube("create secret generic pw --from-literal=password=s3cr3t").rc == 0
    r = kube("set env deployment/web --from=configmap/cfg --keys=MODE --prefix=APP_")
    assert (r.out, r.err, r.rc) == ("deployment.apps/web env updated\n", "", 0)
    assert container(vcluster)["env"] == [
        {"name": "APP_MODE", "valueFrom": {"configMapKeyRef": {"name": "cfg", "key": "MODE"}}}]
    assert kube("set env deployment/web --from=secret/pw X=1").rc == 0
    assert container(vcluster)["env"][1:] == [
        {"name": "X", "value": "1"},
        {"name": "PASSWORD", "valueFrom": {"secretKeyRef": {"name": "pw", "key": "password"}}}]
    assert kube("set env deployment/web --from=configmap/cfg --list").out == (
        "# Deployment web, container web\n# APP_MODE from configmap cfg, key MODE\nX=1\n"
        "# PASSWORD from secret pw, key password\n# MODE from configmap cfg, key MODE\n"
        "# LOG_LEVEL from configmap cfg, key log.level\n")
    r = kube("set env deployment/web --from=configmap/nope")
    assert (r.out, r.err, r.rc) == ("", 'Error from server (NotFound): configmaps "nope" not found\n', 1)
    r = kube("set env deployment/web --from=deployment/web")
    assert (r.err, r.rc) == ("error: unsupported resource specified in --from\n", 1)
