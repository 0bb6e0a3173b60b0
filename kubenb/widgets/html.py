"""Static renderings of a ClusterView state for places without the front end.

`render_html(state)` is a self-contained HTML fragment (inline `<style>`, no script) of the
same topology the widget draws — node cards with CPU/memory bars and pod chips (fill = owner
colour, border = state, PROTOCOL.md §7), a Pending lane with the scheduler's reason,
deployments with their rollout, services, the latest events — so GitHub, nbviewer, VS Code
and saved notebooks show the picture. `render_text(state)` is the `text/plain` summary.
Both read the `snapshot`-shaped dict of `ClusterView.current()`.
"""

from __future__ import annotations

from collections import Counter
from html import escape
from typing import Any

from kubenb.api.tables.duration import age
from kubenb.clock import parse_time

from .records import NO_OWNER, PALETTE, finished_mark, node_status_text, state_style
from .records_ingress import routes_text
from .records_workload import hpa_text

_CSS = """
.kubenb-cv.cv-gone .cv-nodes,.kubenb-cv.cv-gone table{opacity:.45;filter:grayscale(1)}
.kubenb-cv{--cv-fg:var(--jp-ui-font-color1,#1f2328);--cv-muted:var(--jp-ui-font-color2,#59636e);
--cv-bg:var(--jp-layout-color0,#fff);--cv-card:var(--jp-layout-color1,#f6f8fa);
--cv-line:var(--jp-border-color2,#d0d7de);--cv-bar:var(--jp-layout-color3,#d8dee4);
font:12px/1.4 var(--jp-ui-font-family,system-ui,sans-serif);color:var(--cv-fg);
background:var(--cv-bg);padding:6px;border-radius:6px}
@media (prefers-color-scheme:dark){.kubenb-cv{--cv-fg:var(--jp-ui-font-color1,#e6edf3);
--cv-muted:var(--jp-ui-font-color2,#9198a1);--cv-bg:var(--jp-layout-color0,#0d1117);
--cv-card:var(--jp-layout-color1,#161b22);--cv-line:var(--jp-border-color2,#3d444d);
--cv-bar:var(--jp-layout-color3,#2d333b)}}
.kubenb-cv .cv-nodes{display:flex;flex-wrap:wrap;gap:8px}
.kubenb-cv .kubenb-node{border:1px solid var(--cv-line);border-radius:6px;padding:6px 8px;
min-width:180px;max-width:280px;background:var(--cv-card)}
.kubenb-cv .kubenb-node.cv-notready{border-color:#d62728;border-width:2px}
.kubenb-cv .kubenb-node.cv-cordoned{border-style:dashed;border-color:#d4a017}
.kubenb-cv .cv-head{font-weight:600}.kubenb-cv .cv-muted{color:var(--cv-muted);font-weight:400}
.kubenb-cv .cv-bad{color:#d62728}.kubenb-cv .cv-warn{color:#b8860b}
.kubenb-cv .cv-bar{height:5px;background:var(--cv-bar);border-radius:3px;margin:2px 0}
.kubenb-cv .cv-bar>span{display:block;height:5px;border-radius:3px;background:#4e79a7}
.kubenb-cv .cv-chips{display:flex;flex-wrap:wrap;gap:3px;margin-top:4px}
.kubenb-cv .kubenb-pod{display:inline-block;width:14px;height:14px;border-radius:3px;
border:2px solid;box-sizing:border-box;font:bold 9px/10px sans-serif;text-align:center;
color:#fff;vertical-align:top;overflow:hidden}
.kubenb-cv .cv-pending{border-style:dashed}
.kubenb-cv table{border-collapse:collapse;margin-top:6px;font:inherit;color:inherit}
.kubenb-cv td,.kubenb-cv th{padding:1px 8px 1px 0;text-align:left;vertical-align:top;
border:none;background:none}
.kubenb-cv .cv-events td:nth-child(-n+4){white-space:nowrap}
.kubenb-cv .cv-swatch{display:inline-block;width:10px;height:10px;border-radius:2px;
margin-right:4px;vertical-align:middle}
"""


def _ago(when: str, now: str | None) -> str:
    """kubectl's LAST SEEN cell (`23s`, `4m5s`) of an event time, against the state's time."""
    if not now or not when:
        return when or ""
    return age(when, parse_time(now))


def _mib(n: int) -> str:
    return f"{n / 2**20:.0f}Mi"


def _pct(used: int, total: int) -> float:
    return 0.0 if total <= 0 else min(100.0, 100.0 * used / total)


def owner_colors(state: dict[str, Any]) -> dict[str, str]:
    return {d["key"]: PALETTE[d["color"] % len(PALETTE)] for d in state.get("deployments", [])}


def pod_fill(pod: dict[str, Any], colors: dict[str, str]) -> str:
    """A chip's fill: its workload's colour (`color`; snapshots from before workloads
    carried only the deployment `owner`), neutral for a bare pod."""
    if pod.get("color") is not None:
        return PALETTE[pod["color"] % len(PALETTE)]
    return colors.get(pod.get("owner") or "", NO_OWNER)


def _swatch(color: int) -> str:
    return f'<span class="cv-swatch" style="background:{PALETTE[color % len(PALETTE)]}"></span>'


def _chip(pod: dict[str, Any], colors: dict[str, str]) -> str:
    border, style = state_style(pod["state"], pod["ready"])
    fill = pod_fill(pod, colors)
    mark = finished_mark(pod)
    faded = ";opacity:.55;color:#1f2328" if mark == "✓" else ""
    tip = (f"{pod['namespace']}/{pod['name']}\n{pod['state']} {pod['ready']}  restarts "
           f"{pod['restarts']}\nIP {pod['ip'] or '<none>'}\nimage {pod['image']}\n"
           f"node {pod['node'] or '<none>'}")
    if pod.get("workload"):
        tip += f"\n{pod['workload']}"
    if pod.get("reason"):
        tip += f"\n{pod['reason']}"
    return (f'<span class="kubenb-pod" data-state="{escape(pod["state"])}" '
            f'style="background:{fill};border-color:{border};border-style:{style}{faded}" '
            f'title="{escape(tip)}">{mark}</span>')


def _node_card(node: dict[str, Any], pods: list[dict[str, Any]], colors: dict[str, str]) -> str:
    classes = ["kubenb-node"]
    status = node_status_text(node)
    if node["ready"] != "Ready":
        classes.append("cv-notready")
    if node["unschedulable"]:
        classes.append("cv-cordoned")
    cls = "cv-bad" if node["ready"] != "Ready" else ("cv-warn" if node["unschedulable"] else "")
    cpu, mem = node["cpu"], node["memory"]
    roles = ",".join(node["roles"]) or "<none>"
    if "states" in node:
        chips = " ".join(f"{escape(s)}: {n}" for s, n in node["states"].items())
    else:
        chips = "".join(_chip(p, colors) for p in pods)
    return (
        f'<div class="{" ".join(classes)}" data-node="{escape(node["name"])}">'
        f'<div class="cv-head">{escape(node["name"])} <span class="cv-muted">{escape(roles)}'
        f'</span></div><div class="{cls}">{escape(status)} · {node["pods"]} pods</div>'
        f'<div class="cv-muted">cpu {cpu["requested"]}m / {cpu["allocatable"]}m{_used(cpu, "m")}</div>'
        f'<div class="cv-bar"><span style="width:{_pct(cpu["requested"], cpu["allocatable"]):.0f}%">'
        f'</span></div><div class="cv-muted">memory {_mib(mem["requested"])} / '
        f'{_mib(mem["allocatable"])}{_used(mem)}</div><div class="cv-bar"><span style="width:'
        f'{_pct(mem["requested"], mem["allocatable"]):.0f}%"></span></div>'
        f'<div class="cv-chips">{chips}</div></div>')


def _used(resource: dict[str, Any], unit: str = "") -> str:
    """`, 120m used` when the Metrics API gave the node's use, else nothing."""
    if resource.get("used") is None:
        return ""
    return f", {resource['used']}{unit} used" if unit else f", {_mib(resource['used'])} used"


def render_html(state: dict[str, Any]) -> str:
    """The topology as a self-contained HTML fragment."""
    colors = owner_colors(state)
    by_node: dict[str | None, list[dict[str, Any]]] = {}
    for pod in state.get("pods", []):
        by_node.setdefault(pod["node"], []).append(pod)
    gone = state.get("gone")
    parts = [f"<style>{_CSS}</style>", '<div class="kubenb-cv cv-gone">' if gone else '<div class="kubenb-cv">']
    title = state.get("cluster") or "cluster"
    parts.append(f'<div class="cv-head">ClusterView · {escape(title)}'
                 f'{" · " + escape(state["time"]) if state.get("time") else ""}</div>')
    if gone or state.get("error"):
        parts.append(f'<div class="cv-bad">{escape(gone or state["error"])}</div>')
    parts.append('<div class="cv-nodes">')
    for node in state.get("nodes", []):
        parts.append(_node_card(node, by_node.get(node["name"], []), colors))
    pending = by_node.get(None, [])
    if pending or state.get("unscheduled"):
        reasons = Counter(p.get("reason") or "" for p in pending)
        lines = "".join(f'<div class="cv-muted">{escape(r)}</div>' for r in reasons if r)
        parts.append(
            f'<div class="kubenb-node cv-pending" data-node=""><div class="cv-head">Pending '
            f'<span class="cv-muted">{state.get("unscheduled", len(pending))} unscheduled</span>'
            f'</div>{lines}<div class="cv-chips">'
            + "".join(_chip(p, colors) for p in pending) + "</div></div>")
    parts.append("</div>")
    if state.get("deployments"):
        rows = []
        for d in state["deployments"]:
            revs = ", ".join(f'{r["hash"]}: {r["pods"]}{" (new)" if r["current"] else ""}'
                             for r in d["revisions"])
            rows.append(
                f'<tr><td>{_swatch(d["color"])}{escape(d.get("label", d["key"]))}</td>'
                f'<td>{d["ready"]}/{d["desired"]} ready, {d["updated"]} '
                f'up-to-date, {d["available"]} available</td><td>{escape(d["image"])}</td>'
                f'<td class="cv-muted">{escape(revs)}</td>'
                f'<td>{escape(hpa_text(d.get("hpa")))}</td></tr>')
        parts.append('<table class="cv-deployments">' + "".join(rows) + "</table>")
    if state.get("workloads"):
        rows = [f'<tr data-key="{escape(w["key"])}"><td>{_swatch(w["color"])}'
                f'{escape(w["label"])}</td><td>{escape(w["summary"])}</td>'
                f'<td class="cv-muted">{w["pods"]} pod{"" if w["pods"] == 1 else "s"}</td>'
                f'<td>{escape(hpa_text(w.get("hpa")))}</td></tr>' for w in state["workloads"]]
        parts.append('<table class="cv-workloads">' + "".join(rows) + "</table>")
    if state.get("services"):
        rows = [f'<tr><td>{escape(s["key"])}</td><td>{escape(s["type"])}</td>'
                f'<td>{escape(str(s["clusterIP"]))}</td><td>{len(s["endpoints"])} endpoints</td>'
                f'<td>{escape(routes_text(s.get("routes") or []))}</td></tr>'
                for s in state["services"]]
        parts.append('<table class="cv-services">' + "".join(rows) + "</table>")
    if state.get("events"):
        rows = [f'<tr><td class="cv-muted" title="{escape(e["time"])}">'
                f'{escape(_ago(e["time"], state.get("time")))}</td>'
                f'<td class="{"cv-bad" if e["type"] == "Warning" else ""}">{escape(e["type"])}</td>'
                f'<td>{escape(e["reason"])}</td><td>{escape(e["object"])}</td>'
                f'<td>{escape(e["message"])}</td></tr>' for e in reversed(state["events"][-8:])]
        parts.append('<table class="cv-events">' + "".join(rows) + "</table>")
    parts.append("</div>")
    return "".join(parts)


def static_html(state: dict[str, Any], png_base64: str) -> str:
    """HTML for viewers without the widget's script: the PNG picture, then the cards (the
    same picture as text, with hover titles) folded under it."""
    title = f"ClusterView · {state.get('cluster') or 'cluster'}" + (
        f" · {state['gone']}" if state.get("gone") else "")
    return (f'<img class="kubenb-picture" alt="{escape(title)}" '
            f'src="data:image/png;base64,{png_base64}"/>'
            f'<details><summary>{escape(title)}: nodes and pods as text</summary>'
            f'{render_html(state)}</details>')


def render_text(state: dict[str, Any]) -> str:
    """A few lines for `text/plain`: one per node, then the pending pods and deployments."""
    pods = state.get("pods", [])
    states = Counter(p["state"] for p in pods)
    if state.get("aggregated"):
        states = Counter()
        for node in state.get("nodes", []):
            states.update(node.get("states", {}))
    total = sum(states.values()) + (state.get("unscheduled", 0) if state.get("aggregated") else 0)
    summary = ", ".join(f"{n} {s}" for s, n in sorted(states.items()))
    lines = [f"ClusterView {state.get('cluster') or ''}: {len(state.get('nodes', []))} nodes, "
             f"{total} pods" + (f" ({summary})" if summary else "")]
    if state.get("gone") or state.get("error"):
        lines.append(f"  {state.get('gone') or 'error: ' + state['error']}")
    for node in state.get("nodes", []):
        status = node_status_text(node)
        lines.append(f"  {node['name']:<20} {status:<28} pods {node['pods']:<4} "
                     f"cpu {node['cpu']['requested']}m/{node['cpu']['allocatable']}m"
                     + _used(node["cpu"], "m"))
    if state.get("unscheduled"):
        lines.append(f"  Pending (unscheduled): {state['unscheduled']}")
    for d in state.get("deployments", []):
        hpa = hpa_text(d.get("hpa"))
        lines.append(f"  deployment {d['key']}: {d['ready']}/{d['desired']} ready, "
                     f"{d['updated']} up-to-date" + (f", {hpa}" if hpa else ""))
    for w in state.get("workloads", []):
        hpa = hpa_text(w.get("hpa"))
        lines.append(f"  {w['label']}: {w['summary']}" + (f", {hpa}" if hpa else ""))
    return "\n".join(lines)
