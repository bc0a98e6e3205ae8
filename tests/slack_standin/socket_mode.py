"""A Socket Mode stand-in: a local WebSocket server whose URL the Web API stand-in returns from
`apps.connections.open`. Tests push Events API / interactive envelopes and read the acknowledgements.
Built on the `websockets` library's synchronous server.
"""

from __future__ import annotations

import itertools
import json
import queue
import threading
import time
from typing import Any

from websockets.sync.server import ServerConnection, serve

from tests.slack_standin.signed import event_envelope
from tests.slack_standin.webapi import SlackStandIn


class SocketModeStandIn:
    def __init__(self, webapi: SlackStandIn) -> None:
        self.webapi = webapi
        self.acks: list[dict[str, Any]] = []
        self._outbox: queue.Queue[str] = queue.Queue()
        self._connected = threading.Event()
        self._acked = threading.Condition()
        self._ids = itertools.count(1)
        self._server = serve(self._handle, "127.0.0.1", 0, compression=None)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.socket.getsockname()[:2]
        return f"ws://{host}:{port}/link"

    def __enter__(self) -> "SocketModeStandIn":
        self._thread.start()
        self.webapi.socket_url = self.url
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()

    def wait_connected(self, timeout: float = 10.0) -> None:
        if not self._connected.wait(timeout):
            raise AssertionError("the bot never opened the Socket Mode connection")

    def send_event(self, event: dict[str, Any], *, retry_attempt: int = 0, event_id: str | None = None) -> str:
        """Push an events_api envelope; returns its envelope id."""
        envelope_id = f"env-{next(self._ids)}"
        body = event_envelope(event, event_id or f"EvS{next(self._ids):06d}")
        self._outbox.put(json.dumps({"envelope_id": envelope_id, "type": "events_api", "payload": body,
                                     "accepts_response_payload": False, "retry_attempt": retry_attempt,
                                     "retry_reason": "timeout" if retry_attempt else ""}))
        return envelope_id

    def wait_ack(self, envelope_id: str, timeout: float = 10.0) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        with self._acked:
            while True:
                for ack in self.acks:
                    if ack.get("envelope_id") == envelope_id:
                        return ack
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"no acknowledgement for {envelope_id}; got {self.acks}")
                self._acked.wait(left)

    def _handle(self, connection: ServerConnection) -> None:
        connection.send(json.dumps({"type": "hello", "num_connections": 1,
                                    "debug_info": {"host": "standin"}, "connection_info": {"app_id": "A0TEST"}}))
        self._connected.set()
        while True:
            try:
                message = self._outbox.get(timeout=0.05)
                connection.send(message)
            except queue.Empty:
                pass
            try:
                incoming = connection.recv(timeout=0.01)
            except TimeoutError:
                continue
            except Exception:  # the bot closed the connection
                return
            data = json.loads(incoming)
            with self._acked:
                self.acks.append(data)
                self._acked.notify_all()
