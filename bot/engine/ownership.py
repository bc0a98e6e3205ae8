"""Whose draft is it: a draft belongs to the conversation thread that first showed it (BotState.own_draft), so
a button pressed, or an `edit:` written, anywhere else (a message shared into another channel, another
thread) is refused. And an edit becomes training data only when the verifier finds every claim in it in the
catalog; otherwise it is kept as feedback, marked with the reason, and left out of training.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from chains.grounding import check_copy
from copydesk.errors import InputError
from copydesk.state.threads import BotState
from retrieval.facts import facts_for

if TYPE_CHECKING:
    from copydesk.domain import Product
    from copydesk.state.bulk import BulkStore
    from copydesk.state.drafts import DraftStore

UNSUPPORTED_SHOWN = 5  # unsupported claims named in the reason (the rest are counted)


def check_owner(state: BotState, drafts: DraftStore, draft_id: str, thread_key: str, channel_id: str | None) -> None:
    """InputError unless `thread_key` may act on the draft. A draft no thread has shown yet (made before drafts
    had owners, or by the CLI) goes to the first thread of the channel it was made for."""
    owner = state.draft_owner(draft_id)
    if owner is None:
        _, made_in = drafts.requester(draft_id)
        if made_in is not None and made_in == channel_id:
            owner = state.own_draft(draft_id, thread_key)
    if owner != thread_key:
        raise InputError(f"Draft {draft_id} belongs to another conversation, so copydesk will not act on it here.",
                         hint="Ask for a draft in this thread (e.g. `draft SKU-123`); buttons and edits work in "
                              "the thread the draft was made in.")


def check_bulk_owner(bulk: BulkStore, job_id: str, thread_key: str) -> None:
    job = bulk.get(job_id)
    if job.thread_key != thread_key:
        raise InputError(f"Bulk job {job_id} belongs to another conversation, so copydesk will not approve it here.",
                         hint="Press the button in the bulk job's own thread.")


def edit_exclusion(product: Product, text: str) -> str | None:
    """Why an edit must stay out of training data (claims the catalog does not support), or None."""
    check = check_copy(product, facts_for(product, include_description=False), text)
    if not check.unsupported:
        return None
    claims = [c for s in check.unsupported for c in s.claims if not c.supported]
    named = "; ".join(f"“{c.text[:80]}” ({c.reason or 'no fact states it'})" for c in claims[:UNSUPPORTED_SHOWN])
    more = f" and {len(claims) - UNSUPPORTED_SHOWN} more" if len(claims) > UNSUPPORTED_SHOWN else ""
    sentences = f"{len(check.unsupported)} of {len(check.sentences)} sentences"
    return f"{sentences} make claims the catalog does not support: {named or 'see `check:`'}{more}"
