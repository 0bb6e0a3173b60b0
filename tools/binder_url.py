"""The Binder link of this repository, from its GitHub remote (`make binder-url`).

A Binder URL names a GitHub repository (`https://mybinder.org/v2/gh/OWNER/REPO/REF`), which a
checkout knows only through its remote. This prints the link that opens the course's landing
page (notebooks/index.ipynb, which links both languages) for the remote `origin`, or says why
there is none.

    python tools/binder_url.py [REMOTE]
"""

from __future__ import annotations

import re
import subprocess
import sys

LANDING = "notebooks/index.ipynb"
_GITHUB = re.compile(r"^(?:https://github\.com/|git@github\.com:|ssh://git@github\.com/)"
                     r"([A-Za-z0-9_.-]+)/([A-Za-z0-9_.-]+?)(?:\.git)?/?$")


def binder_url(remote_url: str, ref: str = "HEAD") -> str | None:
    """The Binder link for a GitHub remote URL; None when the remote is not on GitHub."""
    m = _GITHUB.match(remote_url.strip())
    if m is None:
        return None
    owner, repo = m.groups()
    return f"https://mybinder.org/v2/gh/{owner}/{repo}/{ref}?urlpath=lab/tree/{LANDING}"


def main(argv: list[str]) -> int:
    remote = argv[0] if argv else "origin"
    got = subprocess.run(["git", "remote", "get-url", remote], capture_output=True, text=True,
                         check=False)
    if got.returncode != 0:
        print(f"no git remote {remote!r}: push this repository to GitHub first "
              f"(git remote add {remote} https://github.com/OWNER/REPO.git)", file=sys.stderr)
        return 1
    url = binder_url(got.stdout)
    if url is None:
        print(f"the remote {remote!r} ({got.stdout.strip()}) is not a GitHub repository: "
              "Binder builds from GitHub", file=sys.stderr)
        return 1
    print(url)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
