"""Error translation: server Status bodies → kubenb's API errors → kubectl's text, and
connection failures → kubectl's `The connection to the server … was refused` words.

The Status bodies are what kube-apiserver (and kubenb's server) send; the printed text is
compared with what the in-process errors print, and unreachable servers with real kubectl.
"""

from __future__ import annotations

import io
import json
import os
import socket
import subprocess
from typing import Any

import pytest

from kubenb.api import errors as api
from kubenb.cli.kubectl.app import server_error
from kubenb.cli.kubectl.main import kubectl
from kubenb.client.base import Unreachable
from kubenb.client.http import HttpClient
from kubenb.client.http_errors import error_from_response, error_from_status
from tests.cli import KUBECTL, needs_kubectl

INVALID = api.Invalid("Deployment", "apps", "web", [
    api.FieldError("Invalid", "spec.replicas", -1, "must be greater than or equal to 0"),
    api.FieldError("Required", "spec.selector")])


@pytest.mark.parametrize("original", [
    api.NotFound("deployments.apps", "web"),
    api.AlreadyExists("services", "web"),
    api.Conflict("configmaps", "cm"),
    INVALID,
    api.Invalid("Pod", "", "p", [api.FieldError("Required", "spec.containers")]),
    api.BadRequest('container "c" in pod "p" is waiting to start: ContainerCreating'),
    api.Forbidden('pods "p" is forbidden: User "x" cannot get resource "pods"'),
    api.MethodNotAllowed("the server does not allow this method on the requested resource"),
    api.Expired("too old resource version: 1 (40)"),
    api.InternalError("Internal error occurred: boom"),
], ids=lambda e: e.reason)
def test_a_status_becomes_the_same_error_and_text(original: api.ApiError) -> None:
    body = json.dumps(original.status()).encode()
    got = error_from_response(original.code, body, "get", "x")
    assert type(got) is type(original)
    assert (got.code, got.reason, got.message, got.details) == (  # type: ignore[attr-defined]
        original.code, original.reason, original.message, original.details)
    assert server_error(got) == server_error(original)  # type: ignore[arg-type]


def test_invalid_keeps_its_causes_for_kubectls_bulleted_text() -> None:
    got = error_from_status(INVALID.status())
    assert isinstance(got, api.Invalid) and len(got.errors) == 2
    assert server_error(got) == ('The Deployment "web" is invalid: \n'
                                 "* spec.replicas: Invalid value: -1: must be greater than or equal to 0\n"
                                 "* spec.selector: Required value")


def test_an_unknown_reason_keeps_reason_and_code() -> None:
    status = {"kind": "Status", "status": "Failure", "reason": "TooManyRequests", "code": 429,
              "message": "too many requests, please try again later"}
    got = error_from_status(status)
    assert isinstance(got, api.ApiError) and got.code == 429
    assert server_error(got) == "Error from server (TooManyRequests): too many requests, please try again later"


@pytest.mark.parametrize("code, body, text", [
    (404, b"404 page not found", "Error from server (NotFound): the server could not find the "
                                 "requested resource (get pods nope)"),
    (403, b"", "Error from server (Forbidden): the server does not allow access to the "
               "requested resource (get pods nope)"),
    (503, b"<html>down</html>", "Error from server (ServiceUnavailable): the server is currently "
                                "unable to handle the request (get pods nope)"),
])
def test_a_body_that_is_not_a_status_gets_client_gos_generic_words(code: int, body: bytes,
                                                                   text: str) -> None:
    assert server_error(error_from_response(code, body, "get", "pods", "nope")) == text  # type: ignore[arg-type]


def test_unauthorized_is_kubectls_logged_in_message() -> None:
    status = {"kind": "Status", "status": "Failure", "reason": "Unauthorized", "code": 401,
              "message": "Unauthorized"}
    err = error_from_response(401, json.dumps(status).encode(), "get", "pods")
    assert isinstance(err, Unreachable)
    assert str(err) == "error: You must be logged in to the server (Unauthorized)"


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _config(server: str, token: str = "t") -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Config", "current-context": "c",
            "clusters": [{"name": "c", "cluster": {"server": server, "insecure-skip-tls-verify": True}}],
            "users": [{"name": "c", "user": {"token": token}}],
            "contexts": [{"name": "c", "context": {"cluster": "c", "user": "c"}}]}


def _run(client: Any, line: str) -> tuple[str, str, int]:
    out, err = io.StringIO(), io.StringIO()
    rc = kubectl(line.split(), client, out, err)
    return out.getvalue(), err.getvalue(), rc


@needs_kubectl
@pytest.mark.parametrize("line", ["get pods", "get deploy web", "logs web", "delete pod web",
                                  "exec web -- env", "get nodes -w"])
def test_a_closed_port_reads_as_real_kubectls_refusal(tmp_path: Any, line: str) -> None:
    port = _closed_port()
    cfg = tmp_path / "config"
    cfg.write_text(json.dumps(_config(f"https://127.0.0.1:{port}")))
    real = subprocess.run([KUBECTL, f"--kubeconfig={cfg}", *line.split()], capture_output=True,
                          text=True, timeout=60, env={"PATH": os.environ.get("PATH", ""),
                                                      "HOME": str(tmp_path)})
    client = HttpClient.from_kubeconfig(config=_config(f"https://127.0.0.1:{port}"), context="c")
    out, err, rc = _run(client, line)
    want = real.stderr.strip().splitlines()[-1]  # after client-go's own log lines
    assert want == f"The connection to the server 127.0.0.1:{port} was refused - did you specify the right host or port?"
    assert (out, err, rc) == ("", want + "\n", real.returncode)


def test_an_unresolvable_host_is_unable_to_connect() -> None:
    client = HttpClient.from_kubeconfig(config=_config("https://kubenb-nowhere.invalid:6443"), context="c")
    _, err, rc = _run(client, "get pods")
    assert rc == 1
    assert err == "Unable to connect to the server: dial tcp: lookup kubenb-nowhere.invalid: no such host\n"


def test_a_wrong_token_is_not_logged_in(served: tuple[Any, Any]) -> None:
    from tests.client_http.conftest import kubeconfig_for

    doc = kubeconfig_for(served[1])
    doc["users"][0]["user"]["token"] = "wrong"
    client = HttpClient.from_kubeconfig(config=doc, context="served")
    _, err, rc = _run(client, "get pods")
    assert (err, rc) == ("error: You must be logged in to the server (Unauthorized)\n", 1)
    client.close()
