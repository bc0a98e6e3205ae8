"""HTTP mode: Bolt's WSGI adapter served by the standard library's wsgiref with one thread per request.

Events, interactivity and slash commands all arrive on /slack/events. Bolt's own `app.start()` serves one
request at a time; a threading server keeps acknowledgements quick when many requests arrive together,
and it needs no extra dependency (gunicorn can serve the same `SlackRequestHandler` in production).
"""

from __future__ import annotations

import logging
import threading
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler

log = logging.getLogger("copydesk.bot")
EVENTS_PATH = "/slack/events"


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    request_queue_size = 128  # bursts of retries and load tests


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - signature from the stdlib
        log.debug("http %s", format % args)


class HttpServer:
    """`HttpServer(app, port).serve_forever()`; port 0 picks a free one (see `.port`)."""

    def __init__(self, app: App, port: int, host: str = "0.0.0.0") -> None:
        self._server = make_server(host, port, SlackRequestHandler(app, path=EVENTS_PATH),
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
