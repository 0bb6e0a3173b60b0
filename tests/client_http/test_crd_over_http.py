"""The CustomResourceDefinition CLI tests of tests/crd, re-run with every `%kubectl` command
over HTTP: the HttpClient learns the custom kinds from the server's CRDs when a name misses
(client/http_discovery.py), prints their columns, and gets the server's errors."""

from __future__ import annotations

from tests.crd.test_crd_cli import *  # noqa: F403
