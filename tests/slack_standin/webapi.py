"""A stand-in for Slack's Web API on 127.0.0.1: answers the methods copydesk calls and records every call.

Point a `WebClient(base_url=standin.api_url)` (or SLACK_API_URL) at it. Tests read `standin.calls` and can
make a method answer HTTP 429 (with Retry-After), HTTP 500, or `{"ok": false, "error": ...}`.
Written for copydesk's tests on the standard library's HTTP server (no web framework needed for ~15 routes).
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable
from urllib.parse import parse_qs

BOT_USER_ID = "UBOT"
BOT_ID = "BBOT"
TEAM_ID = "T0TEST"


@dataclass
class Call:
    """One request the stand-in received: the Web API method (or "upload"/"download") and its arguments."""

    method: str
    args: dict[str, Any]
    headers: dict[str, str]
    status: int = 200
    at: float = field(default_factory=time.monotonic)
    body: bytes = b""
    response: dict[str, Any] = field(default_factory=dict)


@dataclass
class _Failure:
    status: int
    times: int
    retry_after: int | None = None
    error: str | None = None  # with status 200: answer {"ok": false, "error": error}


class SlackStandIn:
    """Start with `with SlackStandIn() as slack:`; `slack.api_url` is the base URL for WebClient."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.files: dict[str, bytes] = {}  # file id -> bytes (uploads, and photos a test "posts" in a thread)
        self.redirects: dict[str, str] = {}  # file id -> where GET /files/<id> redirects (302)
        self._holds: dict[str, threading.Event] = {}  # method -> released when set (`hold`)
        self._dropped: set[int] = set()  # holds released with drop=True
        self.socket_url: str | None = None  # answered by apps.connections.open
        self._failures: dict[str, list[_Failure]] = {}
        self._lock = threading.Condition()
        self._ts = itertools.count(1)
        self._file_ids = itertools.count(1)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    # --- lifecycle -------------------------------------------------------------
    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def api_url(self) -> str:
        return f"{self.base_url}/api/"

    def start(self) -> "SlackStandIn":
        self._thread.start()
        return self

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> "SlackStandIn":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- test controls ---------------------------------------------------------
    def fail(self, method: str, *, status: int = 429, times: int = 1, retry_after: int | None = 1,
             error: str | None = None) -> None:
        """The next `times` calls of `method` answer `status` (429 carries Retry-After) or ok:false `error`."""
        with self._lock:
            self._failures.setdefault(method, []).append(_Failure(status, times, retry_after, error))

    def hold(self, method: str) -> None:
        """Calls of `method` get no answer until `release(method)`: the caller hangs mid-request (kill -9 tests)."""
        with self._lock:
            self._holds[method] = threading.Event()

    def release(self, method: str, *, drop: bool = False) -> None:
        """Answer the held calls, or with `drop` close them unanswered (as if they never reached Slack)."""
        with self._lock:
            held = self._holds.pop(method, None)
            if held is not None and drop:
                self._dropped.add(id(held))
        if held is not None:
            held.set()

    def held(self, method: str) -> int:
        """How many calls of `method` arrived while it was held (recorded with status 0)."""
        with self._lock:
            return sum(1 for c in self.calls if c.method == method and c.status == 0)

    def add_file(self, content: bytes, *, mimetype: str = "image/png", name: str = "photo.png") -> dict[str, Any]:
        """Store a file as if a user had uploaded it; returns the file object an event carries."""
        file_id = f"FUSER{next(self._file_ids)}"
        self.files[file_id] = content
        url = f"{self.base_url}/files/{file_id}"
        return {"id": file_id, "name": name, "mimetype": mimetype, "size": len(content),
                "url_private": url, "url_private_download": url}

    def calls_to(self, method: str) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.method == method and c.status == 200]

    def wait_for(self, predicate: Callable[[list[Call]], bool], timeout: float = 30.0) -> list[Call]:
        """Block until predicate(calls) holds; raise AssertionError with the calls seen on timeout."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while not predicate(list(self.calls)):
                left = deadline - time.monotonic()
                if left <= 0:
                    seen = [f"{c.method}({c.status})" for c in self.calls]
                    raise AssertionError(f"stand-in: condition not met in {timeout}s; calls: {seen}")
                self._lock.wait(min(left, 0.2))
            return list(self.calls)

    def wait_calls(self, method: str, count: int = 1, timeout: float = 30.0) -> list[Call]:
        self.wait_for(lambda calls: sum(c.method == method and c.status == 200 for c in calls) >= count, timeout)
        return self.calls_to(method)

    # --- request handling -----------------------------------------------------
    def _record(self, call: Call) -> None:
        with self._lock:
            self.calls.append(call)
            self._lock.notify_all()

    def _take_failure(self, method: str) -> _Failure | None:
        with self._lock:
            queue = self._failures.get(method) or []
            if not queue:
                return None
            failure = queue[0]
            failure.times -= 1
            if failure.times <= 0:
                queue.pop(0)
            return failure

    def _next_ts(self) -> str:
        return f"{1700000000 + next(self._ts)}.{next(self._ts):06d}"

    def answer(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        """The JSON body the real Web API would give for a successful call (the fields copydesk reads)."""
        if method == "auth.test":
            return {"ok": True, "url": "https://test.slack.com/", "team": "Test", "user": "copydesk",
                    "team_id": TEAM_ID, "user_id": BOT_USER_ID, "bot_id": BOT_ID}
        if method in ("chat.postMessage", "chat.startStream"):
            ts = self._next_ts()
            return {"ok": True, "channel": args.get("channel"), "ts": ts,
                    "message": {"text": args.get("text"), "ts": ts, "thread_ts": args.get("thread_ts")}}
        if method == "chat.update":
            return {"ok": True, "channel": args.get("channel"), "ts": args.get("ts"), "text": args.get("text")}
        if method == "chat.delete":
            return {"ok": True, "channel": args.get("channel"), "ts": args.get("ts")}
        if method in ("chat.appendStream", "chat.stopStream"):
            return {"ok": True, "channel": args.get("channel"), "ts": args.get("ts")}
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": self._next_ts()}
        if method == "conversations.replies":
            return {"ok": True, "messages": self._thread_messages(args), "has_more": False}
        if method == "users.info":
            user = args.get("user", "U0")
            return {"ok": True, "user": {"id": user, "name": f"user-{user}", "real_name": f"User {user}",
                                         "tz": "Europe/London", "is_bot": False}}
        if method == "files.getUploadURLExternal":
            file_id = f"F{next(self._file_ids):08d}"
            return {"ok": True, "file_id": file_id, "upload_url": f"{self.base_url}/upload/{file_id}"}
        if method == "files.completeUploadExternal":
            files = args.get("files")
            files = json.loads(files) if isinstance(files, str) else files or []
            return {"ok": True, "files": [{"id": f["id"], "title": f.get("title")} for f in files]}
        if method == "files.info":
            return {"ok": True, "file": {"id": args.get("file"), "mimetype": "image/png"}}
        if method == "apps.connections.open":
            if not self.socket_url:
                return {"ok": False, "error": "socket_mode_not_started_in_test"}
            return {"ok": True, "url": self.socket_url}
        if method in ("reactions.add", "assistant.threads.setStatus", "assistant.threads.setSuggestedPrompts",
                      "assistant.threads.setTitle"):
            return {"ok": True}
        return {"ok": False, "error": "unknown_method"}

    def _thread_messages(self, args: dict[str, Any]) -> list[dict[str, Any]]:
        """The bot's messages in a thread as they stand now: chat.update replaces text and, when it carries
        some, metadata (Slack keeps a message's metadata otherwise)."""
        channel, thread = args.get("channel"), args.get("ts")
        messages: dict[str, dict[str, Any]] = {}
        for call in list(self.calls):
            if call.status != 200 or call.args.get("channel") != channel:
                continue
            if call.method == "chat.postMessage" and call.args.get("thread_ts") == thread:
                messages[call.response["ts"]] = {"ts": call.response["ts"], "text": call.args.get("text"),
                                                 "thread_ts": thread, "bot_id": BOT_ID,
                                                 "metadata": _json(call.args.get("metadata"))}
            elif call.method == "chat.update" and call.args.get("ts") in messages:
                message = messages[call.args["ts"]]
                message["text"] = call.args.get("text")
                if call.args.get("metadata"):
                    message["metadata"] = _json(call.args["metadata"])
        wanted = str(args.get("include_all_metadata")).lower() in ("1", "true")
        return [m if wanted else {k: v for k, v in m.items() if k != "metadata"} for m in messages.values()]

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        standin = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:  # keep test output quiet
                pass

            def _send(self, status: int, body: bytes, content_type: str = "application/json",
                      headers: dict[str, str] | None = None) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:  # a user's uploaded photo, or a Web API method called with GET
                if self.path.startswith("/api/"):
                    method, _, query = self.path[len("/api/"):].partition("?")
                    args = {key: values[-1] for key, values in parse_qs(query).items()}
                    answer = standin.answer(method, args)
                    standin._record(Call(method, args, dict(self.headers), 200, response=answer))
                    self._send(200, json.dumps(answer).encode())
                    return
                if self.path.startswith("/files/"):
                    file_id = self.path.rsplit("/", 1)[-1]
                    if file_id in standin.redirects:
                        standin._record(Call("download", {"file": file_id}, dict(self.headers), 302))
                        self._send(302, b"", "text/plain", headers={"Location": standin.redirects[file_id]})
                        return
                    data = standin.files.get(file_id)
                    standin._record(Call("download", {"file": file_id}, dict(self.headers), 200 if data else 404))
                    if data is None:
                        self._send(404, b"not found", "text/plain")
                    else:
                        self._send(200, data, "application/octet-stream")
                    return
                self._send(404, b"not found", "text/plain")

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                if self.path.startswith("/upload/"):
                    file_id = self.path.rsplit("/", 1)[-1]
                    standin.files[file_id] = raw
                    standin._record(Call("upload", {"file_id": file_id, "bytes": len(raw)}, dict(self.headers),
                                         body=raw))
                    self._send(200, f"OK - {len(raw)}".encode(), "text/plain")
                    return
                if not self.path.startswith("/api/"):
                    self._send(404, b"not found", "text/plain")
                    return
                method = self.path[len("/api/"):].split("?", 1)[0]
                args = _parse_args(raw, self.headers.get("Content-Type", ""))
                with standin._lock:
                    held = standin._holds.get(method)
                if held is not None:  # recorded (status 0), then answered only once released
                    standin._record(Call(method, args, dict(self.headers), 0))
                    if not held.wait(120) or id(held) in standin._dropped:
                        self.close_connection = True
                        return
                failure = standin._take_failure(method)
                if failure is not None and failure.error is None:
                    standin._record(Call(method, args, dict(self.headers), failure.status))
                    headers = {"Retry-After": str(failure.retry_after)} if failure.retry_after is not None else {}
                    body = json.dumps({"ok": False, "error": "ratelimited" if failure.status == 429
                                       else "internal_error"}).encode()
                    self._send(failure.status, body, headers=headers)
                    return
                answer = ({"ok": False, "error": failure.error} if failure is not None
                          else standin.answer(method, args))
                standin._record(Call(method, args, dict(self.headers), 200, response=answer))
                self._send(200, json.dumps(answer).encode())

        return Handler


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) and value[:1] in "[{" else value


def _parse_args(raw: bytes, content_type: str) -> dict[str, Any]:
    if not raw:
        return {}
    text = raw.decode("utf-8", errors="replace")
    if "json" in content_type:
        return json.loads(text)
    parsed = {key: values[-1] for key, values in parse_qs(text, keep_blank_values=True).items()}
    for key in ("blocks", "files", "chunks", "prompts"):
        value = parsed.get(key)
        if isinstance(value, str) and value[:1] in "[{":
            parsed[key] = json.loads(value)
    return parsed
