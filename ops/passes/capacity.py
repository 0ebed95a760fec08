"""Seats and waiting lists, shared by event ticket types, course sessions and bus runs.

A *pool* is any model with integer ``capacity`` (None: unlimited) and ``taken``
columns. Seats are taken with one conditional UPDATE, so concurrent requests can
never push ``taken`` past ``capacity``: the database re-checks the condition on
the locked row. Waiting lists are rows of the area's own entry model with a
``status`` ("waitlisted" → "confirmed") and an order (``created_at``, ``id``).
"""
from __future__ import annotations

from functools import lru_cache

from sqlalchemy import bindparam, func, or_, select, update

from ..core.errors import DomainError
from ..extensions import db

CONFIRMED = "confirmed"
WAITLISTED = "waitlisted"
OFFERED = "offered"  # an area's entry holding a freed seat until it accepts or the offer expires
CANCELLED = "cancelled"


def take_seat(pool_model, pool_id: int, seats: int = 1) -> bool:
    """Take seats if they are free; True when taken. Never oversells, whatever the concurrency."""
    result = db.session.execute(
        update(pool_model)
        .where(pool_model.id == pool_id,
               or_(pool_model.capacity.is_(None), pool_model.taken + seats <= pool_model.capacity))
        .values(taken=pool_model.taken + seats)
        .execution_options(synchronize_session=False))
    return result.rowcount == 1


def release_seat(pool_model, pool_id: int, seats: int = 1) -> None:
    db.session.execute(
        update(pool_model).where(pool_model.id == pool_id, pool_model.taken >= seats)
        .values(taken=pool_model.taken - seats).execution_options(synchronize_session=False))


def promote_waitlist(pool_model, pool_id: int, entry_model, pool_column, *, order_by=None,
                     promote_to: str = CONFIRMED) -> list:
    """Confirm waiting entries, in order, while seats are free; return those promoted.

    The pool row is locked first so that two cancellations at once promote two
    different people, never the same one twice. The caller commits (and queues
    the "you have a place" message in the same transaction).
    """
    db.session.execute(select(pool_model.id).where(pool_model.id == pool_id).with_for_update())
    promoted = []
    order = order_by if order_by is not None else (entry_model.created_at, entry_model.id)
    while True:
        entry = db.session.scalar(
            select(entry_model).where(pool_column == pool_id, entry_model.status == WAITLISTED)
            .order_by(*order).limit(1).with_for_update())
        if entry is None or not take_seat(pool_model, pool_id):
            break
        entry.status = promote_to  # or an area's "offered": the seat is held for them all the same
        db.session.flush()
        promoted.append(entry)
    return promoted


class OfferGone(DomainError):
    """The offer of a freed seat or place expired (it went to the next in line) or was already answered."""

    code = "offer_gone"


def settle_offer(entry_model, entry_id: int, now, *, accepted: bool, **values) -> bool:
    """Settle one offer of a freed seat: accepted before it expires, or lapsed from its expiry on.

    One conditional UPDATE (``values`` are the new status and the like), so an accept and the
    expiry sweeps racing it never both win; True when this call settled it. The caller commits."""
    in_time = entry_model.offer_expires_at > now if accepted else entry_model.offer_expires_at <= now
    result = db.session.execute(
        update(entry_model).where(entry_model.id == entry_id, entry_model.status == OFFERED, in_time)
        .values(**values).execution_options(synchronize_session=False))
    return result.rowcount == 1


def lapse_offers(entry_model, now, **values):
    """Yield each entry whose offer expired by ``now`` and that this call lapsed (status "cancelled",
    and ``values``), loaded, the earliest expiry first; the caller frees each seat and commits."""
    due = db.session.scalars(select(entry_model.id).where(entry_model.status == OFFERED,
                                                          entry_model.offer_expires_at <= now)
                             .order_by(entry_model.offer_expires_at, entry_model.id)).all()
    for entry_id in due:
        if settle_offer(entry_model, entry_id, now, accepted=False, status=CANCELLED, **values):
            yield db.session.get(entry_model, entry_id, populate_existing=True)


def waitlist_position(entry_model, pool_column, entry) -> int:
    """1 for the first in line.

    ``created_at <= mine`` is said on its own (besides the tie on id) so that PostgreSQL bounds its
    index scan there: it reads those ahead in line, not the whole line (issue 19).
    """
    return db.session.scalar(_position_query(entry_model, pool_column.key), {
        "pool": getattr(entry, pool_column.key), "created_at": entry.created_at, "id": entry.id}) or 0


@lru_cache(maxsize=8)
def _position_query(entry_model, pool_key: str):
    """Built once per kind of entry: a ticket page builds no SQL expression (issue 19: building it
    was a third of the position's Python CPU in a py-spy profile of the web registration path)."""
    created_at = bindparam("created_at", type_=entry_model.created_at.type)
    return select(func.count()).select_from(entry_model).where(
        getattr(entry_model, pool_key) == bindparam("pool"), entry_model.status == WAITLISTED,
        entry_model.created_at <= created_at,
        or_(entry_model.created_at < created_at, entry_model.id <= bindparam("id")))
