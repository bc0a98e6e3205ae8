"""Replies -> Slack Block Kit messages, within Slack's limits (3,000 characters a section text, 50 blocks a
message, 75 characters a button label). The only module of the engine that knows Block Kit's shape."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.engine.replies import (
    ACTION_APPROVE, ACTION_BULK_APPROVE, ACTION_IMAGE, ACTION_IMAGE_ANOTHER, ACTION_IMAGE_APPROVE,
    ACTION_IMAGE_VARIATION, ACTION_PICK, ACTION_REGENERATE, ACTION_SHORTER, ACTION_VARIANT, BulkDoneReply, BulkReply,
    CheckReply, ChoiceReply, DraftReply, ErrorReply, ExportReply, FactsReply, ImageReply, InfoReply, Reply,
)
from bot.engine.text import bulk_done_text, bulk_started_text
from bot.engine.text import check_lines, check_summary, split_text

SECTION_LIMIT = 3000
BLOCKS_PER_MESSAGE = 50
CONTEXT_ELEMENTS = 10
BUTTON_LABEL = 75
Block = dict[str, Any]


@dataclass
class SlackMessage:
    text: str  # the notification / fallback text
    blocks: list[Block] = field(default_factory=list)
    draft_ref: tuple[str, int] | None = None  # the draft this message shows (for reactions -> feedback)


@dataclass
class SlackUpload:
    content: bytes
    filename: str
    title: str
    alt_text: str
    initial_comment: str


def render(reply: Reply) -> list[SlackMessage | SlackUpload]:
    if isinstance(reply, DraftReply):
        return _draft(reply)
    if isinstance(reply, ChoiceReply):
        return _choice(reply)
    if isinstance(reply, FactsReply):
        lines = "\n".join(f"*{f.id}* {f.name}: {f.value}" for f in reply.facts)
        return _paginate(f"Facts for {reply.product.sku}",
                         [_header(f"Facts for {reply.product.sku}"), *_sections(lines)])
    if isinstance(reply, CheckReply):
        return _check(reply)
    if isinstance(reply, ImageReply):
        return _image(reply)
    if isinstance(reply, ExportReply):
        comment = f"Exported {reply.count} approved draft(s) as {reply.fmt.upper()} CSV."
        if reply.count == 0:
            return _paginate(comment, _sections(comment + " Approve a draft first (the Approve button)."))
        return [SlackUpload(reply.path.read_bytes(), reply.path.name, reply.path.name, comment, comment)]
    if isinstance(reply, BulkReply):
        text = bulk_started_text(reply)
        return _paginate(text, _sections(f":package: {text}"))
    if isinstance(reply, BulkDoneReply):
        return _bulk_done(reply)
    if isinstance(reply, InfoReply):
        blocks = ([_header(reply.title)] if reply.title else []) + _sections(reply.text)
        return _paginate(reply.title or reply.text[:150], blocks)
    if isinstance(reply, ErrorReply):
        text = f":warning: {reply.message}" + (f" {reply.hint}" if reply.hint else "")
        blocks = _sections(text) + [_context([f"Reference: `{reply.ref}`"])]
        return _paginate(f"{reply.message} ({reply.ref})", blocks)
    raise TypeError(f"no Block Kit renderer for {type(reply).__name__}")


# --- drafts --------------------------------------------------------------------------------
def _draft(reply: DraftReply) -> list[SlackMessage | SlackUpload]:
    draft = reply.draft
    blocks: list[Block] = [_header(reply.heading or f"Draft {draft.draft_id} v{draft.version}")]
    if reply.status:  # polishing progress, kept above the copy so the message says at once what it is
        blocks.append(_context([f":sparkles: {reply.status}"]))
    blocks += _sections(f"*Title*\n{draft.title}")
    if draft.bullets:
        blocks += _sections("*Bullets*\n" + "\n".join(f"• {b}" for b in draft.bullets))
    if draft.description:
        blocks += _sections(f"*Description*\n{draft.description}")
    if draft.meta_description:
        blocks += _sections(f"*Meta description*\n{draft.meta_description}")
    used = [f for f in reply.facts if f.id in set(draft.facts_used)] or []
    facts = ", ".join(f"{f.id} {f.name}: {_short(f.value, 60)}" for f in used) or "none cited"
    context = [f"*Facts used* · SKU `{draft.sku}` · brand {draft.brand or 'none'} · {draft.channel}", facts]
    if draft.dropped_claims:
        context.append("*Removed (not supported by the catalog):* "
                       + "; ".join(f"“{_short(c.text, 80)}” ({c.reason or c.kind})" for c in draft.dropped_claims))
    if draft.repairs:
        context.append("*Changed by the rules:* " + "; ".join(draft.repairs))
    if draft.violations:
        context.append("*Style issues left:* " + "; ".join(draft.violations))
    if reply.notes:
        context.append("*Notes:* " + "; ".join(reply.notes))
    context.append(f"origin {draft.origin} · scores grounding {draft.scores.grounding:.2f}, "
                   f"total {draft.scores.total:.2f}")
    blocks += _contexts(context)
    value = f"{draft.draft_id}:{draft.version}"
    buttons = [_button("Regenerate", ACTION_REGENERATE, value), _button("Shorter", ACTION_SHORTER, value),
               _button("Another variant", ACTION_VARIANT, value),
               _button("Approve", ACTION_APPROVE, value, style="primary"), _button("Image", ACTION_IMAGE, value)]
    blocks.append({"type": "actions", "block_id": f"draft:{value}", "elements": buttons})
    messages = _paginate(f"Draft {draft.draft_id} v{draft.version}: {draft.title}", blocks)
    for message in messages:
        if isinstance(message, SlackMessage):
            message.draft_ref = (draft.draft_id or "", draft.version)
    return messages


def _bulk_done(reply: BulkDoneReply) -> list[SlackMessage | SlackUpload]:
    """The result file into the thread, then the summary with "approve all clean drafts"."""
    summary = bulk_done_text(reply)
    upload = SlackUpload(reply.path.read_bytes(), reply.path.name, f"Bulk job {reply.job_id}",
                         f"Drafts of bulk job {reply.job_id} (CSV)", escape(summary)[:3900])
    blocks = _sections(summary)
    if reply.clean:
        blocks.append({"type": "actions", "block_id": f"bulk:{reply.job_id}", "elements": [
            _button(f"Approve all {reply.clean} clean drafts", ACTION_BULK_APPROVE, reply.job_id, style="primary")]})
    blocks.append(_context(["Type a SKU in this thread to open its draft (then `shorter`, `approve`, ...)."]))
    return [upload, *_paginate(f"Bulk job {reply.job_id}: {reply.drafted} of {reply.total} drafted", blocks)]


def _choice(reply: ChoiceReply) -> list[SlackMessage | SlackUpload]:
    lines = "\n".join(f"• `{m.product.sku}` {m.product.title} _(matched on {m.matched_on})_"
                      for m in reply.candidates)
    blocks = _sections(f"{reply.message}\n{lines}")
    buttons = [_button(f"{m.product.sku}: {m.product.title}", ACTION_PICK, m.product.sku)
               for m in reply.candidates[:5]]
    if buttons:
        blocks.append({"type": "actions", "block_id": f"pick:{reply.then}", "elements": buttons})
    return _paginate(reply.message, blocks)


def _check(reply: CheckReply) -> list[SlackMessage | SlackUpload]:
    """One section per sentence (its verdict), its claims in a context line under it."""
    blocks = [_header(f"Check of {reply.check.product.sku}"), *_sections(check_summary(reply.check))]
    for supported, sentence, claims in check_lines(reply.check):
        blocks += _sections(f"{':white_check_mark:' if supported else ':x:'} {sentence}")
        blocks += _contexts(claims) if claims else []
    return _paginate(check_summary(reply.check), blocks)


def _image(reply: ImageReply) -> list[SlackMessage | SlackUpload]:
    comment = (f"*{reply.sku}* · {reply.width}×{reply.height}, {reply.steps} steps, seed {reply.seed} "
               f"({reply.mode})\n*Prompt:* {reply.prompt}\n*Negative prompt:* {reply.negative_prompt or 'none'}")
    upload = SlackUpload(reply.png, reply.filename, f"{reply.sku} (seed {reply.seed})", reply.alt_text[:1000],
                         escape(comment)[:3900])
    value = f"{reply.sku}:{reply.seed}"
    buttons = [_button("Another", ACTION_IMAGE_ANOTHER, value), _button("Variation", ACTION_IMAGE_VARIATION, value),
               _button("Approve", ACTION_IMAGE_APPROVE, value, style="primary")]
    follow = SlackMessage(escape(f"Image of {reply.sku} (seed {reply.seed})"),
                          [_context([f"Image of `{reply.sku}`, seed {reply.seed}. Another, a variation, or approve?"]),
                           {"type": "actions", "block_id": f"image:{value}", "elements": buttons}])
    return [upload, follow]


# --- building blocks ------------------------------------------------------------------------
def _header(text: str) -> Block:
    return {"type": "header", "text": {"type": "plain_text", "text": _short(text, 150), "emoji": True}}


def escape(text: str) -> str:
    """Slack's three control characters as entities, so that no text a person or a catalog wrote becomes a
    broadcast (<!here>, <!channel>), a mention (<@U…>) or a link. The renderer's own formatting (*bold*, `code`,
    :emoji:) needs none of them, so every mrkdwn text here is escaped whole."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _sections(text: str) -> list[Block]:
    return [{"type": "section", "text": {"type": "mrkdwn", "text": part}}
            for part in split_text(escape(text), SECTION_LIMIT)]


def _contexts(texts: list[str]) -> list[Block]:
    elements = [part for text in texts for part in split_text(escape(text), SECTION_LIMIT)]
    return [_escaped_context(elements[i:i + CONTEXT_ELEMENTS]) for i in range(0, len(elements), CONTEXT_ELEMENTS)]


def _context(texts: list[str]) -> Block:
    return _escaped_context([escape(t) for t in texts])


def _escaped_context(texts: list[str]) -> Block:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": t} for t in texts]}


def _button(label: str, action_id: str, value: str, style: str | None = None) -> Block:
    button: Block = {"type": "button", "action_id": action_id, "value": value[:2000],
                     "text": {"type": "plain_text", "text": _short(label, BUTTON_LABEL), "emoji": True}}
    if action_id == ACTION_PICK:  # several pick buttons in one block need distinct action ids
        button["action_id"] = f"{ACTION_PICK}:{value[:200]}"
    if style:
        button["style"] = style
    return button


def _paginate(text: str, blocks: list[Block]) -> list[SlackMessage | SlackUpload]:
    """Split into messages of at most 50 blocks each; the fallback text goes on every one."""
    pages = [blocks[i:i + BLOCKS_PER_MESSAGE] for i in range(0, len(blocks), BLOCKS_PER_MESSAGE)] or [[]]
    return [SlackMessage(_short(escape(text), 3000), page) for page in pages]


def _short(text: str, limit: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
