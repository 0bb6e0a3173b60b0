"""`curl` inside a pod: real HTTP over http.client, `localhost` meaning the pod.

Understands what tutorials use: `-s`/`-S`, `-i`, `-I`, `-v` (headers on stderr), `-X`,
`-d`/`--data`, `-H`, `-o FILE`, `-f`, `-L`, `-m`/`--max-time`, `--connect-timeout`, `-w`
with `%{http_code}`, and a URL with or without `http://`. Errors are curl 8's texts and exit
codes: (6) Could not resolve host, (7) Failed to connect … Couldn't connect to server,
(28) timeouts, (52) Empty reply from server, (22) with -f, (3) a malformed URL.
"""

from __future__ import annotations

import http.client
import socket
import sys
import time
import urllib.parse

from kubenb.apps.pysite import kubenb_names as names

VERSION = "curl/8.5.0"


class CurlError(Exception):
    def __init__(self, code: int, text: str) -> None:
        super().__init__(text)
        self.code, self.text = code, text


def parse_args(argv: list[str]) -> tuple[dict[str, object], list[str]]:
    opts: dict[str, object] = {"method": None, "data": None, "headers": [], "out": None,
                               "silent": False, "show_error": False, "include": False,
                               "head": False, "fail": False, "follow": False, "verbose": False,
                               "max_time": None, "connect_timeout": None, "write_out": ""}
    with_value = {"-X": "method", "--request": "method", "-d": "data", "--data": "data",
                  "--data-raw": "data", "--data-binary": "data", "-H": "headers",
                  "--header": "headers", "-o": "out", "--output": "out", "-m": "max_time",
                  "--max-time": "max_time", "--connect-timeout": "connect_timeout",
                  "-w": "write_out", "--write-out": "write_out", "-A": "agent",
                  "--user-agent": "agent"}
    flags = {"-s": "silent", "--silent": "silent", "-S": "show_error", "--show-error": "show_error",
             "-i": "include", "--include": "include", "-I": "head", "--head": "head",
             "-f": "fail", "--fail": "fail", "-L": "follow", "--location": "follow",
             "-v": "verbose", "--verbose": "verbose", "-k": "", "--insecure": "", "-4": "",
             "--http1.1": ""}
    urls: list[str] = []
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg in with_value:
            if i + 1 >= len(argv):
                raise CurlError(2, f"option {arg}: requires parameter")
            key = with_value[arg]
            value = argv[i + 1]
            if key == "headers":
                opts["headers"].append(value)  # type: ignore[union-attr]
            else:
                opts[key] = value
            i += 2
            continue
        if arg in flags:
            if flags[arg]:
                opts[flags[arg]] = True
        elif arg.startswith("-") and len(arg) > 2 and not arg.startswith("--") and \
                all(f"-{c}" in flags for c in arg[1:]):
            for c in arg[1:]:
                if flags[f"-{c}"]:
                    opts[flags[f"-{c}"]] = True
        elif arg.startswith("-") and arg != "-":
            raise CurlError(2, f"option {arg}: is unknown")
        else:
            urls.append(arg)
        i += 1
    return opts, urls


def fetch(url: str, opts: dict[str, object]) -> tuple[http.client.HTTPResponse, bytes, str]:
    if "://" not in url:
        url = "http://" + url
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise CurlError(3, "URL rejected: Malformed input to a URL function" if parts.scheme in
                        ("http", "https") else f'Protocol "{parts.scheme}" not supported')
    host = parts.hostname
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        address = names.resolve(host)
        socket.getaddrinfo(address, port, socket.AF_INET, socket.SOCK_STREAM)
    except (names.NotFound, socket.gaierror):
        raise CurlError(6, f"Could not resolve host: {host}") from None
    timeout = float(opts["connect_timeout"] or opts["max_time"] or 300)  # type: ignore[arg-type]
    started = time.monotonic()
    conn = http.client.HTTPConnection(address, port, timeout=timeout,
                                      source_address=names.source_for(address))
    method = str(opts["method"] or ("HEAD" if opts["head"] else "POST" if opts["data"] is not None else "GET"))
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    headers = {"Host": parts.netloc.rsplit("@", 1)[-1], "User-Agent": str(opts.get("agent") or VERSION),
               "Accept": "*/*"}
    body = None
    if opts["data"] is not None:
        body = str(opts["data"]).encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    for h in opts["headers"]:  # type: ignore[attr-defined]
        k, _, v = h.partition(":")
        headers[k.strip()] = v.strip()
    try:
        conn.connect()
    except TimeoutError:
        ms = int((time.monotonic() - started) * 1000)
        raise CurlError(28, f"Failed to connect to {host} port {port} after {ms} ms: Timeout was reached") from None
    except OSError:
        ms = int((time.monotonic() - started) * 1000)
        raise CurlError(7, f"Failed to connect to {host} port {port} after {ms} ms: "
                        "Couldn't connect to server") from None
    try:
        if opts["max_time"]:
            conn.sock.settimeout(float(opts["max_time"]))  # type: ignore[arg-type, union-attr]
        conn.request(method, path, body=body, headers=headers)
        resp = conn.getresponse()
        data = resp.read() if method != "HEAD" else b""
    except TimeoutError:
        ms = int((time.monotonic() - started) * 1000)
        raise CurlError(28, f"Operation timed out after {ms} milliseconds with 0 bytes received") from None
    except http.client.RemoteDisconnected:
        raise CurlError(52, "Empty reply from server") from None
    except ConnectionResetError:
        raise CurlError(56, "Recv failure: Connection reset by peer") from None
    finally:
        conn.close()
    return resp, data, url


def head_text(resp: http.client.HTTPResponse) -> bytes:
    lines = [f"HTTP/{'1.1' if resp.version == 11 else '1.0'} {resp.status} {resp.reason}".rstrip()]
    lines += [f"{k}: {v}" for k, v in resp.getheaders()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def main(argv: list[str]) -> int:
    out = sys.stdout.buffer
    try:
        opts, urls = parse_args(argv)
        if not urls:
            raise CurlError(2, "no URL specified")
        code = 0
        for url in urls:
            resp, data, url = fetch(url, opts)
            for _ in range(20 if opts["follow"] else 0):
                location = resp.getheader("Location")
                if resp.status not in (301, 302, 303, 307, 308) or not location:
                    break
                resp, data, url = fetch(urllib.parse.urljoin(url, location), opts)
            if opts["fail"] and resp.status >= 400:
                raise CurlError(22, f"The requested URL returned error: {resp.status}")
            payload = (head_text(resp) if opts["include"] or opts["head"] else b"") + data
            if opts["verbose"]:
                sys.stderr.write("< " + head_text(resp).decode(errors="replace").replace("\r\n", "\n< "))
            if opts["out"] and opts["out"] != "-":
                with open(str(opts["out"]), "wb") as f:
                    f.write(payload)
            else:
                out.write(payload)
            if opts["write_out"]:
                out.write(str(opts["write_out"]).replace("%{http_code}", str(resp.status))
                          .replace("\\n", "\n").encode())
        out.flush()
        return code
    except CurlError as err:
        out.flush()
        if err.code == 2:
            sys.stderr.write(f"curl: {err.text}\ncurl: try 'curl --help' or 'curl --manual' for more information\n")
        elif not opts_silent(argv):
            sys.stderr.write(f"curl: ({err.code}) {err.text}\n")
        return err.code


def opts_silent(argv: list[str]) -> bool:
    short = [a for a in argv if a.startswith("-") and not a.startswith("--")]
    silent = "--silent" in argv or any("s" in a[1:] for a in short if a[1:].isalpha())
    shows = "--show-error" in argv or any("S" in a[1:] for a in short if a[1:].isalpha())
    return silent and not shows


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
