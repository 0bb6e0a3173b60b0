"""kubectl config view|current-context|get-contexts|use-context over the kubeconfig model.

The model's layout is checked byte for byte against real kubectl reading the same config
from a file (skipped when the binary is missing).
"""

from __future__ import annotations

import io
import shlex
import shutil
import subprocess
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from kubenb.cli.kubectl.app import Ctx, run
from kubenb.cli.kubectl.commands import root
from kubenb.kubeconfig import KubeConfig, rfc1123

needs_kubectl = pytest.mark.skipif(not shutil.which("kubectl"), reason="real kubectl not installed")
WHEN = datetime(2025, 1, 6, 10, 0, 0, tzinfo=timezone.utc)
HOME = "/home/jovyan/.minikube"


def model() -> KubeConfig:
    """Two minikube profiles (p2 started last, so current) and a token user, as a notebook has."""
    kc = KubeConfig()
    kc.set_minikube_profile("minikube", "https://192.168.49.2:8443", HOME, "v1.35.0", WHEN)
    kc.set_minikube_profile("p2", "https://192.168.58.2:8443", HOME, "v1.35.0", WHEN)
    kc.clusters["remote"] = {"server": "https://10.0.0.1:6443", "certificate-authority-data": "YWJj"}
    kc.users["remote"] = {"client-certificate-data": "YWJj", "client-key-data": "YWJj", "token": "s3cr3t"}
    kc.contexts["remote"] = {"cluster": "remote", "user": "remote"}
    return kc


def kubectl(line: str, config: KubeConfig | None, client: Any = None) -> tuple[str, str, int]:
    out, err = io.StringIO(), io.StringIO()
    ctx = Ctx(client, out, err)
    if config is not None:
        ctx.kubeconfig = config  # type: ignore[attr-defined]
    rc = run(root(), shlex.split(line), ctx)
    return out.getvalue(), err.getvalue(), rc


def real(path: Path, *args: str) -> tuple[str, str, int]:
    p = subprocess.run(["kubectl", "--kubeconfig", str(path), *args], capture_output=True,
                       text=True, env={"PATH": "/usr/bin:/bin", "HOME": str(path.parent)}, check=False)
    return p.stdout, p.stderr, p.returncode


def test_rfc1123_is_minikubes_last_update_stamp() -> None:
    assert rfc1123(WHEN) == "Mon, 06 Jan 2025 10:00:00 UTC"


def test_view_of_a_fresh_minikube_profile(golden: Any) -> None:
    kc = KubeConfig()
    kc.set_minikube_profile("minikube", "https://192.168.49.2:8443", HOME, "v1.35.0", WHEN)
    out, err, rc = kubectl("config view", kc)
    assert (err, rc) == ("", 0)
    golden("config_view_minikube", out)


@needs_kubectl
@pytest.mark.parametrize("args", [
    "config view", "config view --raw", "config view -o json", "config view --minify",
    "config view --minify --context remote", "config view --minify --context nope",
    "config view -o jsonpath={.contexts[*].name}", "config view extra",
    "config current-context", "config get-contexts", "config get-contexts p2 minikube",
    "config get-contexts -o name", "config get-contexts --no-headers", "config get-contexts nope",
    "config get-contexts a b", "config get-contexts -o wide",
])
def test_matches_real_kubectl_byte_for_byte(tmp_path: Path, args: str) -> None:
    kc = model()
    path = tmp_path / "config"
    kc.save(str(path))
    ours = kubectl(args, kc)
    assert ours == real(path, *shlex.split(args))
    # and the same when kubenb reads the file itself
    assert kubectl(f"--kubeconfig {path} {args}", None) == ours


@needs_kubectl
def test_empty_config_matches_real_kubectl(tmp_path: Path) -> None:
    path = tmp_path / "missing"
    for args in ("config view", "config view -o json", "config current-context",
                 "config get-contexts"):
        assert kubectl(args, KubeConfig()) == real(path, *args.split())


@needs_kubectl
def test_use_context_matches_real_kubectl_and_writes_the_file(tmp_path: Path) -> None:
    kc = model()
    ours_path, theirs_path = tmp_path / "ours", tmp_path / "theirs"
    kc.save(str(ours_path))
    kc.save(str(theirs_path))
    for args in ("config use-context remote", "config use-context nope", "config use ",
                 "config use-context a b", "config use minikube"):
        assert kubectl(f"--kubeconfig {ours_path} {args}", None) == real(theirs_path, *args.split())
        assert KubeConfig.load(str(ours_path)).current_context == \
            KubeConfig.load(str(theirs_path)).current_context


def test_use_context_switches_the_in_memory_model() -> None:
    kc = model()
    assert kubectl("config use-context minikube", kc) == ('Switched to context "minikube".\n', "", 0)
    assert kc.current_context == "minikube"
    assert kubectl("config current-context", kc) == ("minikube\n", "", 0)


def test_view_redacts_secrets_and_omits_data() -> None:
    out, _, _ = kubectl("config view", model())
    assert "s3cr3t" not in out and "YWJj" not in out
    assert "    token: REDACTED\n" in out and "    client-key-data: DATA+OMITTED\n" in out
    raw, _, _ = kubectl("config view --raw", model())
    assert "    token: s3cr3t\n" in raw


def test_minikube_delete_and_stop_edit_the_model() -> None:
    kc = model()
    kc.unset_current("minikube")
    assert kc.current_context == "p2"
    kc.unset_current("p2")
    assert kc.current_context == ""
    kc.remove_profile("p2")
    assert "p2" not in kc.contexts and "p2" not in kc.clusters and "p2" not in kc.users
    assert kc.is_configured("minikube")


def test_flatten_reports_missing_certificate_files() -> None:
    out, err, rc = kubectl("config view --flatten", model())
    assert (out, rc) == ("", 1)
    assert err == f"error: open {HOME}/ca.crt: no such file or directory\n"


@needs_kubectl
@pytest.mark.parametrize("args", ["config", "config foo"])
def test_group_help_and_unknown_verb_match_real_kubectl(tmp_path: Path, args: str) -> None:
    path = tmp_path / "config"
    path.write_text("")
    ours = kubectl(f"--kubeconfig {path} {args}", None)
    theirs = real(path, *args.split())
    assert (ours[1].splitlines()[:1], ours[2]) == (theirs[1].splitlines()[:1], theirs[2])
