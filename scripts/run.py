"""What `make run` runs.

1. On first start (an empty catalog), ingest the sample catalog and brand guides from examples/.
2. With SLACK_BOT_TOKEN set: the Slack bot over Socket Mode (which also needs SLACK_APP_TOKEN; without it,
   say what is missing and how to serve HTTP instead). Without SLACK_BOT_TOKEN: `copydesk chat`.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from copydesk.errors import CopydeskError  # noqa: E402
from copydesk.paths import EXAMPLES_DIR  # noqa: E402
from copydesk.settings import Settings  # noqa: E402


def ensure_sample_catalog(services, examples: Path = EXAMPLES_DIR) -> None:  # noqa: ANN001 - Services
    """Ingest examples/catalog and examples/brands when the store is empty (first start only)."""
    from retrieval.samples import ingest_examples, sample_product_files

    catalog = services.catalog
    if catalog.count() > 0:
        return
    files = sample_product_files(examples)
    if not files:
        print("The catalog is empty and examples/catalog has no sample files; "
              "load yours with `copydesk ingest products FILE`.")
        return
    print(f"First start: loading the sample catalog ({', '.join(p.name for p in files)}); this takes a minute.")
    for report in ingest_examples(catalog, progress=True, examples=examples):
        print(report.summary())


def start(settings: Settings, services, *, read=input) -> int:  # noqa: ANN001 - Services, imported lazily
    """Sample catalog on first start, then the Slack bot or the terminal chat. Returns the exit code."""
    ensure_sample_catalog(services)
    if settings.slack_bot_token is None:
        print("SLACK_BOT_TOKEN is not set: starting `copydesk chat` in the terminal instead of the Slack bot.\n"
              "(To connect Slack, see README \"Connect to Slack\".)\n")
        from bot.chat import TerminalChat

        TerminalChat(services).run(read=read)
        return 0
    if settings.slack_app_token is None:
        print("SLACK_BOT_TOKEN is set but SLACK_APP_TOKEN is not. Socket Mode needs an app-level token "
              "(Basic Information > App-Level Tokens, scope connections:write): export SLACK_APP_TOKEN=xapp-... "
              "Or serve HTTP with SLACK_SIGNING_SECRET set: `.venv/bin/copydesk serve --http --port 3000`.",
              file=sys.stderr)
        return 2
    from bot.slack.runner import serve_socket_mode

    serve_socket_mode(settings, services)
    return 0


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    from bot.services import Services

    try:
        settings = Settings()
        return start(settings, Services(settings))
    except CopydeskError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
