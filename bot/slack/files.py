"""Downloading what people attach in Slack (`files[].url_private_download`), with the bot token: photos and
lists of SKUs, checked for type and size before anything decodes them.

The URL comes from the event, so it is not trusted: the token goes only to Slack's file servers over https
(files.slack.com, *.slack.com, slack-files.com and its subdomains) or to the configured Web API's own
origin (SLACK_API_URL: the token is sent there anyway), any other scheme or host is refused before anything
is opened (the same message whether or not such a file exists), and redirects are followed by hand: each hop
must be such a host too, and the token stays behind once the origin changes.
urllib follows redirects on its own and keeps the header across hosts, hence the hand-written loop.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from typing import Any
from urllib.parse import urljoin, urlsplit

from bot.engine import UploadedFile
from bot.engine.bulk import LIST_TYPES
from copydesk.errors import InputError, ServiceUnavailableError

IMAGE_TYPES = {"image/png": b"\x89PNG", "image/jpeg": b"\xff\xd8", "image/webp": b"RIFF"}  # and their first bytes

SLACK_FILE_HOSTS = ("files.slack.com", "slack-files.com")
SLACK_FILE_DOMAINS = (".slack.com", ".slack-files.com")
MAX_REDIRECTS = 3
REDIRECTS = (301, 302, 303, 307, 308)
Origin = tuple[str, str, int]


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:  # a 3xx comes back as an HTTPError
        return None


class SlackFiles:
    """`SlackFiles(token, api_url, max_bytes).fetch(file)`: the bytes of one file object of an event."""

    def __init__(self, token: str, api_url: str, max_bytes: int, timeout_s: float = 30.0) -> None:
        self.token = token
        self.api_origin = _origin(api_url)
        self.max_bytes = max_bytes
        self.timeout_s = timeout_s
        self._opener = urllib.request.build_opener(_NoRedirects())

    def allowed(self, url: str) -> bool:
        """Whether copydesk may fetch `url` at all (the token goes only to the first hop's origin)."""
        origin = _origin(url)
        if origin is None:
            return False
        if origin == self.api_origin:
            return True
        scheme, host, _ = origin
        return scheme == "https" and (host in SLACK_FILE_HOSTS or host.endswith(SLACK_FILE_DOMAINS))

    def attachments(self, files: list[dict[str, Any]]) -> list[UploadedFile]:
        """Photos (and lists of SKUs for bulk jobs) attached to a message, checked for type and size before
        any decoding; other files are left alone."""
        found: list[UploadedFile] = []
        for file in files:
            mimetype, name = str(file.get("mimetype", "")), str(file.get("name") or "photo")
            if mimetype not in IMAGE_TYPES and mimetype not in LIST_TYPES:
                continue
            try:
                size = int(file.get("size") or 0)
            except (TypeError, ValueError):
                size = 0  # the download below is capped all the same
            if size > self.max_bytes:
                raise InputError(f"{name} is larger than {self.max_bytes} bytes.",
                                 hint="Upload a smaller photo (or raise COPYDESK_UPLOAD_MAX_BYTES).")
            content = self.fetch(file)
            if len(content) > self.max_bytes:
                raise InputError(f"{name} is larger than {self.max_bytes} bytes.")
            if mimetype in IMAGE_TYPES and not content.startswith(IMAGE_TYPES[mimetype]):
                raise InputError(f"{name} is not a {mimetype} file.", hint="Upload a PNG, JPEG or WebP.")
            found.append(UploadedFile(name, mimetype, content))
        return found

    def fetch(self, file: dict[str, Any]) -> bytes:
        name = str(file.get("name") or "the attached file")
        url = str(file.get("url_private_download") or file.get("url_private") or "")
        first = _origin(url)
        for _ in range(MAX_REDIRECTS + 1):
            if not self.allowed(url):
                raise InputError(f"{name} cannot be downloaded: copydesk only fetches attachments from Slack's own "
                                 "file servers over https.",
                                 hint="Attach the file in Slack itself (drag it into the message).")
            headers = {"Authorization": f"Bearer {self.token}"} if _origin(url) == first else {}
            try:
                with self._opener.open(urllib.request.Request(url, headers=headers), timeout=self.timeout_s) as response:
                    return response.read(self.max_bytes + 1)
            except urllib.error.HTTPError as error:
                location = error.headers.get("Location") if error.code in REDIRECTS else None
                error.close()
                if not location:
                    raise InputError(f"Slack did not hand over {name} (HTTP {error.code}).",
                                     hint="Upload it again; if it keeps failing, check that the app has the "
                                          "files:read scope.") from None
                url = urljoin(url, location)
            except (urllib.error.URLError, OSError) as error:
                raise ServiceUnavailableError(f"Could not download {name} from Slack ({type(error).__name__}).",
                                              hint="Try again in a minute.") from None
        raise InputError(f"{name} could not be downloaded: Slack redirected it more than {MAX_REDIRECTS} times.",
                         hint="Upload it again.")


def _origin(url: str) -> Origin | None:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    scheme, host = parts.scheme.lower(), (parts.hostname or "").lower()
    if scheme not in ("http", "https") or not host or parts.username or parts.password:
        return None
    return scheme, host, port or (443 if scheme == "https" else 80)
