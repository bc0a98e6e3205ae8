"""Drafts, their versions, feedback and approvals, in the process's database (SQLite by default,
PostgreSQL when configured; see copydesk/state/factory.py).

Every version is kept (a refine never overwrites), each with a link to the version it was refined from.
Safe to share between threads and processes: each call is one transaction, and two replicas refining the
same draft at once get consecutive versions (the draft's row is locked while a version is added).
"""

from __future__ import annotations

import secrets
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Row, func, select
from sqlalchemy.exc import IntegrityError

from copydesk.domain import Draft, Feedback
from copydesk.errors import NotFoundError
from copydesk.state.db import Database
from copydesk.state.factory import open_database
from copydesk.state.schema import drafts, feedback, versions

if TYPE_CHECKING:
    from copydesk.settings import Settings

_CLASH_RETRIES = 8  # a new id or version number taken by another process between read and insert


def new_draft_id() -> str:
    return "d-" + secrets.token_hex(3)


class DraftStore:
    def __init__(self, database: Database | Settings | Path | str) -> None:
        """`database`: the process's Database, or Settings / a URL / a SQLite file path to open one."""
        self.db = open_database(database)

    def close(self) -> None:
        """Nothing to do per store: the connection pool belongs to the process (factory.dispose_all)."""

    # --- drafts and versions -------------------------------------------------
    def save(
        self,
        draft: Draft,
        *,
        parent: tuple[str, int] | None = None,
        user: str | None = None,
        channel_id: str | None = None,
    ) -> Draft:
        """Store a draft: a new draft id without `parent`, else the next version of the parent's draft."""
        for attempt in range(_CLASH_RETRIES):
            try:
                with self.db.write() as conn:
                    return self._save(conn, draft, parent, user, channel_id)
            except IntegrityError:
                if attempt == _CLASH_RETRIES - 1:
                    raise
        raise AssertionError("unreachable")

    def _save(self, conn: Connection, draft: Draft, parent: tuple[str, int] | None, user: str | None,
              channel_id: str | None) -> Draft:
        if parent is None:
            draft_id = new_draft_id()  # 16.7M ids; a clash is rare, and the retry in save() handles it
            conn.execute(drafts.insert().values(draft_id=draft_id, sku=draft.sku, user=user, channel_id=channel_id,
                                                created_at=draft.created_at.isoformat()))
            version, parent_version = 1, None
        else:
            draft_id, parent_version = parent
            # PostgreSQL: refines of one draft queue up on its row (SQLite: the write lock does it already)
            conn.execute(select(drafts.c.draft_id).where(drafts.c.draft_id == draft_id).with_for_update())
            if _row(conn, draft_id, parent_version) is None:
                raise NotFoundError(f"No draft {draft_id} version {parent_version} to refine.")
            latest = conn.execute(select(func.max(versions.c.version)).where(versions.c.draft_id == draft_id)).scalar()
            version = latest + 1
        stored = draft.model_copy(update={"draft_id": draft_id, "version": version})
        conn.execute(versions.insert().values(draft_id=draft_id, version=version, parent_version=parent_version,
                                              user=user, body=stored.model_dump_json(),
                                              created_at=stored.created_at.isoformat()))
        return stored

    def get(self, draft_id: str, version: int | None = None) -> Draft:
        with self.db.read() as conn:
            row = _row(conn, draft_id, version)
        if row is None:
            what = f"draft {draft_id}" + (f" version {version}" if version is not None else "")
            raise NotFoundError(f"No {what}.", hint="Draft ids look like d-7f3a2c; `copydesk draft REF` makes one.")
        return Draft.model_validate_json(row.body)

    def versions(self, draft_id: str) -> list[Draft]:
        with self.db.read() as conn:
            rows = conn.execute(select(versions.c.body).where(versions.c.draft_id == draft_id)
                                .order_by(versions.c.version)).all()
        if not rows:
            raise NotFoundError(f"No draft {draft_id}.")
        return [Draft.model_validate_json(r.body) for r in rows]

    def parent(self, draft_id: str, version: int) -> int | None:
        """The version this one was refined from (None for a first draft)."""
        with self.db.read() as conn:
            row = conn.execute(select(versions.c.parent_version).where(
                versions.c.draft_id == draft_id, versions.c.version == version)).first()
        if row is None:
            raise NotFoundError(f"No draft {draft_id} version {version}.")
        return row.parent_version

    def requester(self, draft_id: str) -> tuple[str | None, str | None]:
        """(user, channel_id) of whoever asked for the first version."""
        with self.db.read() as conn:
            row = conn.execute(select(drafts.c.user, drafts.c.channel_id).where(drafts.c.draft_id == draft_id)).first()
        if row is None:
            raise NotFoundError(f"No draft {draft_id}.")
        return row.user, row.channel_id

    # --- feedback and approvals ---------------------------------------------
    def record_feedback(self, item: Feedback) -> None:
        with self.db.write() as conn:
            if _row(conn, item.draft_id, item.version) is None:
                raise NotFoundError(f"No draft {item.draft_id} version {item.version} to give feedback on.")
            conn.execute(feedback.insert().values(draft_id=item.draft_id, version=item.version, kind=item.kind,
                                                  user=item.user, text=item.text, excluded=item.excluded,
                                                  created_at=item.created_at.isoformat()))

    def approve(self, draft_id: str, version: int | None = None, *, user: str | None = None) -> Draft:
        """Mark a version (default: the latest) approved and return it."""
        draft = self.get(draft_id, version)
        self.record_feedback(Feedback(draft_id=draft_id, version=draft.version, kind="approve", user=user))
        return draft

    def feedback(self) -> list[Feedback]:
        with self.db.read() as conn:
            rows = conn.execute(select(feedback).order_by(feedback.c.id)).all()
        return [Feedback(draft_id=r.draft_id, version=r.version, kind=r.kind, user=r.user, text=r.text,
                         excluded=r.excluded, created_at=datetime.fromisoformat(r.created_at)) for r in rows]

    def approved(self, channel_id: str | None = None) -> list[Draft]:
        """The latest approved version of each approved draft, oldest draft first."""
        latest = (select(feedback.c.draft_id, func.max(feedback.c.version).label("version"))
                  .where(feedback.c.kind == "approve").group_by(feedback.c.draft_id).subquery())
        query = (select(versions.c.body)
                 .join(drafts, drafts.c.draft_id == versions.c.draft_id)
                 .join(latest, (latest.c.draft_id == versions.c.draft_id) & (latest.c.version == versions.c.version)))
        if channel_id is not None:
            query = query.where(drafts.c.channel_id == channel_id)
        with self.db.read() as conn:
            rows = conn.execute(query.order_by(drafts.c.created_at, drafts.c.draft_id)).all()
        return [Draft.model_validate_json(r.body) for r in rows]


def _row(conn: Connection, draft_id: str, version: int | None) -> Row | None:
    query = select(versions.c.body).where(versions.c.draft_id == draft_id)
    if version is None:
        return conn.execute(query.order_by(versions.c.version.desc()).limit(1)).first()
    return conn.execute(query.where(versions.c.version == version)).first()
