"""`kubectl patch` and `kubectl edit` on a virtual cluster; `patch --local` refereed by real kubectl."""

from __future__ import annotations

import pytest

from tests.cli import needs_kubectl, pod_yaml, referee

POD = pod_yaml()

LOCAL = [
    """-p '{"metadata":{"labels":{"a":"b"}}}'""",
    """-p '{"metadata":{"labels":{"run":"pp"}}}'""",
    """-p '{"spec":{"containers":[{"name":"pp","image":"nginx:1.27"}]}}' -o yaml""",
    """-p '{"spec":{"containers":[{"name":"side","image":"busybox"}]}}' --type merge -o json""",
    """-p '[{"op":"replace","path":"/spec/containers/0/image","value":"x"}]' --type json -o name""",
    """-p 'metadata: {labels: {y: z}}'""",
    """-p x --type bogus""",
    "",
    """-p '{}' --patch-file p.json""",
    """-p '{}' --dry-run=server""",
    """-p '{"metadata":{"labels":{"a":"b"}}}' --dry-run=client""",
]


@needs_kubectl
@pytest.mark.parametrize("flags", LOCAL)
def test_local_matches_kubectl(kube, tmp_path, flags):
    (tmp_path / "pod.yaml").write_text(POD)
    cmd = f"patch --local -f {tmp_path}/pod.yaml {flags}"
    ours, theirs = kube(cmd), referee(cmd, tmp_path)
    assert (ours.out, ours.err, ours.rc) == (theirs.out, theirs.err, theirs.rc)


@pytest.fixture
def deploy(kube):
    kube("create deployment web --image=nginx")
    return kube


def test_patch_strategic_merge_json(deploy):
    r = deploy("""patch deployment web -p '{"spec":{"replicas":3}}'""")
    assert (r.out, r.err, r.rc) == ("deployment.apps/web patched\n", "", 0)
    assert deploy.client.get("Deployment", "default", "web")["spec"]["replicas"] == 3
    r = deploy("""patch deploy/web -p '{"spec":{"replicas":3}}'""")
    assert r.out == "deployment.apps/web patched (no change)\n"
    deploy("""patch deploy web --type merge -p '{"metadata":{"labels":{"x":"1"}}}'""")
    r = deploy("""patch deploy web --type json -p '[{"op":"remove","path":"/metadata/labels/x"}]' -o name""")
    assert r.out == "deployment.apps/web\n"
    obj = deploy.client.get("Deployment", "default", "web")
    assert obj["metadata"]["labels"] == {"app": "web"}
    r = deploy("""patch deploy web -p '{"spec":{"template":{"spec":{"containers":[{"name":"nginx","image":"nginx:2"}]}}}}' -o yaml""")
    assert "      - image: nginx:2\n" in r.out and r.rc == 0


def test_patch_dry_runs(deploy):
    assert deploy("""patch deploy web -p '{"spec":{"replicas":5}}' --dry-run=server""").out == \
        "deployment.apps/web patched\n"  # kubectl 1.32 prints no dry-run suffix here
    assert deploy("""patch deploy web -p '{"spec":{"replicas":5}}' --dry-run=client""").out == \
        "deployment.apps/web patched\n"
    assert deploy.client.get("Deployment", "default", "web")["spec"]["replicas"] == 1


@pytest.mark.parametrize("line, err", [
    ("""patch deploy nope -p '{}'""", 'Error from server (NotFound): deployments.apps "nope" not found'),
    ("""patch deploy web -p '{"spec":{"replicas":-1}}'""",
     'The Deployment "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or '
     "equal to 0"),
    ("patch deploy web", "error: must specify --patch or --patch-file containing the contents "
                         "of the patch"),
    ("""patch deploy web -p '{}' --type=bogus""",
     'error: --type must be one of [json merge strategic], not "bogus"'),
    ("""patch -p '{}'""", "error: You must provide one or more resources by argument or filename.\n"
     "Example resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n"
     "   '<resource> <name>'\n   '<resource>'"),
    ("""patch deploy web --local -p '{}'""", "error: cannot specify --local and server resources"),
])
def test_patch_errors(deploy, line, err):
    r = deploy(line)
    assert (r.out, r.err, r.rc) == ("", err + "\n", 1)


def test_edit_explains_the_missing_editor(deploy, monkeypatch):
    monkeypatch.delenv("KUBE_EDITOR", raising=False)
    monkeypatch.delenv("EDITOR", raising=False)
    r = deploy("edit deployment web")
    assert (r.out, r.rc) == ("", 1)
    assert r.err == ('error: unable to launch the editor "vi"\n'
                     "a notebook has no terminal editor; change the object with `%kubectl patch "
                     "deployment.apps/web -p '{…}'`, or edit its manifest and `%kubectl apply -f` "
                     "it\n")
    monkeypatch.setenv("EDITOR", "nano")
    assert deploy("edit deploy/web").err.startswith('error: unable to launch the editor "nano"\n')
    assert deploy("edit deploy nope").err == \
        'Error from server (NotFound): deployments.apps "nope" not found\n'
