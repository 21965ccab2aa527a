"""Collections' terms from the settings, the sweep of overdue promises, the sign-off hook."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app

from console.core import database
from console.core.config import Settings
from console.core.tasks import celery, periodic
from crm.collections import promises, settlements
from crm.collections.terms import Terms
from crm.core import events


def terms(settings: Settings | None = None) -> Terms:
    """The collections terms this server runs with (COLLECTIONS_* in the environment)."""
    s = settings or current_app.config["CASELINE"]
    return Terms(promise_tolerance_cents=s.collections_promise_tolerance_cents,
                 promise_grace_days=s.collections_promise_grace_days,
                 settlement_free_discount_pct=s.collections_settlement_free_discount_pct)


@periodic(timedelta(minutes=15))
@celery.task(name="caseline.break_overdue_promises")
def break_overdue_promises() -> int:
    """Mark promises past their grace period broken, with a follow-up task each (idempotent:
    a broken promise is no longer open)."""
    session = database.session()
    done = promises.sweep(session, terms=terms())
    session.commit()
    return done


def register_collections() -> None:
    """An approved settlement becomes its promise or plan in the approval's transaction."""
    events.subscribe_all(in_transaction=settlements.IN_TRANSACTION)
