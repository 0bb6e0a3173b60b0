"""A real JupyterLab server and a Playwright-driven notebook page, for the browser tests.

Data flow: `LabServer.start()` runs `python -m jupyterlab` on a free loopback port with a
token, private config/runtime/settings folders and the notifications that would cover the
page turned off; it is ready when the server logs its URL. `NotebookPage` opens a notebook
through `?reset` (so no earlier workspace is restored), waits for its kernel to be idle,
runs cells through JupyterLab's command registry (never awaiting the command, which for
"run all" resolves only when every cell finished) and waits on DOM conditions only.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psutil

ARTIFACTS = Path(__file__).parent / "artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
]


def chromium_path() -> str | None:
    """Debian's chromium (apt-get install -y chromium); Playwright never downloads one here."""
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def write_notebook(path: Path, cells: list[str]) -> None:
    """A minimal nbformat 4 notebook with these code cells and the python3 kernel."""
    nb = {
        "nbformat": 4, "nbformat_minor": 5,
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                    "language": "python"}},
        "cells": [{"cell_type": "code", "id": f"c{i}", "metadata": {}, "execution_count": None,
                   "outputs": [], "source": src} for i, src in enumerate(cells)],
    }
    path.write_text(json.dumps(nb, indent=1))


@dataclass
class LabServer:
    """One JupyterLab server process serving `root`."""

    root: Path
    port: int
    token: str
    proc: subprocess.Popen[bytes]
    log_path: Path
    _reader: threading.Thread

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @classmethod
    def start(cls, base: Path, *, timeout: float = 120.0, env: dict[str, str] | None = None,
              argv: list[str] | None = None, root: Path | None = None,
              allow_root: bool = True) -> LabServer:
        """Starts a server (`argv`, default `python -m jupyterlab`) serving `root` (default
        `base/root`) and waits until it serves. Autosave is off: nothing a test runs is
        written back into a notebook. `allow_root=False`: never add `--allow-root` (the
        command under test must do it when run as root)."""
        cfg, runtime, settings, workspaces = (
            base / d for d in ("config", "runtime", "settings", "workspaces"))
        root = root or base / "root"
        for d in (root, cfg, runtime, settings, workspaces, base / "kube", base / "minikube"):
            d.mkdir(parents=True, exist_ok=True)
        (settings / "overrides.json").write_text(json.dumps({
            "@jupyterlab/apputils-extension:notification": {
                "checkForUpdates": False, "fetchNews": "false"},
            "@jupyterlab/docmanager-extension:plugin": {"autosave": False}}))
        port, token = free_port(), secrets.token_hex(16)
        # Kernels get a kubeconfig and minikube home of their own: never the user's files,
        # and never files that another test run on the machine rewrites meanwhile.
        full_env = {**os.environ, "JUPYTER_CONFIG_DIR": str(cfg),
                    "JUPYTER_RUNTIME_DIR": str(runtime), "PYTHONUNBUFFERED": "1",
                    "KUBECONFIG": str(base / "kube" / "config"),
                    "MINIKUBE_HOME": str(base / "minikube"), **(env or {})}
        args = argv or [sys.executable, "-m", "jupyterlab"]
        args = [*args, "--no-browser", "--ip=127.0.0.1", f"--port={port}",
                "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
                f"--ServerApp.root_dir={root}", "--LabApp.expose_app_in_browser=True",
                "--LabApp.news_url=None", f"--LabApp.app_settings_dir={settings}",
                f"--LabApp.workspaces_dir={workspaces}"]
        if allow_root and os.geteuid() == 0:
            args.append("--allow-root")
        log_path = base / "server.log"
        proc = subprocess.Popen(args, cwd=root, env=full_env, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, start_new_session=True)
        ready = threading.Event()

        def drain() -> None:  # copies the log and notices the "running at" line
            assert proc.stdout is not None
            with log_path.open("wb") as log:
                for line in proc.stdout:
                    log.write(line)
                    log.flush()
                    if b"is running at:" in line or f":{port}/lab".encode() in line:
                        ready.set()
            ready.set()  # the process ended: stop waiting

        reader = threading.Thread(target=drain, name="lab-server-log", daemon=True)
        reader.start()
        server = cls(root, port, token, proc, log_path, reader)
        deadline = time.monotonic() + timeout
        try:
            if not ready.wait(timeout) or not server._wait_listening(deadline):
                raise RuntimeError(f"JupyterLab did not start:\n{log_path.read_text()[-3000:]}")
            server.api("/api/status")
        except BaseException:
            server.stop()
            raise
        return server

    def _wait_listening(self, deadline: float) -> bool:
        """The URL is logged just before the port accepts connections: retry the connect
        until it does (each retry waits on the reader thread, which ends with the server)."""
        while self.proc.poll() is None and time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=5).close()
                return True
            except OSError:
                self._reader.join(0.05)
        return False

    def api(self, path: str) -> Any:
        req = urllib.request.Request(self.url + path,
                                     headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(req, timeout=30) as resp:  # noqa: S310 - loopback only
            return json.loads(resp.read())

    def lab_url(self, notebook: str) -> str:
        return f"{self.url}/lab/tree/{notebook}?reset&token={self.token}"

    def descendants(self) -> list[psutil.Process]:
        try:
            return psutil.Process(self.proc.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            return []

    def stop(self, timeout: float = 60.0) -> list[psutil.Process]:
        """SIGTERM (the server then shuts its kernels down); returns processes left alive."""
        children = self.descendants()
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        _, alive = psutil.wait_procs(children, timeout=timeout)
        for p in alive:
            p.kill()
        self._reader.join(timeout)
        return alive


class NotebookPage:
    """A JupyterLab page showing one notebook, driven through `window.jupyterapp`."""

    def __init__(self, page: Any, server: LabServer, name: str) -> None:
        self.page = page
        self.server = server
        self.name = name

    def open(self, timeout: float = 120_000) -> NotebookPage:
        self.page.goto(self.server.lab_url(self.name))
        self.page.wait_for_function(
            """(path) => {
                const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
                const k = w && w.context && w.context.path === path
                    && w.sessionContext && w.sessionContext.session
                    && w.sessionContext.session.kernel;
                return !!k && k.status === 'idle';
            }""", arg=self.name, timeout=timeout)
        return self

    def run_cell(self, index: int) -> None:
        """Starts cell `index` (does not wait for it)."""
        self.page.evaluate(
            """(i) => {
                const nb = window.jupyterapp.shell.currentWidget.content;
                nb.activeCellIndex = i;
                void window.jupyterapp.commands.execute('notebook:run-cell');
            }""", index)

    def run_all(self) -> None:
        self.page.evaluate(
            "() => { void window.jupyterapp.commands.execute('notebook:run-all-cells'); }")

    def wait_cell_done(self, index: int, timeout: float = 120_000) -> None:
        """Waits until cell `index` has an execution count (it ran) and the kernel is idle."""
        self.page.wait_for_function(
            """(i) => {
                const w = window.jupyterapp.shell.currentWidget;
                const cell = w.content.widgets[i];
                return cell.model.executionCount !== null
                    && w.sessionContext.session.kernel.status === 'idle';
            }""", arg=index, timeout=timeout)

    def output_text(self, index: int) -> str:
        return str(self.page.evaluate(
            """(i) => {
                const cell = window.jupyterapp.shell.currentWidget.content.widgets[i];
                return cell.outputArea.node.innerText;
            }""", index))

    def wait_output(self, index: int, pattern: str, timeout: float = 60_000) -> str:
        """Waits until cell `index`'s output matches the regex `pattern`; returns the text."""
        # The text that matched is returned from the same read: the output area may be
        # re-rendered between two reads.
        handle = self.page.wait_for_function(
            """([i, pattern]) => {
                const cell = window.jupyterapp.shell.currentWidget.content.widgets[i];
                const text = cell.outputArea.node.innerText;
                return new RegExp(pattern, 'm').test(text) ? text : false;
            }""", arg=[index, pattern], timeout=timeout)
        return str(handle.json_value())

    def execute(self, code: str, timeout: float = 120_000) -> str:
        return kernel_execute(self.page, code, timeout)

    def screenshot(self, selector: str, name: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / name
        self.page.locator(selector).first.screenshot(path=str(path))
        return path


def kernel_execute(page: Any, code: str, timeout: float = 120_000) -> str:
    """Runs `code` in the current notebook's kernel (outside the cells) and returns its
    stdout; raises AssertionError with the traceback if it fails."""
    result = page.evaluate(
        """async (code) => {
            const kernel = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
            const future = kernel.requestExecute({ code, store_history: false });
            let out = '', err = '';
            future.onIOPub = (msg) => {
                const t = msg.header.msg_type;
                if (t === 'stream') out += msg.content.text;
                if (t === 'error') err += msg.content.traceback.join('\\n');
            };
            const reply = await future.done;
            return { out, err, status: reply.content.status };
        }""", code)
    assert result["status"] == "ok", result["err"] or result
    return str(result["out"])
