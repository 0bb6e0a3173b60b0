"""Run the official Kubernetes Python client's own e2e suite against a kubenb cluster.

    make peer            # or: python tools/python_client_e2e.py [--driver process] [pytest args]

Starts a two-node kubenb profile with its API server and the metrics-server addon (as
upstream runs the suite against a two-node kind cluster with metrics-server), writes a kubeconfig for it in a temporary directory, runs
`kubernetes/e2e_test` from the peer suites folder (`../shared/peer/python-client-e2e` next to
the checkout, or $KUBENB_PEER_E2E) with pytest, and stops the cluster. Without that folder it
says so and exits 0 — the suite is other projects' code and is not part of this repository.
Prints the pass/fail count pytest reports; the exit code is pytest's.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SUITE = ROOT.parent / "shared" / "peer" / "python-client-e2e"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--driver", default="process", choices=("sim", "process", "docker"))
    parser.add_argument("--no-metrics", action="store_true",
                        help="leave the metrics-server addon off (its test then skips)")
    args, pytest_args = parser.parse_known_args(argv)
    suite = Path(os.environ.get("KUBENB_PEER_E2E", DEFAULT_SUITE))
    if not (suite / "kubernetes" / "e2e_test").is_dir():
        print(f"skipped: the Python client's e2e suite is not at {suite} "
              "(set KUBENB_PEER_E2E to its folder)")
        return 0
    sys.path.insert(0, str(ROOT))
    from kubenb.profiles import Profiles

    with tempfile.TemporaryDirectory(prefix="kubenb-e2e-") as home:
        config = os.path.join(home, "config")
        profiles = Profiles(kubeconfig_path=config, serve_api=True)
        try:
            profile = profiles.create("minikube", nodes=2, driver=args.driver)
            if not args.no_metrics:  # the suite's metrics test needs the Metrics API
                profile.set_addon("metrics-server", True)
            env = {**os.environ, "KUBECONFIG": config, "HOME": home}
            return subprocess.run(
                [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "-rfE",
                 "kubernetes/e2e_test", *pytest_args], cwd=suite, env=env, check=False).returncode
        finally:
            profiles.close()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
