"""The fraud queue in the console: an accepted offer takes its investigation; snoozes end."""

from __future__ import annotations

from datetime import timedelta

from console.core import database
from console.core.tasks import celery, periodic
from console.routing import offers as console_offers
from crm.fraud import investigations
from crm.models import Offer, User


@periodic(timedelta(minutes=1))
@celery.task(name="caseline.fraud.wake_snoozed")
def wake_snoozed() -> int:
    """Snoozed investigations whose time has come go back to the fraud queue (idempotent:
    a woken one is no longer snoozed)."""
    session = database.session()
    woke = investigations.wake_due(session)
    session.commit()
    return woke


def _taken(actor: User, offer: Offer) -> dict:
    """An investigator accepted a fraud queue offer: the investigation is theirs."""
    return investigations.taken_through_offer(database.session(), actor, offer)


def register_fraud() -> None:
    """Accepting an investigation's offer takes the investigation."""
    console_offers.when_taken(investigations.MEDIUM, _taken)
