"""`hostname` inside a pod: the pod's name (`-i`: its IP), as the container's UTS namespace says."""

from __future__ import annotations

import os
import sys


def main(argv: list[str]) -> int:
    if any(a in ("-i", "--ip-address", "-I", "--all-ip-addresses") for a in argv):
        print(os.environ.get("KUBENB_POD_IP", "127.0.0.1"))
    else:
        print(os.environ.get("HOSTNAME", ""))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
