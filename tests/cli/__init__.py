"""Tests of kubectl commands through the `kube` fixture, refereed by the real kubectl binary.

`referee(line, tmp_path)` runs /usr/bin/kubectl (1.32) on its client-only paths. A discovery
cache written into tmp_path lets it map kinds (`expose -f`, `label --local`, `run`) with no
server: its --server points at a closed loopback port and nothing else is contacted.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

KUBECTL = shutil.which("kubectl") or "/usr/bin/kubectl"
needs_kubectl = pytest.mark.skipif(not os.path.exists(KUBECTL),
                                   reason="the referee, real kubectl, is not installed")

_VERBS = ["create", "delete", "get", "list", "patch", "update", "watch"]
_CORE = [("pods", "Pod", True, ["po"]), ("services", "Service", True, ["svc"]),
         ("namespaces", "Namespace", False, ["ns"]), ("configmaps", "ConfigMap", True, ["cm"]),
         ("secrets", "Secret", True, []), ("nodes", "Node", False, ["no"])]
_APPS = [("deployments", "Deployment", True, ["deploy"]), ("replicasets", "ReplicaSet", True, ["rs"])]


@dataclass
class Ran:
    out: str
    err: str
    rc: int


def _resources(group_version: str, table: list[tuple[str, str, bool, list[str]]]) -> str:
    return json.dumps({"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": group_version,
                       "resources": [{"name": n, "singularName": k.lower(), "namespaced": ns,
                                      "kind": k, "verbs": _VERBS, "shortNames": s}
                                     for n, k, ns, s in table]})


def _cache(tmp: Path) -> Path:
    root = tmp / "kubectl-cache"
    disc = root / "discovery" / "127.0.0.1_1"
    if not disc.exists():
        (disc / "v1").mkdir(parents=True)
        (disc / "apps" / "v1").mkdir(parents=True)
        gv = [("", "v1"), ("apps", "apps/v1")]
        (disc / "servergroups.json").write_text(json.dumps({
            "kind": "APIGroupList", "apiVersion": "v1",
            "groups": [{"name": n, "versions": [{"groupVersion": v, "version": "v1"}],
                        "preferredVersion": {"groupVersion": v, "version": "v1"}} for n, v in gv]}))
        (disc / "v1" / "serverresources.json").write_text(_resources("v1", _CORE))
        (disc / "apps" / "v1" / "serverresources.json").write_text(_resources("apps/v1", _APPS))
    return root


def referee(line: str, tmp_path: Path, stdin: str | None = None) -> Ran:
    """What kubectl 1.32 prints for `line` (client-side paths only)."""
    argv = [KUBECTL, "--server=http://127.0.0.1:1", f"--cache-dir={_cache(tmp_path)}",
            *shlex.split(line)]
    env = {"PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path), "KUBECONFIG": "/dev/null"}
    p = subprocess.run(argv, input=stdin, capture_output=True, text=True, env=env, timeout=60,
                       cwd=tmp_path)
    return Ran(p.stdout, p.stderr, p.returncode)


def dry_run(line: str, fmt: str = "") -> str:
    """`line` with `--dry-run=client` (and `-o fmt`) added, before its ` -- command` if any."""
    head, dash, tail = line.partition(" -- ")
    return f"{head} --dry-run=client" + (f" -o {fmt}" if fmt else "") + (f" -- {tail}" if dash else "")


# ---- manifest files the tests write for `-f` -------------------------------------------------


def web_deployment_yaml(replicas: int = 2, image: str = "nginx", **labels: str) -> str:
    """The Deployment `web` (one container `nginx`, selector app=web) as a manifest's text;
    `labels` are more labels of the Deployment itself, after app=web."""
    more = "".join(f"    {k}: {v}\n" for k, v in labels.items())
    return f"""apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    app: web
{more}spec:
  replicas: {replicas}
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: nginx
        image: {image}
"""


def pod_yaml(annotations: dict[str, str] | None = None, port: int | None = None) -> str:
    """The Pod `pp` (label run=pp, one container `pp` of nginx) as a manifest's text, with
    `annotations` and a containerPort if given."""
    text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: pp\n  labels:\n    run: pp\n"
    if annotations:
        text += "  annotations:\n" + "".join(f"    {k}: {v}\n" for k, v in annotations.items())
    text += "spec:\n  containers:\n  - name: pp\n    image: nginx\n"
    if port is not None:
        text += f"    ports:\n    - containerPort: {port}\n"
    return text


def configmap_yaml(name: str, **data: str) -> str:
    """A ConfigMap as a manifest's text (no `data:` without data)."""
    text = f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\n"
    if data:
        text += "data:\n" + "".join(f"  {k}: {v}\n" for k, v in data.items())
    return text
