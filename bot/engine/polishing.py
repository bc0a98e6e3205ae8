"""Progressive drafts: the first draft (no language model, milliseconds) is shown at once; the model then
polishes it within COPYDESK_POLISH_BUDGET_S on this process's polishing lane, and the same message says how
far it got and, at the end, shows the polished draft when it ranks higher (CopyChain.polish never makes a
draft worse).

One lane, one polish at a time: the one model instance runs one generation at a time anyway, and a polish
waiting for it must not hold a request worker (a draft asked for meanwhile would queue behind it). Time
spent waiting in the lane counts against the budget. Polishing stops early when the draft is approved
(what was shown is what was approved), when someone asks for a newer version of it, or at the budget.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import replace
from typing import TYPE_CHECKING

from bot.engine.failures import error_reply
from bot.engine.replies import DraftReply
from bot.engine.turns import Progress
from copydesk.domain import Draft

if TYPE_CHECKING:
    from bot.services import Services
    from chains.drafting import DraftResult

log = logging.getLogger("copydesk.bot")


def _pieces(draft: Draft) -> list[str]:
    """A draft's parts: the title, each bullet, each paragraph of the description (the units a polish rewrites)."""
    return [draft.title, *draft.bullets, *(p for p in draft.description.splitlines() if p.strip())]


def parts(draft: Draft) -> int:
    return len(_pieces(draft))


def changed_parts(first: Draft, polished: Draft) -> int:
    """How many of the first draft's parts the polished draft rewrote (compared as text, not as reported)."""
    before, after = _pieces(first), _pieces(polished)
    return sum(1 for i, piece in enumerate(before) if i >= len(after) or after[i] != piece)


class Polishing:
    """The engine's polishing runs. A stop request (Approve, a newer version) reaches a run in this process
    at once through an Event; a newer version made by another replica is seen in the draft store."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self._stops: dict[str, tuple[threading.Event, list[str]]] = {}
        self._lock = threading.Lock()
        self._lane = ThreadPoolExecutor(max_workers=1, thread_name_prefix="copydesk-polish")
        self._running: set[Future] = set()

    def available(self) -> bool:
        """Polishing runs only with the model already loaded: a request never waits for it."""
        return self.services.settings.polish_budget_s > 0 and self.services.ready_text_generator() is not None

    def waiting_note(self) -> str | None:
        """Why a draft is a first draft only, when the model is still loading."""
        if self.services.settings.polish_budget_s <= 0 or self.services.ready_text_generator() is not None:
            return None
        if self.services.model_loading is not None and self.services.model_loading.is_alive():
            return "The language model is still loading: this is the first draft (ask again later for a polished one)."
        return None

    def stop(self, draft_id: str | None, reason: str) -> bool:
        """Stop polishing this draft, if it is being polished here; True when a run was told."""
        with self._lock:
            found = self._stops.get(draft_id or "")
        if found is None:
            return False
        event, reasons = found
        reasons.append(reason)
        event.set()
        return True

    def start(self, first: DraftResult, shown: DraftReply, progress: Progress, *, user: str | None,
              on_result: Callable[[DraftResult], None]) -> DraftReply:
        """Show `shown` now and polish it on the lane; the final reply goes to `progress.draft(..., final=True)`
        and the result to `on_result`. Returns the reply as shown (status: waiting for the model)."""
        deadline = time.monotonic() + self.services.settings.polish_budget_s
        event, reasons = threading.Event(), []
        with self._lock:
            self._stops[first.draft.draft_id or ""] = (event, reasons)
        shown = replace(shown, status="Polishing with the language model shortly: this first draft is ready to use.")
        progress.draft(shown)

        def polish() -> None:
            try:
                result, final = self._run(first, shown, progress, user, deadline, event, reasons)
                on_result(result)
            except Exception as error:  # noqa: BLE001 - the first draft stands; the failure is visible and logged
                failure = error_reply(error, context=f"polishing {first.draft.draft_id}")
                final = replace(shown, status=f"Polishing failed ({failure.message} Reference: {failure.ref}); "
                                              "this is the first draft.")
            finally:
                with self._lock:
                    self._stops.pop(first.draft.draft_id or "", None)
            progress.draft(final, final=True)

        future = self._lane.submit(polish)
        with self._lock:
            self._running.add(future)
        future.add_done_callback(self._finished)
        return shown

    def wait_idle(self, timeout: float = 600.0) -> bool:
        """Until every polish started here has ended (the terminal chat, tests and benchmarks)."""
        with self._lock:
            pending = list(self._running)
        done, not_done = wait(pending, timeout=timeout)
        return not not_done

    def _finished(self, future: Future) -> None:
        with self._lock:
            self._running.discard(future)

    def _run(self, first: DraftResult, shown: DraftReply, progress: Progress, user: str | None, deadline: float,
             event: threading.Event, reasons: list[str]) -> tuple[DraftResult, DraftReply]:
        """Polish `first` (shown as `shown`): (the result, the reply that replaces `shown`)."""
        draft = first.draft
        budget = self.services.settings.polish_budget_s

        def should_stop() -> bool:
            if event.is_set():
                return True
            if time.monotonic() > deadline:
                reasons.append(f"Polishing stopped at its time budget ({budget:g} s): this is the first draft.")
                return True
            if draft.draft_id and self.services.drafts.get(draft.draft_id).version != draft.version:
                reasons.append("A newer version was asked for, so polishing stopped.")
                return True
            return False

        def on_part(done: int, total: int) -> None:
            progress.draft(replace(shown, status=f"Polishing with the language model… {done} of {total} parts"))

        total = parts(draft)
        result = self.services.copy_chain.polish(first, budget_s=budget, user=user, on_part=on_part,
                                                 should_stop=should_stop)
        if result is first:
            status = reasons[0] if reasons else "Polishing found nothing that ranks higher: this is the first draft."
            return first, replace(shown, status=status)
        polished = result.draft
        reply = DraftReply(polished, result.product, result.facts, list(result.notes),
                           heading=f"Draft {polished.draft_id} v{polished.version} (polished)",
                           alternatives_left=len(result.alternatives),
                           status=f"Polished: {changed_parts(draft, polished)} of {total} parts rewritten by the "
                                  f"language model (it ranks higher than v{draft.version}).")
        return result, reply
