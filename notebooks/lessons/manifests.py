"""Manifests the lessons apply, written once: `APPLY` starts a `%%kubectl apply -f -` cell, and
`deployment()` renders the Deployment skeleton the lessons share (name, label selector, one
container) around the fields each lesson adds, byte for byte as the lessons typed it."""

from __future__ import annotations

APPLY = "%%kubectl apply -f -\n"  # a cell whose body is the manifest kubectl reads from stdin


def _indented(block: str, spaces: int) -> list[str]:
    return [" " * spaces + line if line else line for line in block.split("\n")] if block else []


def deployment(name: str, container: str, image: str, *, replicas: int | None = None,
               label: str = "app", container_spec: str = "", pod_spec: str = "") -> str:
    """A Deployment as the lessons write it (no trailing newline): pods labelled
    `<label>: <name>` and selected by it, one container. `container_spec` (the container's
    further fields) and `pod_spec` (the pod's fields after `containers`) are YAML written from
    column 0; they are indented into place here."""
    lines = ["apiVersion: apps/v1", "kind: Deployment", "metadata:", f"  name: {name}", "spec:"]
    if replicas is not None:
        lines.append(f"  replicas: {replicas}")
    lines += ["  selector:", "    matchLabels:", f"      {label}: {name}",
              "  template:", "    metadata:", "      labels:", f"        {label}: {name}",
              "    spec:", "      containers:", f"      - name: {container}", f"        image: {image}"]
    return "\n".join(lines + _indented(container_spec, 8) + _indented(pod_spec, 6))
