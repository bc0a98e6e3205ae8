"""Every failure becomes a visible reply with a short reference id, logged under the same id."""

from __future__ import annotations

import logging
import secrets

from bot.engine.replies import ErrorReply
from copydesk.errors import CopydeskError

log = logging.getLogger("copydesk.bot")


def new_ref() -> str:
    return "ref-" + secrets.token_hex(3)


def error_reply(error: BaseException, *, context: str = "") -> ErrorReply:
    """A CopydeskError says what to do; anything else is a bug, logged with its traceback."""
    ref = new_ref()
    if isinstance(error, CopydeskError):
        log.warning("%s %s: %s", ref, context, error)
        return ErrorReply(message=error.message, hint=error.hint, ref=ref)
    log.error("%s %s: unexpected %s", ref, context, type(error).__name__, exc_info=error)
    return ErrorReply(
        message=f"Something went wrong on copydesk's side ({type(error).__name__}).",
        hint="Try again; if it keeps failing, give this reference to whoever runs copydesk.",
        ref=ref,
        internal=True,
    )
