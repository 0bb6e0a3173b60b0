"""NetworkPolicy ingress semantics (kubenb/net/netpol.py) on the Kubernetes documentation's
examples: the test-network-policy example, default deny, allow all, allow from a namespace,
pods of a namespace combined with a label (one peer) against either (two peers), ipBlock with
except, named ports, endPort, policyTypes Egress only, and the view following changes."""

from __future__ import annotations

from typing import Any

import pytest

from kubenb.net.netpol import Allow, PolicyView, ip_block


def ns(name: str, **labels: str) -> dict[str, Any]:
    return {"kind": "Namespace", "metadata": {"name": name, "labels": labels}}


def pod(name: str, ip: str, namespace: str = "default", ports: list[dict[str, Any]] | None = None,
        **labels: str) -> dict[str, Any]:
    return {"kind": "Pod", "metadata": {"name": name, "namespace": namespace, "labels": labels},
            "spec": {"containers": [{"name": "c", "ports": ports or []}]},
            "status": {"phase": "Running", "podIP": ip}}


def policy(name: str, namespace: str = "default", **spec: Any) -> dict[str, Any]:
    spec.setdefault("podSelector", {})
    spec.setdefault("policyTypes", ["Ingress", "Egress"] if spec.get("egress") else ["Ingress"])
    return {"kind": "NetworkPolicy", "metadata": {"name": name, "namespace": namespace},
            "spec": spec}


def view(*objs: dict[str, Any]) -> PolicyView:
    v = PolicyView()
    for o in (ns("default"), ns("myproject", project="myproject"), ns("other"), *objs):
        v.apply(o)
    return v


DB = pod("db", "10.244.0.10", role="db")
FRONT = pod("frontend", "10.244.0.11", role="frontend")
OTHER = pod("stranger", "10.244.0.12", role="else")
IN_PROJECT = pod("p", "10.244.1.5", "myproject", role="x")
IN_OTHER_NS = pod("q", "10.244.1.6", "other", role="frontend")


def test_not_selected_pods_are_not_isolated() -> None:
    v = view(DB, FRONT, policy("db-only", podSelector={"matchLabels": {"role": "db"}}))
    assert v.isolated(DB) and not v.isolated(FRONT)
    assert v.allowances(FRONT) is None
    assert v.allows(FRONT, "1.2.3.4", 80)


def test_default_deny_all_ingress() -> None:
    v = view(DB, FRONT, policy("default-deny-ingress"))
    assert v.allowances(DB) == []
    assert not v.allows(DB, FRONT["status"]["podIP"], 6379)
    assert not v.allows(FRONT, "10.0.0.1", 80)


def test_allow_all_ingress_beats_a_default_deny() -> None:
    v = view(DB, policy("default-deny-ingress"), policy("allow-all-ingress", ingress=[{}]))
    assert v.allows(DB, "192.0.2.7", 1234, "UDP")


def test_egress_only_policy_does_not_isolate_for_ingress() -> None:
    v = view(DB, policy("default-deny-egress", policyTypes=["Egress"]))
    assert not v.isolated(DB)


def test_the_docs_test_network_policy() -> None:
    """The documentation's test-network-policy: ipBlock 172.17.0.0/16 except 172.17.1.0/24,
    namespaces labelled project=myproject, pods role=frontend; TCP 6379."""
    np = policy("test-network-policy", podSelector={"matchLabels": {"role": "db"}}, ingress=[{
        "from": [{"ipBlock": {"cidr": "172.17.0.0/16", "except": ["172.17.1.0/24"]}},
                 {"namespaceSelector": {"matchLabels": {"project": "myproject"}}},
                 {"podSelector": {"matchLabels": {"role": "frontend"}}}],
        "ports": [{"protocol": "TCP", "port": 6379}]}])
    v = view(DB, FRONT, OTHER, IN_PROJECT, IN_OTHER_NS, np)
    assert v.allows(DB, "10.244.0.11", 6379)  # role=frontend, same namespace
    assert not v.allows(DB, "10.244.0.11", 6380)  # another port
    assert not v.allows(DB, "10.244.0.11", 6379, "UDP")
    assert not v.allows(DB, "10.244.0.12", 6379)  # role=else
    assert v.allows(DB, "10.244.1.5", 6379)  # any pod of project=myproject
    assert not v.allows(DB, "10.244.1.6", 6379)  # role=frontend, but of another namespace
    assert v.allows(DB, "172.17.0.9", 6379) and v.allows(DB, "172.17.200.1", 6379)
    assert not v.allows(DB, "172.17.1.9", 6379)  # the except
    assert not v.allows(DB, "172.18.0.1", 6379)


def test_namespace_and_pod_selector_in_one_peer_is_and_in_two_peers_or() -> None:
    both = {"namespaceSelector": {"matchLabels": {"project": "myproject"}},
            "podSelector": {"matchLabels": {"role": "client"}}}
    client = pod("client", "10.244.1.7", "myproject", role="client")
    local_client = pod("local-client", "10.244.0.20", role="client")
    v = view(DB, IN_PROJECT, client, local_client, policy("and", ingress=[{"from": [both]}]))
    assert v.allows(DB, "10.244.1.7", 80)
    assert not v.allows(DB, "10.244.1.5", 80)  # right namespace, wrong label
    assert not v.allows(DB, "10.244.0.20", 80)  # right label, wrong namespace
    either = [{"namespaceSelector": both["namespaceSelector"]}, {"podSelector": both["podSelector"]}]
    v.apply(policy("and", ingress=[{"from": either}]))
    assert v.allows(DB, "10.244.1.5", 80) and v.allows(DB, "10.244.0.20", 80)


def test_namespace_selected_by_its_name_label_and_empty_selector_is_every_namespace() -> None:
    by_name = policy("from-other", ingress=[{"from": [{"namespaceSelector": {"matchLabels": {
        "kubernetes.io/metadata.name": "other"}}}]}])
    v = view(DB, IN_PROJECT, IN_OTHER_NS, by_name)
    assert v.allows(DB, "10.244.1.6", 80) and not v.allows(DB, "10.244.1.5", 80)
    v.apply(policy("from-other", ingress=[{"from": [{"namespaceSelector": {}}]}]))
    assert v.allows(DB, "10.244.1.5", 80) and v.allows(DB, "10.244.1.6", 80)
    assert not v.allows(DB, "192.0.2.1", 80)  # pods of every namespace, not every address


def test_named_port_resolves_against_the_target_pods_containers_and_end_port() -> None:
    web = pod("web", "10.244.0.30", ports=[{"name": "http", "containerPort": 8080}], app="web")
    v = view(web, FRONT, policy("named", ingress=[{"ports": [{"port": "http", "protocol": "TCP"}]}]))
    assert v.allows(web, "10.244.0.11", 8080) and not v.allows(web, "10.244.0.11", 80)
    v.apply(policy("named", ingress=[{"ports": [{"port": "metrics", "protocol": "TCP"}]}]))
    assert v.allowances(web) == []  # a name the pod does not have: nothing
    v.apply(policy("named", ingress=[{"ports": [{"port": 32000, "endPort": 32768,
                                                 "protocol": "TCP"}]}]))
    assert v.allows(web, "10.0.0.1", 32000) and v.allows(web, "10.0.0.1", 32768)
    assert not v.allows(web, "10.0.0.1", 32769)
    v.apply(policy("named", ingress=[{"ports": [{"protocol": "UDP"}]}]))
    assert v.allows(web, "10.0.0.1", 53, "UDP") and not v.allows(web, "10.0.0.1", 53)


def test_changes_are_followed() -> None:
    v = view(DB, policy("allow-frontend", podSelector={"matchLabels": {"role": "db"}},
                        ingress=[{"from": [{"podSelector": {"matchLabels": {"role": "frontend"}}}]}]))
    assert not v.allows(DB, "10.244.0.11", 80)  # no such pod yet
    v.apply(FRONT)
    assert v.allows(DB, "10.244.0.11", 80)
    v.apply(FRONT, deleted=True)
    assert not v.allows(DB, "10.244.0.11", 80) and v.pod_at("10.244.0.11") is None
    v.apply(pod("frontend", "10.244.0.11", role="frontend", ))
    relabelled = pod("frontend", "10.244.0.11", role="backend")
    v.apply(relabelled)
    assert not v.allows(DB, "10.244.0.11", 80) and v.pod_at("10.244.0.11") == relabelled
    v.apply(policy("allow-frontend"), deleted=True)
    assert not v.isolated(DB)


def test_host_network_pods_are_their_node() -> None:
    apiserver = pod("kube-apiserver-minikube", "192.168.49.2", "kube-system", component="x")
    apiserver["spec"]["hostNetwork"] = True
    v = view(DB, apiserver, policy("all-pods", ingress=[{"from": [{"namespaceSelector": {}}]}]))
    assert v.pod_at("192.168.49.2") is None  # the node's address names no pod
    assert not v.allows(DB, "192.168.49.2", 80)  # a pod peer, not the node


def test_ip_block_except_and_allow_admits() -> None:
    assert ip_block({"cidr": "10.0.0.0/8", "except": ["10.1.0.0/16", "10.1.2.0/24"]}) == (
        "10.0.0.0/16", "10.2.0.0/15", "10.4.0.0/14", "10.8.0.0/13", "10.16.0.0/12",
        "10.32.0.0/11", "10.64.0.0/10", "10.128.0.0/9")
    assert ip_block({"cidr": "10.1.0.0/16", "except": ["10.0.0.0/8"]}) == ()
    assert Allow(None, None).admits("::1", 1, "SCTP")


def test_sandbox_ruleset_for_iptables_restore() -> None:
    from kubenb.node.runtime.docker_netpol import ruleset

    empty = "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n"
    assert ruleset(None, "10.254.0.1") == empty  # not isolated: the table emptied
    allows = [Allow(("10.244.0.5/32", "10.244.1.0/24"), "TCP", 8080),
              Allow(None, "UDP", 5000, 5010), Allow(("192.0.2.0/24",), None)]
    assert ruleset(allows, "10.254.0.1") == (
        "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n"
        ":KUBENB-INGRESS - [0:0]\n-A INPUT -j KUBENB-INGRESS\n"
        "-A KUBENB-INGRESS -i lo -j ACCEPT\n"
        "-A KUBENB-INGRESS -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT\n"
        "-A KUBENB-INGRESS -s 10.254.0.1/32 -j ACCEPT\n"
        "-A KUBENB-INGRESS -s 10.244.0.5/32 -p tcp -m tcp --dport 8080 -j ACCEPT\n"
        "-A KUBENB-INGRESS -s 10.244.1.0/24 -p tcp -m tcp --dport 8080 -j ACCEPT\n"
        "-A KUBENB-INGRESS -p udp -m udp --dport 5000:5010 -j ACCEPT\n"
        "-A KUBENB-INGRESS -s 192.0.2.0/24 -j ACCEPT\n"
        "-A KUBENB-INGRESS -j DROP\nCOMMIT\n")


def test_sandbox_firewalls_say_why_they_cannot_run(monkeypatch: pytest.MonkeyPatch) -> None:
    from kubenb.node.runtime import docker_netpol

    monkeypatch.setattr(docker_netpol.os, "geteuid", lambda: 1000)
    assert docker_netpol.missing_tools() == (
        "NetworkPolicy not enforced in pod sandboxes: iptables there needs root")
    monkeypatch.setattr(docker_netpol.os, "geteuid", lambda: 0)
    monkeypatch.setattr(docker_netpol.shutil, "which",
                        lambda tool: None if tool == "iptables-restore" else f"/usr/bin/{tool}")
    assert docker_netpol.missing_tools() == (
        "NetworkPolicy not enforced in pod sandboxes: iptables-restore is not installed")
    assert docker_netpol.SandboxFirewalls("p").unavailable is not None


def test_pod_programs_connect_from_their_pod_ip(monkeypatch: pytest.MonkeyPatch) -> None:
    from kubenb.apps.pysite import kubenb_names

    monkeypatch.delenv("KUBENB_POD_IP", raising=False)
    assert kubenb_names.source_for("127.50.0.10") is None  # not in a pod
    monkeypatch.setenv("KUBENB_POD_IP", "127.49.1.7")
    assert kubenb_names.source_for("127.50.0.10") == ("127.49.1.7", 0)  # a ClusterIP
    assert kubenb_names.source_for("10.0.0.1") is None
