"""A fault-injecting HTTP proxy for tests, on 127.0.0.1 in front of a real server.

It reads each request whole (one request per connection: it asks the upstream server to
close after answering) and, depending on its mode at that moment:

- ``pass``: forwards it and relays the answer;
- ``refuse``: nothing listens on its port any more (connections are refused);
- ``drop_request``: reads the request and closes the connection without forwarding it;
- ``drop_response``: forwards the request (the server acts on it), then closes the
  connection without relaying the answer;
- ``delay``: forwards the request and relays the answer ``delay`` seconds later (a client
  with a shorter timeout gives up while the server has already acted);
- ``unavailable``: answers ``503 Service Unavailable`` itself.

``requests`` counts the requests read from clients, ``forwarded`` those sent upstream. Every
wait is bounded, and :meth:`FaultProxy.close` cuts delays short.
"""

from __future__ import annotations

import json
import socket
import threading

MODES = ("pass", "refuse", "drop_request", "drop_response", "delay", "unavailable")
IO_TIMEOUT = 10.0  #: seconds any socket operation may wait


def _read_head(sock: socket.socket) -> tuple[bytes, bytes] | None:
    """The head (up to the blank line) and what was read after it; None if the peer closed."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            return None
        data += chunk
        if len(data) > 1 << 20:
            return None
    head, _sep, rest = data.partition(b"\r\n\r\n")
    return head, rest


def _read_request(sock: socket.socket) -> bytes | None:
    """One whole request, rewritten to ask the server to close the connection after it."""
    parts = _read_head(sock)
    if parts is None:
        return None
    head, body = parts
    lines = head.split(b"\r\n")
    length = 0
    kept = [lines[0]]
    for line in lines[1:]:
        name, _sep, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
        if name.strip().lower() in (b"connection", b"keep-alive", b"proxy-connection"):
            continue
        kept.append(line)
    kept.append(b"Connection: close")
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            return None
        body += chunk
    return b"\r\n".join(kept) + b"\r\n\r\n" + body[:length]


def _read_until_closed(sock: socket.socket) -> bytes:
    data = b""
    while True:
        chunk = sock.recv(65536)
        if not chunk:
            return data
        data += chunk


class FaultProxy:
    """``FaultProxy(upstream_port)``: listens on ``127.0.0.1:port``; switch with
    :meth:`set_mode`; always :meth:`close` it."""

    def __init__(self, upstream_port: int, upstream_host: str = "127.0.0.1"):
        self.upstream = (upstream_host, upstream_port)
        self.mode = "pass"
        self.delay = 0.0
        self.requests = 0
        self.forwarded = 0
        self._lock = threading.Lock()
        self._closing = threading.Event()
        self._threads: list[threading.Thread] = []
        self._listener: socket.socket | None = None
        self._accepting: threading.Thread | None = None
        self.port = 0
        self._listen()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # -- switching ----------------------------------------------------------------------------
    def set_mode(self, mode: str, delay: float | None = None) -> None:
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}; use one of {MODES}")
        with self._lock:
            self.mode = mode
            if delay is not None:
                self.delay = delay
        if mode == "refuse":
            self._stop_listening()
        elif self._listener is None:
            self._listen()

    def _listen(self) -> None:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))  # the same port again after "refuse"
        listener.listen(16)
        listener.settimeout(0.05)  # the accept loop notices a close within this time
        self.port = listener.getsockname()[1]
        self._listener = listener
        self._accepting = self._start(self._accept_loop, listener)

    def _stop_listening(self) -> None:
        listener, self._listener = self._listener, None
        if listener is None:
            return
        try:  # stop listening now: a thread blocked in accept() keeps a closed socket alive
            listener.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        listener.close()
        accepting, self._accepting = self._accepting, None
        if accepting is not None:
            accepting.join(timeout=IO_TIMEOUT)

    def _start(self, target, *args) -> threading.Thread:
        thread = threading.Thread(target=target, args=args, daemon=True)
        self._threads = [t for t in self._threads if t.is_alive()] + [thread]
        thread.start()
        return thread

    def close(self) -> None:
        self._closing.set()
        self._stop_listening()
        for thread in list(self._threads):
            thread.join(timeout=IO_TIMEOUT)

    # -- serving ------------------------------------------------------------------------------
    def _accept_loop(self, listener: socket.socket) -> None:
        while not self._closing.is_set() and self._listener is listener:
            try:
                conn, _addr = listener.accept()
            except TimeoutError:
                continue
            except OSError:  # closed by set_mode("refuse") or close()
                return
            self._start(self._handle, conn)

    def _handle(self, conn: socket.socket) -> None:
        conn.settimeout(IO_TIMEOUT)
        with conn:
            try:
                request = _read_request(conn)
            except OSError:
                return
            if request is None:
                return
            with self._lock:
                self.requests += 1
                mode, delay = self.mode, self.delay
            if mode == "drop_request":
                return
            if mode == "unavailable":
                body = json.dumps({"error": 503, "message": "maintenance"}).encode()
                conn.sendall(b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: "
                             b"application/json\r\nContent-Length: " + str(len(body)).encode()
                             + b"\r\nConnection: close\r\n\r\n" + body)
                return
            try:
                with socket.create_connection(self.upstream, timeout=IO_TIMEOUT) as upstream:
                    upstream.sendall(request)
                    response = _read_until_closed(upstream)
            except OSError:
                return
            with self._lock:
                self.forwarded += 1
            if mode == "drop_response":
                return
            if mode == "delay" and self._closing.wait(delay):
                return
            try:
                conn.sendall(response)
            except OSError:  # the client gave up waiting
                pass
