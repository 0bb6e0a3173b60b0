"""A pod's resolver configuration (kubenb/node/pod_dns.py) and the pods' stub resolver's search
order (kubenb/apps/pysite/kubenb_dns.py): search domains and ndots as the C library uses them."""

from __future__ import annotations

from typing import Any

from kubenb.apps.pysite import kubenb_dns
from kubenb.node.pod_dns import nsswitch, pod_dns, render

HOST = "nameserver 10.255.255.53\nsearch corp.example\noptions edns0\n"


def pod(ns: str = "default", **spec: Any) -> dict[str, Any]:
    return {"metadata": {"name": "p", "namespace": ns}, "spec": {"containers": [], **spec}}


def test_cluster_first_is_the_kubelets_resolv_conf() -> None:
    assert render(pod_dns(pod("shop"), "10.96.0.10", "")) == (
        "search shop.svc.cluster.local svc.cluster.local cluster.local\n"
        "nameserver 10.96.0.10\n"
        "options ndots:5\n")
    # the host's search domains follow the cluster's, as the kubelet appends them
    assert pod_dns(pod(), "10.96.0.10", HOST).searches == [
        "default.svc.cluster.local", "svc.cluster.local", "cluster.local", "corp.example"]


def test_host_network_and_default_policy_keep_the_hosts_settings() -> None:
    for p in (pod(dnsPolicy="Default"), pod(hostNetwork=True, dnsPolicy="ClusterFirst")):
        settings = pod_dns(p, "10.96.0.10", HOST)
        assert settings.from_host and settings.nameservers == ["10.255.255.53"]
    with_net = pod_dns(pod(hostNetwork=True, dnsPolicy="ClusterFirstWithHostNet"), "10.96.0.10", HOST)
    assert not with_net.from_host and with_net.nameservers == ["10.96.0.10"]


def test_dns_config_adds_and_none_takes_only_it() -> None:
    config = {"nameservers": ["1.2.3.4", "10.96.0.10"], "searches": ["my.dns.search.suffix"],
              "options": [{"name": "ndots", "value": "2"}, {"name": "edns0"}]}
    assert render(pod_dns(pod(dnsConfig=config), "10.96.0.10", "")) == (
        "search default.svc.cluster.local svc.cluster.local cluster.local my.dns.search.suffix\n"
        "nameserver 10.96.0.10\nnameserver 1.2.3.4\n"
        "options ndots:2 edns0\n")
    assert render(pod_dns(pod(dnsPolicy="None", dnsConfig=config), "10.96.0.10", "")) == (
        "search my.dns.search.suffix\nnameserver 1.2.3.4\nnameserver 10.96.0.10\n"
        "options ndots:2 edns0\n")


def test_nsswitch_asks_dns_for_hosts() -> None:
    text = "passwd: files\nhosts:          files mdns4_minimal [NOTFOUND=return] dns\n"
    assert nsswitch(text) == "passwd: files\nhosts:          files dns\n"


def test_search_order_follows_ndots(tmp_path: Any, monkeypatch: Any) -> None:
    conf = tmp_path / "resolv.conf"
    conf.write_text("search default.svc.cluster.local svc.cluster.local cluster.local\n"
                    "nameserver 127.50.0.10\noptions ndots:5\n")
    monkeypatch.setenv("KUBENB_RESOLV_CONF", str(conf))
    cfg = kubenb_dns.read_config()
    assert (cfg.nameservers, cfg.ndots) == (["127.50.0.10"], 5)
    assert kubenb_dns.candidates("web", cfg) == [
        "web.default.svc.cluster.local", "web.svc.cluster.local", "web.cluster.local", "web"]
    assert kubenb_dns.candidates("web.default", cfg)[0] == "web.default.default.svc.cluster.local"
    assert kubenb_dns.candidates("web.default", cfg)[1] == "web.default.svc.cluster.local"
    # five dots or more: the name itself first; a trailing dot: only the name
    assert kubenb_dns.candidates("a.b.c.d.e.f", cfg)[0] == "a.b.c.d.e.f"
    assert kubenb_dns.candidates("web.default.svc.cluster.local.", cfg) == [
        "web.default.svc.cluster.local"]
    cfg.ndots = 1
    assert kubenb_dns.candidates("web.default", cfg)[0] == "web.default"


def test_outside_a_pod_the_stub_resolver_asks_nobody(monkeypatch: Any) -> None:
    monkeypatch.delenv("KUBENB_RESOLV_CONF", raising=False)
    assert kubenb_dns.lookup("web") is None  # the host's resolv.conf is not the cluster's
