"""What a worker process holds for its whole life: the models and catalog (through Services), the
database, the Slack Web API client, and a SlackBot that runs jobs exactly as the bot's own pool would.
Built once when `copydesk worker` starts, before it takes its first job."""

from __future__ import annotations

import logging
import os
import socket
import threading

from bot.engine import ConversationEngine
from bot.services import Services
from bot.slack.app import web_client
from bot.slack.bot import SlackBot
from bot.worker.app import HEARTBEAT_S, STALE_AFTER_S
from bot.worker.runner import CeleryRunner
from copydesk.settings import Settings
from copydesk.state.jobs import JobStore
from copydesk.state.threads import BotState

log = logging.getLogger("copydesk.worker")
JOB_MEMORY_S = 7 * 24 * 3600  # finished jobs are kept a week (what ran, where, how often), then forgotten
PRUNE_EVERY = 720  # beats: about once an hour


class WorkerContext:
    def __init__(self, settings: Settings, queues: list[str], concurrency: int,
                 services: Services | None = None) -> None:
        self.settings = settings
        self.queues = queues
        self.concurrency = concurrency
        self.services = services or Services(settings)
        database = self.services.database
        state = BotState(database)
        # follow-up jobs a handler queues (a polish after a draft) go to the queue as well
        self.bot = SlackBot(settings, ConversationEngine(self.services, state), state, web_client(settings),
                            CeleryRunner(settings, database))
        self.bot.tag_answers = True
        self.jobs = JobStore(database, stale_after_s=STALE_AFTER_S)
        self.worker_id = f"{socket.gethostname()}:{os.getpid()}"
        self._stop = threading.Event()

    def warm_up(self) -> None:
        """Open the catalog and load the text model before the first job (a worker exists to hold them)."""
        self.services.catalog
        self.services.text_generator

    def start_heartbeat(self) -> threading.Thread:
        """Beat into the database every few seconds: the worker is alive, and so are the jobs it runs."""
        def beat() -> None:
            beats = 0
            while not self._stop.is_set():
                try:
                    self.jobs.beat(self.worker_id, queues=self.queues, concurrency=self.concurrency)
                    beats += 1
                    if beats % PRUNE_EVERY == 0:
                        self.jobs.prune(JOB_MEMORY_S)
                except Exception:  # noqa: BLE001 - the database may be back at the next beat
                    log.warning("heartbeat failed", exc_info=True)
                self._stop.wait(HEARTBEAT_S)

        self.jobs.beat(self.worker_id, queues=self.queues, concurrency=self.concurrency)
        thread = threading.Thread(target=beat, name="copydesk-heartbeat", daemon=True)
        thread.start()
        return thread

    def leave(self) -> None:
        self._stop.set()
        try:
            self.jobs.leave(self.worker_id)
        except Exception:  # noqa: BLE001 - its heartbeat stops anyway, so it ages out
            log.warning("could not deregister worker %s", self.worker_id, exc_info=True)
