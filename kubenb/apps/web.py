"""Built-in web servers: nginx, hashicorp/http-echo and registry.k8s.io/echoserver.

Each is a `HttpApp` (kubenb/apps/base.py) inside the node agent, answering at the pod IP as
the real program does, and logging as it does:

- `Nginx`: port 80; `/` and `/index.html` are the welcome page, anything else nginx's 404
  page; the docker-entrypoint and notice lines at start; one access-log line per request in
  nginx's `combined` format plus `"$http_x_forwarded_for"`; a graceful stop on SIGTERM (the
  image's STOPSIGNAL is SIGQUIT) with nginx's shutdown notices, exit 0. As a non-root user
  port 80 fails as nginx reports it: `bind() to 0.0.0.0:80 failed (13: Permission denied)`.
- `HttpEcho`: `-text=…` (default `hello-world`), `-listen=:5678`, `-status-code=200`; Go's flag
  parsing (`-flag=v`, `-flag v`, `--flag`), `flag provided but not defined` and exit 2 for
  unknown flags; `/health` answers `{"status":"ok"}`.
- `EchoServer`: echoes the request back in the text of echoserver 1.4 (`CLIENT VALUES:` …) or
  1.10 (`Hostname:` … `Request Headers:` …).
"""

from __future__ import annotations

from typing import Any

from kubenb.apps.base import HttpApp, Reply, access_time, nginx_time, request_line, user_agent

NGINX_404 = ("<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n"
             "<center><h1>404 Not Found</h1></center>\r\n<hr><center>nginx/{v}</center>\r\n"
             "</body>\r\n</html>\r\n")
NGINX_405 = ("<html>\r\n<head><title>405 Not Allowed</title></head>\r\n<body>\r\n"
             "<center><h1>405 Not Allowed</h1></center>\r\n<hr><center>nginx/{v}</center>\r\n"
             "</body>\r\n</html>\r\n")


def _access_line(request: Any, status: int, size: int, forwarded: bool = True) -> str:
    line = (f'{request.remote_ip} - - [{access_time()}] "{request_line(request)}" {status} {size} '
            f'"{request.headers.get("Referer", "-")}" "{user_agent(request)}"')
    if forwarded:
        line += f' "{request.headers.get("X-Forwarded-For", "-")}"'
    return line


class Nginx(HttpApp):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.version = self.cfg.version or "1.27.3"
        self.server_header = f"nginx/{self.version}"

    def listen_ports(self) -> list[int]:
        return [80]

    def started(self) -> None:
        for line in self.cfg.logs:  # the image's start-up lines, pre-rendered by the runtime
            self.log.line(line, "stderr" if "[notice]" in line else "stdout")

    def bind_error(self, err: OSError) -> str:
        return (f"{nginx_time()} [emerg] 1#1: bind() to 0.0.0.0:80 failed ({err.errno}: "
                f"{err.strerror})\nnginx: [emerg] bind() to 0.0.0.0:80 failed ({err.errno}: {err.strerror})")

    def handle(self, request: Any) -> Reply:
        path = request.path
        if request.method not in ("GET", "HEAD"):
            status, body, ctype = 405, NGINX_405.format(v=self.version), "text/html"
        elif path in ("/", "/index.html"):
            status, body, ctype = 200, self.cfg.response or "", "text/html"
        else:
            status, body, ctype = 404, NGINX_404.format(v=self.version), "text/html"
        data = body.encode()
        self.log.line(_access_line(request, status, 0 if request.method == "HEAD" else len(data)))
        headers = {"Content-Type": ctype, "Connection": "keep-alive"}
        if status == 200:
            headers["Accept-Ranges"] = "bytes"
        return Reply(status, data, headers)

    def on_sigterm(self) -> None:
        t = nginx_time()
        for pid, text in (("1#1", "signal 3 (SIGQUIT) received, shutting down"),
                          ("29#29", "gracefully shutting down"), ("29#29", "exiting"),
                          ("29#29", "exit"), ("1#1", "signal 17 (SIGCHLD) received from 29"),
                          ("1#1", "worker process 29 exited with code 0"), ("1#1", "exit")):
            self.log.line(f"{t} [notice] {pid}: {text}", "stderr")
        self.exit(0)


class FlagError(Exception):
    pass


def go_flags(args: list[str], known: dict[str, str]) -> dict[str, str]:
    """Go's `flag` package: `-name=value`, `-name value`, `--name`; stops at a non-flag."""
    values = dict(known)
    i = 0
    while i < len(args):
        arg = args[i]
        if not arg.startswith("-") or arg in ("-", "--"):
            break
        name = arg.lstrip("-")
        value: str | None = None
        if "=" in name:
            name, value = name.split("=", 1)
        if name not in known:
            raise FlagError(f"flag provided but not defined: -{name}")
        if value is None:
            if i + 1 >= len(args):
                raise FlagError(f"flag needs an argument: -{name}")
            i += 1
            value = args[i]
        values[name] = value
        i += 1
    return values


class HttpEcho(HttpApp):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.flags: dict[str, str] = {}
        self.server_header = ""

    async def serve(self) -> None:
        try:
            self.flags = go_flags(self.cfg.args, {"text": "hello-world", "listen": ":5678",
                                                  "status-code": "200"})
            int(self.flags["status-code"])
        except (FlagError, ValueError) as err:
            self.log.line(f"{err}\nUsage of /http-echo:", "stderr")
            self.exit(2)
            return
        await super().serve()

    def listen_ports(self) -> list[int]:
        return [int(self.flags["listen"].rpartition(":")[2] or 5678)]

    def started(self) -> None:
        self.log.line(f"{nginx_time()} [INFO] server is listening on {self.flags['listen']}", "stderr")

    def handle(self, request: Any) -> Reply:
        if request.path == "/health":
            status, body = 200, '{"status":"ok"}\n'
        else:
            status, body = int(self.flags["status-code"]), self.flags["text"] + "\n"
        self.log.line(f'{nginx_time()} {request.host} {request.remote_ip}:0 "{request_line(request)}" '
                      f'{status} {len(body)} "{user_agent(request)}" 12.3µs', "stderr")
        return Reply(status, body.encode(), {"Content-Type": "text/plain; charset=utf-8",
                                             "X-App-Name": "http-echo", "X-App-Version": "1.0.0"})

    def on_sigterm(self) -> None:
        self.log.line(f"{nginx_time()} [INFO] server is shutting down", "stderr")
        self.exit(0)


class EchoServer(HttpApp):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.server_header = "echoserver"

    def listen_ports(self) -> list[int]:
        return [8080]

    def handle(self, request: Any) -> Reply:
        body = self._v14(request) if self.cfg.version == "1.4" else self._v110(request)
        data = body.encode()
        self.log.line(_access_line(request, 200, len(data), forwarded=False))
        return Reply(200, data, {"Content-Type": "text/plain"})

    @staticmethod
    def _headers(request: Any) -> list[str]:
        return [f"{k.lower()}={v}" for k, v in sorted(request.headers.get_all())]

    def _v14(self, request: Any) -> str:
        lines = ["CLIENT VALUES:", f"client_address={request.remote_ip}", f"command={request.method}",
                 f"real path={request.path}", f"query={request.query or 'nil'}",
                 f"request_version={request.version.split('/')[-1]}",
                 f"request_uri=http://{request.host}{request.uri}", "", "SERVER VALUES:",
                 "server_version=nginx: 1.10.0 - lua: 10001", "", "HEADERS RECEIVED:",
                 *self._headers(request), "BODY:"]
        body = request.body.decode(errors="replace") if request.body else "-no body in request-"
        return "\n".join(lines) + "\n" + body

    def _v110(self, request: Any) -> str:
        env = self.cfg.env
        pod_keys = (("node name", "NODE_NAME"), ("pod name", "POD_NAME"),
                    ("pod namespace", "POD_NAMESPACE"), ("pod IP", "POD_IP"))
        pod = [f"\t{label}={env[key]}" for label, key in pod_keys if env.get(key)]
        lines = ["", "", f"Hostname: {env.get('HOSTNAME', '')}", "", "Pod Information:",
                 *(pod or ["\t-no pod information available-"]), "", "Server values:",
                 "\tserver_version=nginx: 1.13.3 - lua: 10008", "", "Request Information:",
                 f"\tclient_address={request.remote_ip}", f"\tmethod={request.method}",
                 f"\treal path={request.path}", f"\tquery={request.query}",
                 f"\trequest_version={request.version.split('/')[-1]}", "\trequest_scheme=http",
                 f"\trequest_uri=http://{request.host}{request.uri}", "", "Request Headers:",
                 *("\t" + h for h in self._headers(request)), "", "Request Body:",
                 "\t" + (request.body.decode(errors="replace") if request.body
                         else "-no body in request-"), "", ""]
        return "\n".join(lines)
