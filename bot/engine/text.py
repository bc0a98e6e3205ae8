"""Replies -> terminal text (copydesk chat), and the text splitter both renderers share."""

from __future__ import annotations

import re

from chains.grounding import CopyCheck
from bot.engine.replies import (
    BulkDoneReply, BulkReply, CheckReply, ChoiceReply, DraftReply, ErrorReply, ExportReply, FactsReply, ImageReply,
    InfoReply, Reply,
)


def split_text(text: str, limit: int) -> list[str]:
    """Pieces of at most `limit` characters, cut at a paragraph, line, sentence or word boundary."""
    text = text.strip()
    pieces: list[str] = []
    while len(text) > limit:
        window = text[:limit]
        cut = max(window.rfind("\n\n"), window.rfind("\n"))
        if cut < limit // 2:
            sentence_ends = [m.end() for m in re.finditer(r"[.!?]\s", window)]
            cut = sentence_ends[-1] if sentence_ends and sentence_ends[-1] >= limit // 2 else window.rfind(" ")
        if cut <= 0:
            cut = limit
        pieces.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    if text:
        pieces.append(text)
    return pieces


def check_lines(check: CopyCheck) -> list[tuple[bool, str, list[str]]]:
    """(supported, the sentence, one line per claim) for each sentence: what both renderers show."""
    out = []
    for s in check.sentences:
        claims = []
        for c in s.claims:
            facts = "; ".join(f"{f.id} {f.name}: {f.value[:80]}" for i in c.fact_ids if (f := check.fact(i)))
            why = facts if c.supported else (c.reason or "no fact states it")
            claims.append(f"{'✓' if c.supported else '✗'} {c.text[:120]} ({c.kind}): {why or 'stated'}")
        out.append((s.supported, f"[{s.field}] {s.sentence}", claims))
    return out


def check_summary(check: CopyCheck) -> str:
    return (f"Check of {check.product.sku}: {check.product.title[:80]} (verifier {check.verifier_version}): "
            f"{len(check.unsupported)} of {len(check.sentences)} sentences have unsupported claims. "
            "They are listed, not rewritten.")


def render_check(check: CopyCheck) -> str:
    lines = [check_summary(check)]
    for supported, sentence, claims in check_lines(check):
        lines += [f"{'✓' if supported else '✗'} {sentence}", *(f"    {c}" for c in claims)]
    return "\n".join(lines)


def render_text(reply: Reply) -> str:
    if isinstance(reply, DraftReply):
        draft = reply.draft
        lines = [f"== {reply.heading or f'Draft {draft.draft_id} v{draft.version}'}"]
        lines += [f"({reply.status})"] if reply.status else []
        lines += ["", f"Title: {draft.title}"]
        lines += [f"  - {bullet}" for bullet in draft.bullets]
        if draft.description:
            lines += ["", draft.description]
        used = {f.id for f in reply.facts if f.id in set(draft.facts_used)}
        facts = ", ".join(f"{f.id} {f.name}: {f.value[:60]}" for f in reply.facts if f.id in used)
        lines += ["", f"Facts used (SKU {draft.sku}): {facts or 'none cited'}"]
        if draft.dropped_claims:
            lines.append("Removed (not supported by the catalog): "
                         + "; ".join(f"\"{c.text}\" ({c.reason or c.kind})" for c in draft.dropped_claims))
        if draft.repairs:
            lines.append("Changed by the rules: " + "; ".join(draft.repairs))
        if draft.violations:
            lines.append("Style issues left: " + "; ".join(draft.violations))
        lines += [f"Note: {note}" for note in reply.notes]
        lines.append("Reply `shorter`, `warmer tone`, `for amazon`, `approve`, `another variant`, `regenerate`, "
                     "`image` ...")
        return "\n".join(lines)
    if isinstance(reply, ChoiceReply):
        options = "\n".join(f"  {m.product.sku}  {m.product.title}  (matched on {m.matched_on})"
                            for m in reply.candidates)
        return f"{reply.message}\n{options}\nType `pick SKU` (or the SKU) to choose."
    if isinstance(reply, FactsReply):
        return f"Facts for {reply.product.sku}:\n" + "\n".join(f"  {f.line()}" for f in reply.facts)
    if isinstance(reply, CheckReply):
        return render_check(reply.check)
    if isinstance(reply, ImageReply):
        return (f"Image of {reply.sku} saved to {reply.filename} ({reply.width}x{reply.height}, {reply.steps} steps, "
                f"seed {reply.seed}, {reply.mode})\nPrompt: {reply.prompt}\nNegative prompt: {reply.negative_prompt}")
    if isinstance(reply, ExportReply):
        return f"Exported {reply.count} approved draft(s) as {reply.fmt} CSV to {reply.path}"
    if isinstance(reply, BulkReply):
        return bulk_started_text(reply)
    if isinstance(reply, BulkDoneReply):
        return bulk_done_text(reply).replace("*", "") + f"\nFile: {reply.path}"
    if isinstance(reply, InfoReply):
        text = reply.text.replace("*", "")
        return f"== {reply.title}\n{text}" if reply.title else text
    if isinstance(reply, ErrorReply):
        return f"error: {reply.message}" + (f" {reply.hint}" if reply.hint else "") + f" [{reply.ref}]"
    raise TypeError(f"no text renderer for {type(reply).__name__}")


def bulk_started_text(reply: BulkReply) -> str:
    missing = f" ({reply.failed} of them are not in the catalog)" if reply.failed else ""
    return (f"Drafting {reply.products:,} products, {reply.description}{missing}: about {_duration(reply.estimate_s)}. "
            f"Bulk job {reply.job_id}; progress follows here, say `cancel` in this thread to stop it.")


def bulk_done_text(reply: BulkDoneReply) -> str:
    ended = "was cancelled" if reply.cancelled else "is done"
    text = (f"Bulk job {reply.job_id} {ended}: *{reply.drafted:,} of {reply.total:,}* products drafted "
            f"({reply.clean:,} clean, {reply.drafted - reply.clean:,} to review), {reply.failed:,} failed.")
    if reply.problems:
        text += "\n" + "\n".join(f"• {problem}" for problem in reply.problems)
    return text + "\n`approve all` approves the clean drafts; type a SKU here to open its draft."


def _duration(seconds: float) -> str:
    return f"{seconds:.0f} s" if seconds < 90 else f"{seconds / 60:.0f} min"
