"""The TCP relay under kube-proxy and port-forward: half-closes, large transfers with flow
control, a reset when no backend takes the connection, and aborting on close."""

from __future__ import annotations

import asyncio
import hashlib
import os
import socket
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from kubenb.net.relay import Listener
from tests.net.standin import NET

HOST = f"{NET}9.1"


@pytest.fixture
def loop() -> Iterator[asyncio.AbstractEventLoop]:
    lp = asyncio.new_event_loop()
    t = threading.Thread(target=lp.run_forever, daemon=True)
    t.start()
    yield lp
    lp.call_soon_threadsafe(lp.stop)
    t.join(5)
    lp.close()


def listen(loop: asyncio.AbstractEventLoop, backends: list[tuple[str, int]]) -> Listener:
    listener = Listener("test", HOST, 0, lambda _ip: backends)
    asyncio.run_coroutine_threadsafe(listener.start(), loop).result(5)
    return listener


def close(loop: asyncio.AbstractEventLoop, listener: Listener) -> None:
    async def stop() -> None:
        listener.close()
        listener.abort_connections()
        await asyncio.sleep(0)

    asyncio.run_coroutine_threadsafe(stop(), loop).result(5)


class Backend:
    """Reads until EOF, then answers with the length and sha256 of what it read."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind((HOST, 0))
        self.sock.listen(8)
        self.address = self.sock.getsockname()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                data = b""
                while chunk := conn.recv(1 << 16):
                    data += chunk
                conn.sendall(f"{len(data)} {hashlib.sha256(data).hexdigest()}".encode())

    def close(self) -> None:
        self.sock.close()
        self.thread.join(5)


def read_all(s: socket.socket) -> bytes:
    out = b""
    while chunk := s.recv(1 << 16):
        out += chunk
    return out


def test_half_close_and_a_large_transfer(loop: Any) -> None:
    backend = Backend()
    listener = listen(loop, [backend.address])
    try:
        payload = os.urandom(2 * 1024 * 1024)
        with socket.create_connection((HOST, listener.port), timeout=10) as s:
            s.sendall(payload)
            s.shutdown(socket.SHUT_WR)  # the backend only answers after our EOF
            answer = read_all(s).decode()
        assert answer == f"{len(payload)} {hashlib.sha256(payload).hexdigest()}"
    finally:
        close(loop, listener)
        backend.close()


def test_no_backend_resets_the_client(loop: Any) -> None:
    with socket.socket() as free:
        free.bind((HOST, 0))
        dead = free.getsockname()
    listener = listen(loop, [dead])
    try:
        # an RST, as a refused DNAT target gives (at connect or at the first read)
        with pytest.raises(ConnectionResetError), socket.create_connection(
                (HOST, listener.port), timeout=10) as s:
            s.recv(10)
    finally:
        close(loop, listener)


def test_a_dropped_connection_is_held_unanswered_then_reset(loop: Any) -> None:
    """`pick` answering None: packets into the void — nothing comes back, the backend is
    never reached; the client's giving up frees it, and DROP_TIMEOUT ends it with a reset."""
    listener = Listener("test", HOST, 0, lambda _ip: None, drop_timeout=2.0)
    asyncio.run_coroutine_threadsafe(listener.start(), loop).result(5)
    try:
        with socket.create_connection((HOST, listener.port), timeout=10) as s:
            s.sendall(b"hello")
            s.settimeout(0.5)
            with pytest.raises(TimeoutError):
                s.recv(10)
        with socket.create_connection((HOST, listener.port), timeout=10) as s:
            s.settimeout(30)
            with pytest.raises(ConnectionResetError):  # 2 s later
                s.recv(10)
        asyncio.run_coroutine_threadsafe(asyncio.sleep(0), loop).result(5)
        assert len(listener.connections) == 0  # the first one ended when its client left
    finally:
        close(loop, listener)


def test_close_and_abort_leave_nothing(loop: Any) -> None:
    backend = Backend()
    listener = listen(loop, [backend.address])
    held = socket.create_connection((HOST, listener.port), timeout=10)
    held.sendall(b"partial")
    close(loop, listener)
    try:
        assert held.recv(10) == b""  # cut without an answer
    except ConnectionResetError:
        pass
    held.close()
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection((HOST, listener.port), timeout=5)
    backend.close()
