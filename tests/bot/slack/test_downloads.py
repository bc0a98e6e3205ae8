"""Attachments are fetched only from Slack's file hosts (here: the stand-in, which is SLACK_API_URL's origin),
and the bot token reaches no other host: not a URL planted in an event, not across a redirect, and a
file:// URL is refused with the same words whether or not the file exists."""

from __future__ import annotations

import pytest

from bot.slack.files import SlackFiles
from copydesk.errors import InputError
from tests.bot.conftest import said_in_thread
from tests.slack_standin import SlackStandIn

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
TOKEN = "xoxb-test-token"


@pytest.fixture
def elsewhere():
    """Another local server (another origin): it must never see the token, nor, mostly, any request."""
    with SlackStandIn() as other:
        yield other


def _files(slack: SlackStandIn) -> SlackFiles:
    return SlackFiles(TOKEN, slack.api_url, max_bytes=1024 * 1024)


def _refusal(files: SlackFiles, url: str) -> str:
    with pytest.raises(InputError) as raised:
        files.fetch({"name": "photo.png", "url_private_download": url})
    return str(raised.value)


@pytest.mark.parametrize(("url", "allowed"), [
    ("https://files.slack.com/files-pri/T1-F1/photo.png", True),
    ("https://acme.slack.com/files/U1/F1/photo.png", True),
    ("https://files-edu.slack-files.com/x", True),
    ("https://slack-files.com/T1-F1-abc", True),
    ("http://files.slack.com/files-pri/T1-F1/photo.png", False),  # not over https
    ("https://files.slack.com.evil.example/x", False),
    ("https://evilslack.com/x", False),
    ("https://slack.com.evil.example/x", False),
    ("https://user:pass@files.slack.com/x", False),
    ("https://files.slack.com@evil.example/x", False),
    ("ftp://files.slack.com/x", False),
    ("file:///etc/passwd", False),
    ("gopher://files.slack.com/x", False),
    ("javascript:alert(1)", False),
    ("//files.slack.com/x", False),
    ("https://[::1/x", False),
    ("", False),
])
def test_only_slack_file_hosts_over_https_are_allowed(slack, url, allowed):
    assert _files(slack).allowed(url) is allowed


def test_a_planted_url_elsewhere_gets_no_request_and_no_token(slack, elsewhere):
    planted = elsewhere.add_file(PNG)
    message = _refusal(_files(slack), planted["url_private_download"])
    assert "only fetches attachments from Slack's own file servers" in message
    assert elsewhere.calls == []


def test_file_urls_are_refused_alike_whether_or_not_the_file_exists(slack, tmp_path):
    present = tmp_path / "present.png"
    present.write_bytes(PNG)
    files = _files(slack)
    assert _refusal(files, present.as_uri()) == _refusal(files, (tmp_path / "absent.png").as_uri())


def test_a_redirect_to_another_host_is_refused_before_it_is_followed(slack, elsewhere):
    target = elsewhere.add_file(PNG)
    slack.redirects["FHOP"] = target["url_private_download"]
    message = _refusal(_files(slack), f"{slack.base_url}/files/FHOP")
    assert "Slack's own file servers" in message
    assert [c.method for c in slack.calls] == ["download"]  # the first hop, with the token, at Slack
    assert slack.calls[0].headers.get("Authorization") == f"Bearer {TOKEN}"
    assert elsewhere.calls == []


def test_a_redirect_within_slack_keeps_the_token_and_one_across_origins_drops_it(slack, elsewhere, monkeypatch):
    inside = slack.add_file(PNG)
    slack.redirects["FSAME"] = inside["url_private_download"]
    assert _files(slack).fetch({"name": "a.png", "url_private": f"{slack.base_url}/files/FSAME"}) == PNG
    assert all(c.headers.get("Authorization") == f"Bearer {TOKEN}" for c in slack.calls)

    # another origin that is allowed (standing in for a second Slack file host): followed, without the token
    files = _files(slack)
    monkeypatch.setattr(files, "allowed", lambda url: True)
    slack.redirects["FCROSS"] = elsewhere.add_file(PNG)["url_private_download"]
    assert files.fetch({"name": "b.png", "url_private": f"{slack.base_url}/files/FCROSS"}) == PNG
    [fetched] = elsewhere.calls
    assert "Authorization" not in fetched.headers and TOKEN not in str(fetched.headers)


def test_a_mention_with_a_planted_attachment_is_told_why_and_the_token_stays_home(http_bot, elsewhere):
    planted = elsewhere.add_file(PNG, name="shot.png")
    _, ts = http_bot.sender.mention("image of this on a beach", files=[planted])
    http_bot.slack.wait_for(lambda calls: any("shot.png cannot be downloaded" in s
                                              for s in said_in_thread(calls, "C0TEST", ts)), 60)
    http_bot.wait_idle()
    assert elsewhere.calls == []
    assert all("xoxb-test-token" not in str(c.headers) for c in elsewhere.calls)
