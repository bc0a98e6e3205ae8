"""What a conversation thread is still owed, kept in the database until it is delivered (table bot_outbox):

- "answer": messages Slack refused once the Web API retries ran out; posted again on `resend` in the thread,
  or before the answer to the thread's next message;
- "preview": an unverified preview message still to delete (a crash between posting and deleting it, or a
  failed chat.delete); deleted at the next start;
- "request": a request this process took and has not answered yet; if the process dies, the next start on
  the same host tells the thread.

Bodies are JSON, so any replica (or a restarted process) can deliver what another could not.
"""

from __future__ import annotations

import json
import os
import socket
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, select, update

from copydesk.state.db import Database
from copydesk.state.factory import open_database
from copydesk.state.schema import bot_outbox

if TYPE_CHECKING:
    from copydesk.settings import Settings

ANSWER, PREVIEW, REQUEST = "answer", "preview", "request"


def this_process() -> str:
    """host:pid, the owner recorded on a request."""
    return f"{socket.gethostname()}:{os.getpid()}"


def process_is_gone(owner: str | None) -> bool:
    """Whether `owner` (host:pid) is a process on this host that no longer runs. Another host's process cannot
    be seen from here: it is not taken for gone."""
    host, _, pid = (owner or "").rpartition(":")
    if host != socket.gethostname() or not pid.isdigit() or int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, under another user
        return False
    return False


@dataclass(frozen=True)
class Owed:
    id: int
    thread_key: str
    kind: str
    ref: str | None
    body: dict[str, Any]
    owner: str | None
    attempts: int
    created_at: float


class Outbox:
    def __init__(self, database: Database | Settings | Path | str) -> None:
        self.db = open_database(database)

    def keep(self, thread_key: str, kind: str, *, ref: str | None = None, body: dict[str, Any] | None = None,
             owner: str | None = None) -> int:
        with self.db.write() as conn:
            return int(conn.execute(bot_outbox.insert().values(
                thread_key=thread_key, kind=kind, ref=ref, body=json.dumps(body or {}), owner=owner, attempts=0,
                created_at=time.time())).inserted_primary_key[0])

    def owed(self, *, kind: str, thread_key: str | None = None) -> list[Owed]:
        """Oldest first."""
        query = select(bot_outbox).where(bot_outbox.c.kind == kind)
        if thread_key is not None:
            query = query.where(bot_outbox.c.thread_key == thread_key)
        with self.db.read() as conn:
            rows = conn.execute(query.order_by(bot_outbox.c.id)).all()
        return [Owed(r.id, r.thread_key, r.kind, r.ref, json.loads(r.body or "{}"), r.owner, r.attempts, r.created_at)
                for r in rows]

    def done(self, item_id: int) -> bool:
        """Delivered: forget it. False when it was gone already (another replica delivered it)."""
        with self.db.write() as conn:
            return conn.execute(delete(bot_outbox).where(bot_outbox.c.id == item_id)).rowcount > 0

    def done_ref(self, kind: str, ref: str) -> None:
        with self.db.write() as conn:
            conn.execute(delete(bot_outbox).where(bot_outbox.c.kind == kind, bot_outbox.c.ref == ref))

    def failed(self, item_id: int) -> int:
        """One more failed attempt; returns how many there have been."""
        with self.db.write() as conn:
            conn.execute(update(bot_outbox).where(bot_outbox.c.id == item_id)
                         .values(attempts=bot_outbox.c.attempts + 1))
            return int(conn.execute(select(bot_outbox.c.attempts).where(bot_outbox.c.id == item_id)).scalar() or 0)
