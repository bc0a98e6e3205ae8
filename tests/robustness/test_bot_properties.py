"""Property tests for what the bot reads from Slack: the intent parser, the body check in front of Bolt, the
attachment URL check, and the Block Kit renderer. Whatever the input, no exception escapes, nothing a person
typed comes back as Slack markup, and the parser's time grows in step with the input (10,000 against 40,000
characters: Slack's longest message)."""

from __future__ import annotations

import io
import json
from collections.abc import Callable

import pytest
from hypothesis import given, strategies as st

from bot.engine.intents import clean, parse
from bot.engine.replies import ErrorReply, InfoReply
from bot.slack.blocks import render
from bot.slack.files import SlackFiles
from bot.slack.http_server import _read_checked
from tests.robustness.test_properties import ANY_CHAR, QUICK, best_of_three

# What Slack's markup and the parser's patterns are made of, and a few that catch the unwary.
SLACK = st.sampled_from(list("<>|@!#^&;:/. \n\t*_`~-1aZ") + ["<@U1>", "<!here>", "&lt;", "&amp;", "draft ",
                                                              "check ", "image of ", "for ", "use the ", "voice"])


def slack_text(parts: int) -> st.SearchStrategy[str]:
    return st.lists(SLACK, max_size=parts).map("".join)


KINDS = {"help", "brands", "export", "approve", "edit", "facts", "image", "draft", "refine", "settings", "pick",
         "check", "bulk", "cancel", "approve_all", "empty"}


@QUICK
@given(text=st.text(ANY_CHAR, max_size=400), has_draft=st.booleans())
def test_any_text_parses(text: str, has_draft: bool) -> None:
    assert parse(text, has_draft=has_draft, brands=["acme"]).kind in KINDS


@QUICK
@given(parts=st.lists(SLACK, max_size=120), has_draft=st.booleans())
def test_slack_shaped_text_parses_and_leaves_no_mention(parts: list[str], has_draft: bool) -> None:
    text = "".join(parts)
    intent = parse(text, has_draft=has_draft)
    assert intent.kind in KINDS
    assert "<@U1>" not in clean(text) and "<!here>" not in clean(text)


@QUICK
@given(text=st.text(ANY_CHAR, max_size=300) | slack_text(60))
def test_rendered_text_has_no_slack_markup(text: str) -> None:
    for reply in (InfoReply(text, title=text[:20] or None), ErrorReply(text, ref="ref-000000", hint=text)):
        for message in render(reply):
            shown = [message.text] + [e["text"] for b in message.blocks for e in _mrkdwn(b)]
            assert not [s for s in shown if "<" in s or ">" in s], shown


def _mrkdwn(block: dict) -> list[dict]:
    inner = [block["text"]] if isinstance(block.get("text"), dict) else []
    return [e for e in inner + block.get("elements", []) if isinstance(e, dict) and e.get("type") == "mrkdwn"]


@QUICK
@given(url=st.text(ANY_CHAR, max_size=200) | st.builds(lambda a, b: f"{a}://{b}", st.sampled_from(
    ["https", "http", "file", "ftp", "HTTPS", ""]), slack_text(20)))
def test_any_attachment_url_is_judged_without_an_error(url: str) -> None:
    files = SlackFiles("xoxb-x", "http://127.0.0.1:9/api/", 1024)
    if files.allowed(url):
        assert url.lower().startswith(("https://", "http://127.0.0.1:9/"))


@QUICK
@given(body=st.binary(max_size=600) | slack_text(100).map(str.encode),
       content_type=st.sampled_from(["application/json", "application/x-www-form-urlencoded", "text/plain", ""]))
def test_any_body_is_checked_without_an_error(body: bytes, content_type: str) -> None:
    environ = {"CONTENT_LENGTH": str(len(body)), "CONTENT_TYPE": content_type, "wsgi.input": io.BytesIO(body)}
    refused = _read_checked(environ)
    assert refused is None or refused[0] in (400, 413)
    assert environ["wsgi.input"].read() == body  # what Bolt reads next is the body, whole


@QUICK
@given(payload=st.recursive(st.none() | st.booleans() | st.integers() | slack_text(4),
                            lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
                                st.sampled_from(["event", "actions", "view", "type", "user", "channel", "team",
                                                 "message", "container", "authorizations", "payload"]), inner,
                                max_size=4), max_leaves=12))
def test_any_json_shape_is_checked_without_an_error(payload: object) -> None:
    for body in (json.dumps(payload).encode(), b"payload=" + json.dumps(payload).encode()):
        environ = {"CONTENT_LENGTH": str(len(body)), "CONTENT_TYPE": "application/json", "wsgi.input": io.BytesIO(body)}
        refused = _read_checked(environ)
        assert refused is None or refused[0] == 400


# (a hostile message of n characters): the patterns the parser runs over a whole message
HOSTILE: list[tuple[str, Callable[[int], str]]] = [
    ("a run of <", lambda n: "<" * n),
    ("tags that never close", lambda n: "<a" * (n // 2)),
    ("mentions with a label that never closes", lambda n: "<@U1|" * (n // 5)),
    ("links that never close", lambda n: "<http://" * (n // 8)),
    ("labels that never close", lambda n: "<a|" * (n // 3)),
    ("broadcasts that never close", lambda n: "<!here^" * (n // 7)),
    ("entities", lambda n: "&lt;" * (n // 4)),
    ("one long word", lambda n: "draft " + "a" * n),
    ("code characters", lambda n: "draft " + "a./-" * (n // 4)),
    ("many words", lambda n: "draft " + "x " * (n // 2)),
    ("prepositions", lambda n: "for " * (n // 4)),
    ("voice switches", lambda n: "use the " * (n // 8)),
    ("brand words", lambda n: "brand " * (n // 6)),
    ("scene words", lambda n: "image of " + "on " * (n // 3)),
    ("variants", lambda n: "5 variants " * (n // 11)),
    ("check colons", lambda n: "check " + "x:" * (n // 2)),
    ("SKU words", lambda n: "the sku " * (n // 8)),
]


@pytest.mark.parametrize(("name", "make"), HOSTILE, ids=[h[0] for h in HOSTILE])
def test_parsing_time_grows_linearly(name: str, make: Callable[[int], str]) -> None:
    def work(text: str) -> None:
        parse(text, has_draft=True)
        parse(text, has_draft=False)

    small_text, big_text = make(10_000), make(40_000)
    for _ in range(3):  # as in test_properties.py: linear is 4x, quadratic 16x; three tries for a busy machine
        small, big = best_of_three(work, small_text), best_of_three(work, big_text)
        if big < 10 * small + 0.005:
            return
    pytest.fail(f"{name}: {small * 1000:.1f} ms at 10k, {big * 1000:.1f} ms at 40k")
