"""The `/version` document a kube-apiserver serves: the build facts of its release.

The commit, build date and Go version are those of the official release binaries (what a
minikube cluster of that version reports); a version whose facts kubenb does not know gets
empty strings rather than invented ones. Read by the cluster's API server and by
`kubectl version` against a client that has no server.
"""

from __future__ import annotations

import re

# gitVersion -> (gitCommit, buildDate, goVersion) of the release's kube-apiserver
KNOWN_BUILDS: dict[str, tuple[str, str, str]] = {
    "v1.32.0": ("70d3cc986aa8221cd1dfb1121852688902d3bf53", "2024-12-11T17:59:15Z", "go1.23.3"),
}


def server_version_info(git_version: str) -> dict[str, str]:
    """The `/version` document a kube-apiserver of `git_version` serves."""
    m = re.match(r"v?(\d+)\.(\d+)", git_version)
    major, minor = (m.group(1), m.group(2)) if m else ("", "")
    commit, built, go = KNOWN_BUILDS.get(git_version, ("", "", ""))
    return {"major": major, "minor": minor, "gitVersion": git_version, "gitCommit": commit,
            "gitTreeState": "clean", "buildDate": built, "goVersion": go, "compiler": "gc",
            "platform": "linux/amd64"}
