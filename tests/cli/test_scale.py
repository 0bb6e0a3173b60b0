"""`kubectl scale` against a virtual cluster: messages, preconditions, flags, errors."""

from __future__ import annotations

import shutil
import subprocess
from typing import Any

import pytest

from tests.cli.test_rollout import make, rolled_out

needs_kubectl = pytest.mark.skipif(not shutil.which("kubectl"), reason="real kubectl not installed")


def replicas(vcluster: Any, name: str = "web") -> int:
    return int(vcluster.store.get("Deployment", "default", name)["spec"]["replicas"])


@pytest.mark.parametrize("line", ["scale deployment/web --replicas=3", "scale deploy web --replicas 3",
                                  "scale deployments.apps/web --replicas=3 --current-replicas=1"])
def test_scale_deployment(kube: Any, vcluster: Any, line: str) -> None:
    make(kube, vcluster)
    r = kube(line)
    assert (r.out, r.err, r.rc) == ("deployment.apps/web scaled\n", "", 0)
    assert replicas(vcluster) == 3
    vcluster.wait_for(lambda: rolled_out(vcluster, "web"), timeout=60)
    assert len(vcluster.store.list("Pod", "default")) == 3


def test_scale_prints_scaled_even_without_change_and_scales_replicasets(kube: Any, vcluster: Any) -> None:
    make(kube, vcluster)
    assert kube("scale deploy/web --replicas=1").out == "deployment.apps/web scaled\n"
    rs = vcluster.store.list("ReplicaSet", "default")[0]["metadata"]["name"]
    assert kube(f"scale rs/{rs} --replicas=2").out == f"replicaset.apps/{rs} scaled\n"
    assert vcluster.store.get("ReplicaSet", "default", rs)["spec"]["replicas"] == 2


def test_scale_output_formats_and_dry_run(kube: Any, vcluster: Any) -> None:
    make(kube, vcluster)
    assert kube("scale deploy/web --replicas=4 -o name").out == "deployment.apps/web\n"
    assert kube("scale deploy/web --replicas=5 --dry-run=client").out == "deployment.apps/web scaled (dry run)\n"
    assert kube("scale deploy/web --replicas=5 --dry-run=server").out == (
        "deployment.apps/web scaled (server dry run)\n")
    assert replicas(vcluster) == 4
    # kubectl prints the object as it read it, before the scale
    out = kube("scale deploy/web --replicas=6 -o jsonpath={.spec.replicas}").out
    assert (out, replicas(vcluster)) == ("4", 6)


def test_scale_by_selector(kube: Any, vcluster: Any) -> None:
    make(kube, vcluster, "a")
    make(kube, vcluster, "b")
    r = kube("scale deploy -l app=b --replicas=2")
    assert r.out == "deployment.apps/b scaled\n"
    assert (replicas(vcluster, "a"), replicas(vcluster, "b")) == (1, 2)


def test_scale_all_selects_every_object_of_the_type_in_the_namespace(kube: Any, vcluster: Any) -> None:
    make(kube, vcluster, "a")
    make(kube, vcluster, "b")
    r = kube("scale deployment --all --replicas=2")
    assert (r.out, r.err, r.rc) == ("deployment.apps/a scaled\ndeployment.apps/b scaled\n", "", 0)
    assert (replicas(vcluster, "a"), replicas(vcluster, "b")) == (2, 2)
    r = kube("scale deployment --all --replicas=1 -n kube-public")
    assert (r.out, r.err, r.rc) == ("", "error: no objects passed to scale\n", 1)
    assert (replicas(vcluster, "a"), replicas(vcluster, "b")) == (2, 2)


@pytest.mark.parametrize("line, err", [
    ("scale deploy/web --replicas=2 --current-replicas=3", "error: Expected replicas to be 3, was 1\n"),
    ("scale deploy/web", 'error: required flag(s) "replicas" not set\n'),
    ("scale deploy/web --replicas=-1",
     "error: The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0\n"),
    ("scale deploy/web --replicas=2 --current-replicas=-2",
     "error: The --current-replicas must specify an integer of -1 or greater\n"),
    ("scale deploy/nope --replicas=2", 'Error from server (NotFound): deployments.apps "nope" not found\n'),
    ("scale deploy/web --replicas=x",
     'Error: invalid argument "x" for "--replicas" flag: strconv.ParseInt: parsing "x": invalid syntax\n'
     "See 'kubectl scale --help' for usage.\n"),
    ("scale deploy/web --replicas=2 --dry-run=foo",
     'error: Invalid dry-run value (foo). Must be "none", "server", or "client".\n'),
    ("scale deploy --replicas=2", "error: resource(s) were provided, but no name was specified\n"),
    ("scale widgets/x --replicas=2", 'error: the server doesn\'t have a resource type "widgets"\n'),
    ("scale svc/kubernetes --replicas=2",
     "Error from server (NotFound): the server could not find the requested resource\n"),
])
def test_scale_errors(kube: Any, vcluster: Any, line: str, err: str) -> None:
    make(kube, vcluster)
    r = kube(line)
    assert (r.out, r.err, r.rc) == ("", err, 1)
    assert replicas(vcluster) == 1


@needs_kubectl
@pytest.mark.parametrize("args", [["--replicas=-1"], ["--replicas=2", "--current-replicas=-2"],
                                  ["--replicas=x"], ["--replicas=2", "--dry-run=foo"]])
def test_client_side_errors_match_real_kubectl(kube: Any, vcluster: Any, args: list[str]) -> None:
    make(kube, vcluster)
    real = subprocess.run(["kubectl", "scale", "deploy/web", *args], capture_output=True, text=True,
                          env={"KUBECONFIG": "/nonexistent", "PATH": "/usr/bin:/bin"}, check=False)
    r = kube("scale deploy/web " + " ".join(args))
    assert (r.err, r.rc) == (real.stderr, real.returncode)
