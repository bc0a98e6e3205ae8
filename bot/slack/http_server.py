"""HTTP mode: Bolt's WSGI adapter served by the standard library's wsgiref with one thread per request.

Events, interactivity and slash commands all arrive on /slack/events; GET /healthz answers a load balancer
(200 or 503, with one line per service: bot/health.py). Bolt's own `app.start()` serves one
request at a time; a threading server keeps acknowledgements quick when many requests arrive together,
and it needs no extra dependency (gunicorn can serve the same `SlackRequestHandler` in production).
"""

from __future__ import annotations

import logging
import threading
from socketserver import ThreadingMixIn
from typing import Any, Callable, Iterable
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler

log = logging.getLogger("copydesk.bot")
EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
Health = Callable[[], tuple[int, bytes]]  # (HTTP status, JSON body)


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    request_queue_size = 128  # bursts of retries and load tests


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - signature from the stdlib
        log.debug("http %s", format % args)


class HttpServer:
    """`HttpServer(app, port).serve_forever()`; port 0 picks a free one (see `.port`)."""

    def __init__(self, app: App, port: int, host: str = "0.0.0.0", health: Health | None = None) -> None:
        """`health`: what /healthz answers (bot.health.HealthCache.report); without it, 200 once serving."""
        self._server = make_server(host, port, _with_health(SlackRequestHandler(app, path=EVENTS_PATH), health),
                                   server_class=_ThreadingWSGIServer, handler_class=_QuietHandler)
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    def serve_forever(self) -> None:
        log.info("copydesk listening on http://0.0.0.0:%s%s", self.port, EVENTS_PATH)
        self._server.serve_forever()

    def start_background(self) -> "HttpServer":
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True, name="copydesk-http")
        self._thread.start()
        return self

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def _with_health(slack: SlackRequestHandler, health: Health | None) -> Callable[..., Iterable[bytes]]:
    def wsgi(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == HEALTH_PATH and environ.get("REQUEST_METHOD") in ("GET", "HEAD"):
            status, body = health() if health else (200, b'{"ok": true, "checks": []}')
            start_response(f"{status} {'OK' if status == 200 else 'Service Unavailable'}",
                           [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
            return [body]
        return slack(environ, start_response)

    return wsgi
