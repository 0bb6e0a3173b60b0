"""The CLI tests of tests/cli, re-run with every command going over HTTP.

The `kube` fixture of this directory serves the virtual-clock cluster through its
`ApiServer` and hands the commands an `HttpClient`; the tests and their golden files are
the in-process ones, unchanged, so any difference in what a command prints over HTTP
fails here. Left out: cluster-info (over HTTP it prints the server's real URL, as kubectl
does), proxy (tests/client_http/test_proxy.py) and top (its tests wrap the in-process
client to stand in for metrics-server).
"""

from tests.cli.test_apply import *  # noqa: F403
from tests.cli.test_create import *  # noqa: F403
from tests.cli.test_delete import *  # noqa: F403
from tests.cli.test_describe_cmd import *  # noqa: F403
from tests.cli.test_explain import *  # noqa: F403
from tests.cli.test_expose import *  # noqa: F403
from tests.cli.test_get import *  # noqa: F403
from tests.cli.test_info_cmds import (  # noqa: F401
    test_api_resources,
    test_api_resources_errors_match_real_kubectl,
    test_api_resources_filters,
    test_api_resources_sort_by_kind,
    test_api_resources_sorted_by_group_then_name,
    test_api_resources_wide,
    test_version_client_only_skips_server_and_extra_args,
    test_version_errors,
    test_version_json_has_server_in_field_order,
    test_version_text,
)
from tests.cli.test_label import *  # noqa: F403
from tests.cli.test_logs_exec import *  # noqa: F403
from tests.cli.test_nodes_cmd import *  # noqa: F403
from tests.cli.test_patch_cmd import *  # noqa: F403
from tests.cli.test_rollout import *  # noqa: F403
from tests.cli.test_run import *  # noqa: F403
from tests.cli.test_scale import *  # noqa: F403
from tests.cli.test_set import *  # noqa: F403
from tests.cli.test_wait import *  # noqa: F403


def test_the_commands_really_go_over_http(kube) -> None:  # type: ignore[no-untyped-def]
    from kubenb.client.http import HttpClient

    assert isinstance(kube.client, HttpClient)
    served = kube.client.transport.host
    assert served == kube.api.url and served.startswith("https://127.0.0.1:")
    assert kube("get nodes").out.startswith("NAME       STATUS   ROLES")
