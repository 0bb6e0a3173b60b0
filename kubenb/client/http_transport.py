"""One connection to a Kubernetes API server: kubeconfig in, raw HTTP requests out.

`Transport` wraps the official client's `ApiClient` (built by
`kubernetes.config.new_client_from_config[_dict]`, which handles the kubeconfig's server,
CA, client certificates, tokens and exec plugins) and sends raw requests on generic paths
through its `call_api`. Every answer passes through here: error statuses become
`kubenb.api.errors` exceptions, transport failures become `Unreachable`, and the `Date`
header of each answer is remembered, so `server_now()` is the server's clock (a kubenb
cluster on a virtual clock serves its virtual time there).
"""

from __future__ import annotations

import email.utils
import json
import threading
import time
from collections.abc import Sequence
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import quote

import urllib3
from kubernetes import config as kconfig
from kubernetes.client import ApiClient
from kubernetes.client.exceptions import ApiException

from kubenb.api.registry import ResourceType
from kubenb.client.base import Unreachable
from kubenb.client.http_errors import error_from_response, unreachable

Query = Sequence[tuple[str, Any]]
CONNECT_TIMEOUT = 30.0  # seconds to wait for a TCP/TLS connection; reads wait as long as needed
USER_AGENT = "kubenb/0.1.0 (linux/amd64) kubectl/v1.32.4"


class ConfigError(Exception):
    """The kubeconfig cannot be used (missing file, context, server): kubectl's message."""


def resource_path(rt: ResourceType, namespace: str | None = None, name: str | None = None,
                  subresource: str | None = None) -> str:
    """`/api/v1/namespaces/default/pods/web/log`, `/apis/apps/v1/deployments`, …"""
    path = f"/apis/{rt.group}/{rt.version}" if rt.group else f"/api/{rt.version}"
    if rt.namespaced and namespace:
        path += f"/namespaces/{quote(namespace, safe='')}"
    path += f"/{rt.plural}"
    if name:
        path += f"/{quote(name, safe='')}"
    if subresource:
        path += f"/{subresource}"
    return path


def api_client_for(config_file: str | None = None, context: str | None = None,
                   config: dict[str, Any] | None = None) -> ApiClient:
    """An ApiClient for a kubeconfig context (file, `$KUBECONFIG` or a config document)."""
    try:
        if config is not None:
            client = kconfig.new_client_from_config_dict(config, context=context, persist_config=False)
        else:
            client = kconfig.new_client_from_config(config_file, context=context, persist_config=False)
    except kconfig.ConfigException as err:
        raise ConfigError(str(err)) from None
    client.configuration.retries = False  # a refused connection is reported, not retried
    if not client.configuration.verify_ssl:  # asked for (insecure-skip-tls-verify): kubectl
        urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)  # stays quiet too
    client.user_agent = USER_AGENT
    return client


class Transport:
    """Raw requests to one API server, with kubenb's errors and the server's clock."""

    def __init__(self, api_client: ApiClient) -> None:
        self.api = api_client
        self.host: str = api_client.configuration.host
        self._lock = threading.Lock()
        self._date: datetime | None = None
        self._date_at = 0.0
        self._skew = 0.0  # server time minus local time, from the last Date header

    @property
    def configuration(self) -> Any:
        return self.api.configuration

    def with_headers(self, headers: dict[str, str]) -> Transport:
        """A transport to the same server whose requests also carry `headers`."""
        api = ApiClient(self.api.configuration)
        for key, value in {**self.api.default_headers, **headers}.items():
            api.set_default_header(key, value)
        return Transport(api)

    def close(self) -> None:
        self.api.rest_client.close()

    # ---- the server's clock ---------------------------------------------------------------

    def _saw(self, headers: Any) -> None:
        text = headers.get("Date") if headers is not None else None
        if not text:
            return
        try:
            when = email.utils.parsedate_to_datetime(text)
        except (TypeError, ValueError):
            return
        with self._lock:
            self._date, self._date_at = when.astimezone(timezone.utc), time.monotonic()

    def server_now(self) -> datetime:
        """The server's time: the Date of its latest answer plus what passed here since."""
        with self._lock:
            if self._date is None:
                return datetime.now(timezone.utc)
            return self._date + timedelta(seconds=time.monotonic() - self._date_at)

    # ---- requests -------------------------------------------------------------------------

    def open(self, method: str, path: str, *, query: Query = (), body: Any = None,
             content_type: str | None = None, accept: str = "application/json",
             read_timeout: float | None = None, what: tuple[str, str, str] = ("", "", "")) -> Any:
        """Send one request; returns the urllib3 response with its body still unread.

        `what` is (verb, resource, name) for client-go's generic error texts."""
        headers: dict[str, str] = {"Accept": accept}
        if content_type:
            headers["Content-Type"] = content_type
        method, url, headers, body, post = self.api.param_serialize(
            method, path, query_params=list(query) or None, header_params=headers, body=body,
            auth_settings=["BearerToken"])
        try:
            raw = self.api.call_api(method, url, header_params=headers, body=body,
                                    post_params=post,
                                    _request_timeout=(CONNECT_TIMEOUT, read_timeout))
        except ApiException as err:  # the REST layer's wrapper of a TLS failure
            raise Unreachable(f"Unable to connect to the server: {_tls_text(err)}") from None
        except (urllib3.exceptions.HTTPError, OSError) as err:
            raise unreachable(err, url) from None
        resp = raw.response
        self._saw(resp.headers)
        if resp.status >= 400:
            data = _read_all(resp, url)
            raise error_from_response(resp.status, data, *what)
        return resp

    def fetch(self, method: str, path: str, **kw: Any) -> bytes:
        """`open`, then the whole body."""
        resp = self.open(method, path, **kw)
        return _read_all(resp, resp.geturl() or path)

    def json(self, method: str, path: str, **kw: Any) -> Any:
        """`open`, then the body as JSON (None when empty)."""
        data = self.fetch(method, path, **kw)
        if not data:
            return None
        try:
            return json.loads(data)
        except ValueError:
            raise Unreachable("Server returned an unexpected response: "
                              f"{data[:200].decode('utf-8', 'replace')}") from None


def _read_all(resp: Any, url: str) -> bytes:
    try:
        return bytes(resp.read())
    except (urllib3.exceptions.HTTPError, OSError) as err:
        raise unreachable(err, url) from None
    finally:
        resp.release_conn()


def _tls_text(err: ApiException) -> str:
    text = str(err.reason or "")
    if "CERTIFICATE_VERIFY_FAILED" in text:
        return "tls: failed to verify certificate: x509: certificate signed by unknown authority"
    return text.replace("\n", ": ")
