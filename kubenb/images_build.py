"""`kubenb images build`: the offline images of the Docker runtime, built without a registry.

    python -m kubenb images build [--force] [IMAGE ...]

Builds the tutorial images (pause, busybox, kubernetes-bootcamp v1 and v2, nginx) or the
named ones — any image the catalog knows — from Debian's static busybox
(kubenb/node/docker_images/), prints one line per image with the time it took, and exits 1
with minikube's words when the Docker engine does not answer.
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import TextIO

from kubenb.node.docker_images import TUTORIAL_IMAGES, NoBusybox, build
from kubenb.node.images import ImageNotFound, InvalidReference
from kubenb.node.runtime.docker_engine import EngineUnavailable, new_client


def main(argv: list[str], out: TextIO = sys.stdout, err: TextIO = sys.stderr) -> int:
    parser = argparse.ArgumentParser(prog="kubenb images build",
                                     description="Build the Docker runtime's offline images.")
    parser.add_argument("images", nargs="*", help="image references (default: the tutorial images)")
    parser.add_argument("--force", action="store_true", help="rebuild images that are up to date")
    args = parser.parse_args(argv)
    try:
        client = new_client()
    except EngineUnavailable as e:
        for line in e.minikube_lines():
            print(line, file=err)
        return 1
    started = time.monotonic()
    try:
        built = build(client, args.images or TUTORIAL_IMAGES, force=args.force)
    except ImageNotFound as e:
        print(f"error: no recipe for {e.ref}: the image catalog does not know it", file=err)
        return 1
    except (NoBusybox, InvalidReference) as e:
        print(f"error: {e}", file=err)
        return 1
    finally:
        client.close()
    for b in built:
        what = "up to date" if b.skipped else f"built in {b.seconds:.2f}s"
        print(f"{b.ref}  {b.image_id[7:19]}  {what}", file=out)
    print(f"{len(built)} images in {time.monotonic() - started:.2f}s", file=out)
    return 0


def cli(argv: list[str] | None = None) -> int:
    """`kubenb …` console script: `images build` is the one command so far."""
    argv = sys.argv[1:] if argv is None else argv
    if argv[:2] != ["images", "build"]:
        print("usage: kubenb images build [--force] [IMAGE ...]", file=sys.stderr)
        return 2
    return main(argv[2:])


if __name__ == "__main__":
    sys.exit(cli())
