"""Build the notebooks from their cell lists and run them, storing the real outputs.

Usage: python notebooks/build.py  (from the repository root, in the project's venv)
The stored outputs are exactly what the last run printed; nothing is edited by hand.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

HERE = Path(__file__).parent

QUICKSTART = [
    ("md", """# kubenb quickstart

A Kubernetes cluster that lives inside this notebook's kernel. No VM, no cloud account, no
Docker: `%minikube` starts a control plane on a background thread of the kernel, and
`%kubectl` talks to it and prints what the real `kubectl` prints.

Run the cells from top to bottom (Shift+Enter)."""),
    ("code", "%load_ext kubenb"),
    ("md", """## Start a cluster with three nodes

`--seed` makes the generated names (pods, IPs) the same on every run."""),
    ("code", "%minikube start --nodes=3 --seed=1"),
    ("code", "%kubectl get nodes"),
    ("md", """## Deploy an app

A Deployment asks for three copies (replicas) of the tutorial's `kubernetes-bootcamp` app.
Watch the scheduler spread them over the nodes."""),
    ("code", "%kubectl create deployment kubernetes-bootcamp --image=gcr.io/google-samples/kubernetes-bootcamp:v1 --replicas=3"),
    ("code", "%kubectl rollout status deployment/kubernetes-bootcamp"),
    ("code", "%kubectl get pods -o wide"),
    ("md", """## Break a node

`minikube node stop` is a node failure: its heartbeats stop, the control plane marks it
`NotReady`, evicts its pods and the Deployment replaces them on the other nodes."""),
    ("code", "%minikube node stop minikube-m02"),
    ("md", """The node goes `NotReady` after its heartbeats have been missing for a few seconds, and
the pods on it stop counting as available: the Deployment loses its `Available` condition."""),
    ("code", "%kubectl wait --for=condition=Available=False deployment/kubernetes-bootcamp --timeout=60s"),
    ("code", "%kubectl get nodes"),
    ("md", """After the pods' toleration of the unreachable node runs out, they are evicted and the
ReplicaSet creates replacements on the healthy nodes. The evicted pod stays `Terminating`: its
node cannot confirm it stopped, exactly as on a real cluster."""),
    ("code", "%kubectl wait --for=condition=Available deployment/kubernetes-bootcamp --timeout=120s"),
    ("code", "%kubectl get pods -o wide"),
    ("md", "## Clean up\n\n`minikube delete` stops every pod and the control plane."),
    ("code", "%minikube delete"),
]


def build(name: str, cells: list[tuple[str, str]]) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    for kind, text in cells:
        nb.cells.append(nbformat.v4.new_markdown_cell(text) if kind == "md"
                        else nbformat.v4.new_code_cell(text))
    NotebookClient(nb, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(HERE)}}).execute()
    path = HERE / name
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


if __name__ == "__main__":
    print(build("en/00-quickstart.ipynb", QUICKSTART), file=sys.stderr)
