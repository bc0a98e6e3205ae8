"""The ONE conversation engine: a message or button press in a thread -> replies. Slack, the terminal chat
and the tests all drive this class; only the transport around it differs.

It parses intent (bot/engine/intents.py), keeps thread state (copydesk/state/threads.py), calls the chains through
`bot.services.Services`, and returns plain reply objects (bot/engine/replies.py).
"""

from __future__ import annotations

import logging
import secrets
import time
from datetime import datetime, timezone
from typing import TYPE_CHECKING

from bot.engine import intents
from bot.engine.failures import error_reply
from bot.engine.help import HELP_TEXT, HELP_TITLE
from bot.engine.bulk import BulkDesk, BulkStep
from bot.engine.intents import Intent
from bot.engine.ownership import check_bulk_owner, check_owner, edit_exclusion
from bot.engine.polishing import Polishing
from bot.engine.replies import (
    ACTION_APPROVE, ACTION_BULK_APPROVE, ACTION_IMAGE, ACTION_IMAGE_ANOTHER, ACTION_IMAGE_APPROVE,
    ACTION_IMAGE_VARIATION, ACTION_PICK, ACTION_REGENERATE, ACTION_SHORTER, ACTION_VARIANT, CheckReply, ChoiceReply,
    DraftReply, ExportReply, FactsReply, ImageReply, InfoReply, Reply,
)
from bot.engine.turns import NoProgress, Press, Progress, Turn
from chains.drafting import DraftResult, refine_draft
from chains.grounding import check_copy
from copydesk.state.threads import BotState, ThreadState
from copydesk.domain import Draft, Feedback, Product
from copydesk.errors import AmbiguousError, InputError, NotFoundError, ServiceUnavailableError
from retrieval.facts import facts_for

if TYPE_CHECKING:
    from bot.services import Services

log = logging.getLogger("copydesk.bot")


class ConversationEngine:
    def __init__(self, services: Services, state: BotState) -> None:
        self.services = services
        self.settings = services.settings
        self.state = state
        self.polishing = Polishing(services)
        self.bulk = BulkDesk(services)

    # --- entry points ----------------------------------------------------------------
    def handle(self, turn: Turn, progress: Progress | None = None) -> list[Reply]:
        """Answer one message. Never raises: failures come back as an ErrorReply with a reference id."""
        progress = progress or NoProgress()
        thread = self.state.thread_or_new(turn.thread_key, turn.user)
        try:
            self.state.log_request(turn.thread_key, turn.user, turn.text)
            intent = intents.parse(turn.text, has_draft=thread.draft_id is not None, brands=self._brands())
            return self._dispatch(intent, thread, turn, progress)
        except Exception as error:  # noqa: BLE001 - every failure becomes a visible reply
            return [error_reply(error, context=f"thread={turn.thread_key} user={turn.user}")]
        finally:
            self.state.save_thread(thread)

    def press(self, press: Press, progress: Progress | None = None) -> list[Reply]:
        """Answer a button press (Regenerate, Shorter, Another variant, Approve, Image, a product pick, ...)."""
        progress = progress or NoProgress()
        thread = self.state.thread_or_new(press.thread_key, press.user)
        turn = Turn(press.thread_key, press.user, f"[{press.action}] {press.value}", press.channel_id)
        try:
            self.state.log_request(press.thread_key, press.user, turn.text)
            return self._press(press, thread, turn, progress)
        except Exception as error:  # noqa: BLE001
            return [error_reply(error, context=f"thread={press.thread_key} action={press.action}")]
        finally:
            self.state.save_thread(thread)

    def bulk_step(self, job_id: str, progress: Progress) -> BulkStep:
        """Run a slice of a bulk job (the transport queues the next one until `finished`). Never raises."""
        try:
            return self.bulk.step(job_id, progress)
        except Exception as error:  # noqa: BLE001 - the job ends with a visible failure, not in silence
            return BulkStep(True, [error_reply(error, context=f"bulk job {job_id}")])

    def react(self, channel_id: str, message_ts: str, kind: str, user: str | None) -> bool:
        """A reaction (thumbs up/down) on a message that shows a draft becomes feedback on that version.
        False when the message shows no draft (any other message in the channel)."""
        found = self.state.draft_for_message(channel_id, message_ts)
        if not found:
            return False
        self._feedback(self.services.drafts.get(found[0], found[1]), kind, user)
        return True

    # --- messages ----------------------------------------------------------------------
    def _dispatch(self, intent: Intent, thread: ThreadState, turn: Turn, progress: Progress) -> list[Reply]:
        if intent.kind in ("help", "empty"):
            return [InfoReply(HELP_TEXT, title=HELP_TITLE)]
        if intent.kind == "brands":
            return [self._brands_reply()]
        if intent.kind == "export":
            return [self._export(intent.export_format, turn.channel_id)]
        if intent.kind == "approve":
            return [self._approve(thread, turn.user, None)]
        if intent.kind == "bulk":
            self._apply_settings(thread, intent)
            return [self.bulk.start(intent, thread, turn)]
        if intent.kind == "cancel":
            return [self._cancel(thread)]
        if intent.kind == "approve_all":
            return [self.bulk.approve_all(None, thread.thread_key, turn.user)]
        if intent.kind == "edit":
            return [self._edit(thread, turn.user, intent.instruction or "", turn.channel_id)]
        if intent.kind == "settings":
            self._apply_settings(thread, intent)
            return [InfoReply(f"This thread now drafts for brand *{thread.brand or 'none'}* on "
                              f"*{thread.channel or self.settings.default_channel}*.")]
        if intent.kind == "check":
            return [self._check(intent, thread)]
        if intent.kind == "facts":
            product = self._product(intent.reference or thread.sku, thread, then="draft")
            if isinstance(product, ChoiceReply):
                return [product]
            return [FactsReply(product, facts_for(product))]
        image_file = next((f for f in turn.files if f.mimetype.startswith("image/")), None)
        if image_file is not None and intent.kind in ("draft", "refine"):
            # a product photo plus words ("in a sunny kitchen"): a new scene around the photographed product
            reference, scene = intents.split_image_request(intent.text)
            intent = Intent("image", intent.text, reference=reference if reference and intents.sku_like(reference)
                            else None, scene=scene or intent.text)
        if intent.kind == "image":
            thread.scene = intent.scene or ""
            reference = intent.reference or thread.sku
            if intent.reference and thread.sku and image_file is not None and not intents.sku_like(intent.reference):
                reference = thread.sku  # "this photo in a kitchen": the photo shows the thread's product
            return self._image(reference, thread, progress, scene=thread.scene, brand=intent.brand,
                               init_image=image_file.content if image_file else None)
        if intent.kind == "refine":
            return self._refine(intent, thread, turn, progress)
        if intent.kind == "variant":
            return self._variant(thread, turn, progress, intent.instruction or "another variant")
        if intent.kind == "pick":
            if thread.pending == "image":
                return self._image(intent.reference, thread, progress, scene=thread.scene or "")
            return self._draft(intent.reference or "", thread, turn, progress)
        self._apply_settings(thread, intent)
        return self._draft(intent.reference or "", thread, turn, progress)

    def _draft(self, reference: str, thread: ThreadState, turn: Turn, progress: Progress) -> list[Reply]:
        """The first draft at once (no language model), then, with the model loaded, its polish in place."""
        opened = self.bulk.open(reference, thread.thread_key)  # a SKU typed in a bulk job's thread
        if opened is not None:
            if isinstance(opened, DraftReply):
                self._remember_draft(thread, opened.draft)
            return [opened]
        product = self._product(reference, thread, then="draft")
        if isinstance(product, ChoiceReply):
            return [product]
        progress.status(f"Drafting copy for {product.sku}: {product.title[:80]}…")
        first = self.services.copy_chain.first_draft(product, brand=thread.brand, channel=thread.channel,
                                                     user=turn.user, channel_id=turn.channel_id)
        return self._show_and_polish(first, thread, turn, progress,
                                     heading=f"Draft {first.draft.draft_id} v{first.draft.version}")

    def _show_and_polish(self, first: DraftResult, thread: ThreadState, turn: Turn, progress: Progress, *,
                         heading: str) -> list[Reply]:
        """Show a draft made without the model at once; with the model loaded, polish it in place."""
        self._remember_draft(thread, first.draft)
        shown = DraftReply(first.draft, first.product, first.facts, list(first.notes), heading=heading)
        if not self.polishing.available():
            shown.notes += [note for note in [self.polishing.waiting_note()] if note]
            return [shown]
        self.state.save_thread(thread)  # a button or a reply while it is polished finds this draft
        return [self.polishing.start(first, shown, progress, user=turn.user,
                                     on_result=lambda result: self._polished(thread.thread_key, first, result))]

    def _polished(self, thread_key: str, first: DraftResult, result: DraftResult) -> None:
        """A polish that ranked higher becomes the thread's draft, unless the thread has moved on meanwhile."""
        thread = self.state.thread(thread_key)
        if result is first or thread is None or (thread.draft_id, thread.draft_version) != (
                first.draft.draft_id, first.draft.version):
            return
        self._remember_draft(thread, result.draft)
        self.state.save_thread(thread)

    def _refine(self, intent: Intent, thread: ThreadState, turn: Turn, progress: Progress) -> list[Reply]:
        self._apply_settings(thread, intent)
        return self._refine_with(thread, turn, progress, intent.instruction or intent.text)

    def _refine_with(self, thread: ThreadState, turn: Turn, progress: Progress, instruction: str) -> list[Reply]:
        if thread.draft_id is None:
            return [InfoReply("There is no draft in this thread yet: name a product first, e.g. `draft SKU-123`.")]
        progress.status(f"Refining {thread.draft_id}: {instruction[:80]}…")
        self.polishing.stop(thread.draft_id, "A newer version was asked for, so polishing stopped.")
        result = refine_draft(self.services.copy_chain, thread.draft_id, instruction, user=turn.user,
                              on_text=progress.text)
        self._remember_draft(thread, result.draft)
        return [DraftReply(result.draft, result.product, result.facts, list(result.notes),
                           heading=f"Draft {result.draft.draft_id} v{result.draft.version} ({instruction[:60]})")]

    # --- buttons -------------------------------------------------------------------------
    def _press(self, press: Press, thread: ThreadState, turn: Turn, progress: Progress) -> list[Reply]:
        action, value = press.action, press.value
        if action in DRAFT_ACTIONS or (action == ACTION_IMAGE and ":" in value):  # only in the draft's own thread
            check_owner(self.state, self.services.drafts, value.partition(":")[0], press.thread_key, press.channel_id)
        if action == ACTION_BULK_APPROVE:
            check_bulk_owner(self.services.bulk, value, press.thread_key)
        if action in (ACTION_REGENERATE, ACTION_SHORTER, ACTION_VARIANT, ACTION_APPROVE):
            draft = self._draft_from_value(value)
            thread.draft_id, thread.draft_version, thread.sku = draft.draft_id, draft.version, draft.sku
            if action == ACTION_APPROVE:
                return [self._approve(thread, press.user, draft.version)]
            self.polishing.stop(draft.draft_id, "A newer version was asked for, so polishing stopped.")
            if action == ACTION_SHORTER:
                return self._refine_with(thread, turn, progress, "shorter")
            return self._variant(thread, turn, progress, "another variant" if action == ACTION_VARIANT else "regenerate",
                                 draft=draft)
        if action == ACTION_BULK_APPROVE:
            return [self.bulk.approve_all(value, thread.thread_key, press.user)]
        if action == ACTION_IMAGE:
            draft = self._draft_from_value(value) if ":" in value else None
            return self._image(draft.sku if draft else value, thread, progress, scene=thread.scene or "")
        if action == ACTION_PICK:
            if thread.pending == "image":
                return self._image(value, thread, progress, scene=thread.scene or "")
            return self._draft(value, thread, turn, progress)
        if action in (ACTION_IMAGE_ANOTHER, ACTION_IMAGE_VARIATION, ACTION_IMAGE_APPROVE):
            sku, _, seed_text = value.rpartition(":")
            if not (sku and seed_text.isdigit()):  # copydesk's buttons say "SKU:seed"; anything else was made up
                raise InputError(f"The button's value {value[:80]!r} does not name one of copydesk's images.",
                                 hint="Ask for an image in the thread instead, e.g. `image of SKU-123`.")
            seed = int(seed_text)
            if action == ACTION_IMAGE_APPROVE:
                log.info("image approved: sku=%s seed=%s scene=%r by %s", sku, seed, thread.scene, press.user)
                return [InfoReply(f"Approved the image of {sku} (seed {seed}). Reproduce it with "
                                  f"`copydesk image {sku} --seed {seed} --scene \"{thread.scene or ''}\"`.")]
            # Another: a fresh seed; Variation: the neighbouring seed of the same family (seed + 1).
            next_seed = seed + 1 if action == ACTION_IMAGE_VARIATION else secrets.randbelow(2**31)
            return self._image(sku, thread, progress, scene=thread.scene or "", seed=next_seed)
        raise InputError(f"Unknown button {action!r}.", hint="Ask again with a message in the thread.")

    def _variant(self, thread: ThreadState, turn: Turn, progress: Progress, instruction: str, *,
                 draft: Draft | None = None) -> list[Reply]:
        """Another version of the thread's draft (or of the pressed `draft`): realized again on a new seed, reading
        differently from the versions shown so far (CopyChain.variant), then polished like a first draft.
        "regenerate" also records that the last version was turned down (training data: feedback.py)."""
        if draft is None:
            if thread.draft_id is None:
                return [InfoReply("There is no draft in this thread yet: name a product first, e.g. `draft SKU-123`.")]
            draft = self.services.drafts.get(thread.draft_id, thread.draft_version)
        progress.status(f"Drafting another version of {draft.draft_id} ({draft.sku})…")
        self.polishing.stop(draft.draft_id, "A newer version was asked for, so polishing stopped.")
        if instruction == "regenerate":
            self._feedback(draft, "regenerate", turn.user)
        result = self.services.copy_chain.variant(draft, user=turn.user, instruction=instruction)
        return self._show_and_polish(result, thread, turn, progress, heading=f"Draft {result.draft.draft_id} "
                                     f"v{result.draft.version} ({instruction}, seed {result.draft.seed})")

    # --- images ---------------------------------------------------------------------------
    def _image(self, reference: str | None, thread: ThreadState, progress: Progress, *, scene: str,
               brand: str | None = None, seed: int | None = None, init_image: bytes | None = None) -> list[Reply]:
        if not reference:
            return [InfoReply("Which product should the image show? Try `image of SKU-123 on a wooden desk`.")]
        product = self._product(reference, thread, then="image")
        if isinstance(product, ChoiceReply):
            return [product]
        progress.status(f"Rendering an image of {product.sku}…")
        started = time.perf_counter()
        outcome = self.services.image_service.create(
            product, scene=scene, brand=brand or thread.brand, seed=seed,
            init_image=init_image, on_step=progress.step)
        result = outcome.result
        thread.sku, thread.image_seed, thread.scene = product.sku, result.seed, scene
        alt = f"{product.title[:200]}" + (f", {scene[:200]}" if scene else "")
        return [ImageReply(png=result.png, filename=f"{_safe(product.sku)}-{result.seed}.png", alt_text=alt,
                           prompt=outcome.prompt.prompt, negative_prompt=outcome.prompt.negative_prompt,
                           seed=result.seed, steps=result.steps, width=result.width, height=result.height,
                           sku=product.sku, mode=result.mode, seconds=time.perf_counter() - started)]

    # --- approvals, edits, exports ---------------------------------------------------------
    def _approve(self, thread: ThreadState, user: str | None, version: int | None) -> Reply:
        if thread.draft_id is None:
            return InfoReply("There is no draft in this thread to approve yet.")
        draft = self.services.drafts.get(thread.draft_id, version or thread.draft_version)
        self._feedback(draft, "approve", user)
        self.polishing.stop(draft.draft_id, f"Approved v{draft.version} while it was polished: polishing stopped.")
        return InfoReply(f"Approved {draft.draft_id} v{draft.version} for {draft.sku}. "
                         "`export` gives this channel's approved drafts as CSV.")

    def _cancel(self, thread: ThreadState) -> Reply:
        """`cancel` in a thread: its running bulk job, else the polishing of its draft."""
        cancelled = self.bulk.cancel(thread.thread_key)
        if cancelled is not None:
            return cancelled
        if self.polishing.stop(thread.draft_id, "Polishing cancelled: this is the first draft."):
            return InfoReply(f"Stopped polishing {thread.draft_id}: the first draft stands.")
        return InfoReply("Nothing is running in this thread to cancel.")

    def _edit(self, thread: ThreadState, user: str | None, text: str, channel_id: str | None) -> Reply:
        if thread.draft_id is None:
            return InfoReply("There is no draft in this thread to edit yet.")
        if not text.strip():
            raise InputError("The edit is empty.", hint="Write `edit:` followed by your final copy.")
        check_owner(self.state, self.services.drafts, thread.draft_id, thread.thread_key, channel_id)
        draft = self.services.drafts.get(thread.draft_id, thread.draft_version)
        excluded = edit_exclusion(self._get_product(draft.sku), text.strip())  # verified before it can teach
        self.services.drafts.record_feedback(Feedback(draft_id=draft.draft_id, version=draft.version, kind="edit",
                                                      user=user, text=text.strip(), excluded=excluded))
        if excluded:
            return InfoReply(f"Recorded your edit of {draft.draft_id} v{draft.version}, but kept it out of the "
                             f"training data: {excluded}. Add the facts to the catalog, or edit them out.")
        return InfoReply(f"Recorded your edit of {draft.draft_id} v{draft.version} as the final copy "
                         "(every claim in it is in the catalog, so it becomes training data for copydesk's model).")

    def _export(self, fmt: str, channel_id: str | None) -> Reply:
        from chains.exports import export_approved

        stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")
        out = self.settings.home / "exports" / f"approved-{_safe(channel_id or 'all')}-{stamp}-{fmt}.csv"
        out.parent.mkdir(parents=True, exist_ok=True)
        count = export_approved(self.services.drafts, self.services.catalog, out, fmt=fmt, channel_id=channel_id)
        return ExportReply(out, count, fmt)

    def _feedback(self, draft: Draft, kind: str, user: str | None, text: str | None = None) -> None:
        self.services.drafts.record_feedback(Feedback(draft_id=draft.draft_id, version=draft.version, kind=kind,
                                                      user=user, text=text))

    # --- helpers ------------------------------------------------------------------------------
    def _check(self, intent: Intent, thread: ThreadState) -> Reply:
        """Pasted copy against the named product's (or the thread's) facts; listed, never rewritten."""
        if not (intent.reference or thread.sku):
            raise InputError("Which product is this copy for?", hint="Write `check SKU: <the copy>`, or paste it "
                             "as `check: <the copy>` in a thread about a product.")
        product = self._product(intent.reference or thread.sku, thread, then="draft")
        if isinstance(product, ChoiceReply):
            return product
        return CheckReply(check_copy(product, facts_for(product, include_description=False), intent.instruction or ""))

    def _product(self, reference: str | None, thread: ThreadState, *, then: str) -> Product | ChoiceReply:
        """Resolve a reference (Catalog.product); ambiguous -> buttons to pick from, unknown -> the closest."""
        if not reference:
            raise InputError("Which product do you mean?", hint="Name a SKU, EAN or product name.")
        try:
            return self.services.catalog.product(reference)
        except AmbiguousError as error:
            thread.pending = then
            return ChoiceReply(f"“{reference}” matches several products. Which one?", error.candidates, then)
        except NotFoundError as error:
            closest = error.candidates or self.services.catalog.search(reference, limit=5)
            if not closest:
                gone = getattr(self.services.catalog, "store_warning", None)
                if gone:  # not "no such product": the store itself was deleted or emptied
                    raise ServiceUnavailableError(gone) from error
                raise
            thread.pending = then
            return ChoiceReply(f"No product matches “{reference}” exactly. The closest ones:", closest[:5], then)

    def _get_product(self, sku: str) -> Product:
        product = self.services.catalog.get(sku)
        if product is None:
            raise NotFoundError(f"Product {sku} is no longer in the catalog.")
        return product

    def _draft_from_value(self, value: str) -> Draft:
        draft_id, _, version = value.partition(":")
        return self.services.drafts.get(draft_id, int(version) if version else None)

    def _remember_draft(self, thread: ThreadState, draft: Draft) -> None:
        thread.draft_id, thread.draft_version, thread.sku = draft.draft_id, draft.version, draft.sku
        if draft.draft_id:
            self.state.own_draft(draft.draft_id, thread.thread_key)  # the first thread to show a draft owns it
        thread.brand = draft.brand or thread.brand
        thread.channel = draft.channel or thread.channel
        thread.pending = None

    def _apply_settings(self, thread: ThreadState, intent: Intent) -> None:
        if intent.brand:
            thread.brand = intent.brand
        if intent.channel:
            thread.channel = intent.channel

    def _brands(self) -> list[str]:
        try:
            return self.services.catalog.brands()
        except Exception:  # noqa: BLE001 - brand names only sharpen parsing; the request still goes on
            log.warning("could not list brands", exc_info=True)
            return []

    def _brands_reply(self) -> InfoReply:
        brands = self.services.catalog.brands()
        if not brands:
            return InfoReply("No brand style guides are loaded yet. "
                             "Add one with `copydesk ingest styles FOLDER --brand NAME`.")
        return InfoReply("Brands with a style guide: " + ", ".join(f"*{b}*" for b in brands)
                         + ". Say `use the <brand> voice` in a thread to switch.")


# Buttons whose value names a draft ("d-1a2b3c:2"): pressed only in the draft's own thread.
DRAFT_ACTIONS = (ACTION_REGENERATE, ACTION_SHORTER, ACTION_VARIANT, ACTION_APPROVE)


def _safe(text: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in text)[:60]
