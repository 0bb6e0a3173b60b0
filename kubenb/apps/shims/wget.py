"""BusyBox `wget` inside a pod: `wget -qO- URL`, `-O FILE`, `-q`, `-T SEC`, `--spider`.

Messages as BusyBox prints them (`Connecting to host:port (ip:port)`, `wget: bad address
'name'`, `wget: can't connect to remote host (ip): Connection refused`, `wget: server
returned error: HTTP/1.1 404 Not Found`), exit status 1 on any failure.
"""

from __future__ import annotations

import http.client
import os
import socket
import sys
import urllib.parse

from kubenb.apps.pysite import kubenb_names as names


def main(argv: list[str]) -> int:
    quiet, spider, out, timeout = False, False, None, 900.0
    urls: list[str] = []
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg in ("-O", "--output-document", "-T", "--timeout", "-U", "--user-agent"):
            value = argv[i + 1] if i + 1 < len(argv) else ""
            if arg in ("-O", "--output-document"):
                out = value
            elif arg in ("-T", "--timeout"):
                timeout = float(value or 900)
            i += 2
            continue
        if arg.startswith("-O") and len(arg) > 2:
            out = arg[2:]
        elif arg.startswith("-") and not arg.startswith("--") and "O" in arg[1:] and arg.endswith("O"):
            quiet = quiet or "q" in arg
            out = argv[i + 1] if i + 1 < len(argv) else ""
            i += 2
            continue
        elif arg.startswith("-") and not arg.startswith("--") and "O" in arg[1:]:
            quiet = quiet or "q" in arg
            out = arg[arg.index("O") + 1:]
        elif arg in ("-q", "--quiet"):
            quiet = True
        elif arg == "--spider":
            spider = True
        elif arg.startswith("-"):
            pass
        else:
            urls.append(arg)
        i += 1
    if not urls:
        sys.stderr.write("BusyBox v1.37.0 (2024-09-26 21:31:42 UTC) multi-call binary.\n\n"
                         "Usage: wget [-cqS] [--spider] [-O FILE] [-o LOGFILE] [--header STR]\n")
        return 1
    for url in urls:
        if "://" not in url:
            url = "http://" + url
        parts = urllib.parse.urlsplit(url)
        host, port = parts.hostname or "", parts.port or 80
        try:
            address = names.resolve(host)
            address = socket.gethostbyname(address)
        except (names.NotFound, OSError):
            sys.stderr.write(f"wget: bad address '{host}'\n")
            return 1
        if not quiet:
            sys.stderr.write(f"Connecting to {parts.netloc} ({address}:{port})\n")
        conn = http.client.HTTPConnection(address, port, timeout=timeout,
                                          source_address=names.source_for(address))
        try:
            conn.request("HEAD" if spider else "GET", (parts.path or "/") +
                         (f"?{parts.query}" if parts.query else ""),
                         headers={"Host": parts.netloc, "User-Agent": "Wget", "Connection": "close"})
            resp = conn.getresponse()
            data = resp.read()
        except OSError as err:
            reason = "Connection refused" if isinstance(err, ConnectionRefusedError) else \
                "Connection timed out" if isinstance(err, TimeoutError) else (err.strerror or str(err))
            sys.stderr.write(f"wget: can't connect to remote host ({address}): {reason}\n")
            return 1
        finally:
            conn.close()
        if resp.status >= 400:
            sys.stderr.write(f"wget: server returned error: HTTP/1.1 {resp.status} {resp.reason}\n")
            return 1
        if spider:
            if not quiet:
                sys.stderr.write("remote file exists\n")
            continue
        target = out if out is not None else (os.path.basename(parts.path) or "index.html")
        if target == "-":
            if not quiet:
                sys.stderr.write("writing to stdout\n")
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
            if not quiet:
                sys.stderr.write("written to stdout\n")
        else:
            with open(target, "wb") as f:
                f.write(data)
            if not quiet:
                sys.stderr.write(f"saving to '{target}'\n'{target}' saved\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
