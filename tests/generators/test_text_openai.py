"""The OpenAI-compatible HTTP backend against a local stand-in server."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from copydesk.errors import ModelError
from copydesk.settings import Settings
from generators.text import ChatMessage, TextGenerator, load_text_generator
from generators.text.factory import clear_cache
from generators.text.openai_server import OpenAICompatibleGenerator

MESSAGES = [ChatMessage("system", "Be brief."), ChatMessage("user", "Title for a 27 inch monitor")]


class StandIn(BaseHTTPRequestHandler):
    """Answers /v1/chat/completions with choice i = "candidate i: <seed> END more", logprobs included."""

    requests: list[dict] = []

    def log_message(self, *args) -> None:  # keep pytest output clean
        pass

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        StandIn.requests.append({"path": self.path, "auth": self.headers.get("Authorization"), "body": body})
        if body["model"] == "broken":
            self._send(500, "application/json", b'{"error": "model crashed"}')
            return
        texts = [f"candidate {i}: {body.get('seed')} END more" for i in range(body["n"])]
        if body["stream"]:
            self._stream(texts)
            return
        choices = [
            {"index": i, "message": {"role": "assistant", "content": text}, "finish_reason": "length",
             "logprobs": {"content": [{"token": "t", "logprob": -0.5}, {"token": "u", "logprob": -1.5}]}}
            for i, text in enumerate(texts)
        ]
        self._send(200, "application/json", json.dumps({"choices": choices}).encode())

    def _stream(self, texts: list[str]) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        for piece in range(0, 30, 6):  # interleave the choices, a few characters at a time
            for i, text in enumerate(texts):
                if text[piece : piece + 6]:
                    chunk = {"choices": [{"index": i, "delta": {"content": text[piece : piece + 6]}, "finish_reason": None}]}
                    self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
        for i in range(len(texts)):
            chunk = {"choices": [{"index": i, "delta": {}, "finish_reason": "stop"}]}
            self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
        self.wfile.write(b"data: [DONE]\n\n")

    def _send(self, status: int, kind: str, payload: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), StandIn)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture
def generator(server: str, tmp_path: Path) -> Iterator[TextGenerator]:
    clear_cache()
    StandIn.requests.clear()
    settings = Settings(home=tmp_path, llm_api_base=server + "/v1", llm_api_key="sk-test-123", llm_api_model="big-model",
                        _env_file=None)
    yield load_text_generator(settings)
    clear_cache()


def test_factory_builds_the_http_backend(generator: TextGenerator) -> None:
    assert isinstance(generator, OpenAICompatibleGenerator) and isinstance(generator, TextGenerator)


def test_sends_n_stop_seed_and_reads_every_choice(generator: TextGenerator) -> None:
    results = generator.generate(MESSAGES, n=3, max_new_tokens=20, temperature=0.5, seed=9, stop=[" END"])
    [request] = StandIn.requests
    assert request["path"] == "/v1/chat/completions" and request["auth"] == "Bearer sk-test-123"
    body = request["body"]
    assert body["model"] == "big-model" and body["n"] == 3 and body["seed"] == 9 and body["stop"] == [" END"]
    assert body["max_tokens"] == 20 and body["temperature"] == 0.5 and body["stream"] is False
    assert body["messages"] == [{"role": "system", "content": "Be brief."},
                                {"role": "user", "content": "Title for a 27 inch monitor"}]
    # the stand-in ignores stop; the backend still cuts at it, and the cut text ended on a stop
    assert [r.text for r in results] == [f"candidate {i}: 9" for i in range(3)]
    assert all(r.finish_reason == "stop" and r.tokens == 2 and r.mean_logprob == pytest.approx(-1.0) for r in results)


def test_length_finish_without_a_stop(generator: TextGenerator) -> None:
    [result] = generator.generate(MESSAGES, seed=1)
    assert result.text == "candidate 0: 1 END more" and result.finish_reason == "length"


def test_streams_every_candidate(generator: TextGenerator) -> None:
    events: list[tuple[int, str]] = []
    results = generator.generate(MESSAGES, n=2, seed=4, on_text=lambda i, d: events.append((i, d)))
    assert StandIn.requests[0]["body"]["stream"] is True
    for index, result in enumerate(results):
        assert result.text == f"candidate {index}: 4 END more"
        assert "".join(d for i, d in events if i == index) == result.text
    assert events[0][0] == 0 and events[1][0] == 1  # interleaved as the server sent them


def test_server_errors_are_model_errors_without_the_body(server: str) -> None:
    broken = OpenAICompatibleGenerator(server, model="broken", max_retries=0)
    with pytest.raises(ModelError, match="answered 500") as raised:
        broken.generate(MESSAGES)
    assert "model crashed" not in str(raised.value)  # the upstream body goes to the log, not to users
    unreachable = OpenAICompatibleGenerator("http://127.0.0.1:9", model="x", timeout_s=2, max_retries=0)
    with pytest.raises(ModelError, match="did not answer"):
        unreachable.generate(MESSAGES)


def test_retries_a_failing_server_before_giving_up(server: str) -> None:
    StandIn.requests.clear()
    with pytest.raises(ModelError):
        OpenAICompatibleGenerator(server, model="broken", max_retries=1).generate(MESSAGES)
    assert len(StandIn.requests) == 2  # the SDK's retry with backoff, then the error


def test_credentials_in_the_server_url_never_reach_a_message(caplog) -> None:
    leaky = OpenAICompatibleGenerator("http://llmuser:LLMPASSWORD@127.0.0.1:9/v1", model="x", api_key="sk-secret-key-42",
                                      timeout_s=2, max_retries=0)
    with pytest.raises(ModelError) as raised:
        leaky.generate(MESSAGES)
    shown = str(raised.value) + leaky.name + caplog.text
    assert "LLMPASSWORD" not in shown and "llmuser" not in shown and "sk-secret-key-42" not in shown
    assert "127.0.0.1:9" in str(raised.value)


def test_score_is_not_offered_by_the_chat_api(generator: TextGenerator) -> None:
    with pytest.raises(ModelError, match="cannot score"):
        generator.score(MESSAGES, "text")
