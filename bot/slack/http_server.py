"""HTTP mode: Bolt's WSGI adapter served by the standard library's wsgiref with one thread per request.

Events, interactivity and slash commands all arrive on /slack/events; GET /healthz answers a load balancer
(200 or 503, with one line per service: bot/health.py). Bolt's own `app.start()` serves one
request at a time; a threading server keeps acknowledgements quick when many requests arrive together,
and it needs no extra dependency (gunicorn can serve the same `SlackRequestHandler` in production).

Before Bolt sees a POST, its body is capped (MAX_BODY_BYTES) and checked to be what Slack sends (UTF-8; a JSON
object, or a form whose `payload` is a JSON object): Bolt parses the body before it checks the signature, and a
body it cannot parse became a 500 with a traceback. A refused body gets 400 (413 when too large) and one log line.
"""

from __future__ import annotations

import io
import logging
import threading
from socketserver import ThreadingMixIn
from typing import Any, Callable, Iterable
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_bolt.request import BoltRequest

log = logging.getLogger("copydesk.bot")
EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
Health = Callable[[], tuple[int, bytes]]  # (HTTP status, JSON body)
# Slack's largest request is an event with a 40,000-character message (as text and again as rich-text blocks),
# JSON-escaped (up to 6 bytes a character) plus file objects: well under 1 MiB.
MAX_BODY_BYTES = 1024 * 1024
DRAIN_BYTES = 16 * MAX_BODY_BYTES  # read and dropped (never kept) before a 413; beyond it the connection just closes


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
        if environ.get("REQUEST_METHOD") == "POST":
            refused = _read_checked(environ)
            if refused is not None:
                status, reason = refused
                log.warning("refused a request to %s: %s", environ.get("PATH_INFO"), reason)
                body = f"{reason}\n".encode()
                start_response(f"{status} {'Payload Too Large' if status == 413 else 'Bad Request'}",
                               [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body)))])
                return [body]
        return slack(environ, start_response)

    return wsgi


def _read_checked(environ: dict[str, Any]) -> tuple[int, str] | None:
    """Read the body (at most MAX_BODY_BYTES) and put it back for Bolt; (status, reason) when it is refused."""
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 400, "Content-Length is not a number."
    if length < 0:
        return 400, "Content-Length is negative."
    if length > MAX_BODY_BYTES:
        _discard(environ["wsgi.input"], min(length, DRAIN_BYTES))  # so the client reads the answer, not a reset
        return 413, f"The body is {length} bytes; the limit is {MAX_BODY_BYTES}."
    raw = environ["wsgi.input"].read(length) if length else b""
    environ["wsgi.input"] = io.BytesIO(raw)
    environ["CONTENT_LENGTH"] = str(len(raw))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        return 400, f"The body is not UTF-8 (byte {error.start})."
    try:  # what Bolt does first with a body (parse it, read the team and user ids out of it), before any check
        parsed = BoltRequest(body=text, headers={"content-type": str(environ.get("CONTENT_TYPE") or "")}).body
    except (ValueError, TypeError, AttributeError, KeyError, IndexError, RecursionError) as error:
        return 400, f"The body is not a Slack request ({type(error).__name__})."  # JSONDecodeError is a ValueError
    if not isinstance(parsed, dict):
        return 400, "The body is not a Slack request (not a JSON object)."
    for name, shape in _SHAPES.items():  # what Bolt's listener matchers read without looking (signed bodies)
        if name in parsed and not isinstance(parsed[name], shape):
            return 400, f"The body's {name!r} is not a JSON {_JSON_NAMES[shape]}."
    if any(not isinstance(action, dict) for action in parsed.get("actions") or []):
        return 400, "The body's 'actions' are not JSON objects."
    return None


def _discard(stream: Any, count: int) -> None:
    while count > 0:
        chunk = stream.read(min(count, 64 * 1024))
        if not chunk:
            return
        count -= len(chunk)


_SHAPES = {"event": dict, "view": dict, "message": dict, "container": dict, "actions": list}
_JSON_NAMES = {dict: "object", list: "array"}
