"""Fraud work in the console: the fraud queue's offers and snoozes, and red-flag rules.

Rules run in the transaction that changed the facts, not as a task: a claim and the flags it
raises commit together, so the case never shows a saved claim without its flags, and a broker
outage loses no evaluation. The rules are a few indexed look-ups per case (near-matches scan a
bounded set), cheap enough to run before the commit; an interaction is only read for stated
facts when its case has claims.
"""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from console.core import database
from console.core.config import Settings
from console.core.tasks import celery, periodic
from console.routing import offers as console_offers
from crm.claims import records as claim_records
from crm.core import events
from crm.fraud import flags, investigations
from crm.fraud.rules import RULES, Thresholds, inconsistency
from crm.models import Case, Claim, Interaction, Offer, User

_DONE = "fraud.evaluated"


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



def thresholds(settings: Settings | None = None) -> Thresholds:
    """The rules' thresholds this server runs with (FRAUD_* in the environment)."""
    s = settings or current_app.config["CASELINE"]
    return Thresholds(loss_after_start_days=s.fraud_loss_after_start_days,
                      prior_claims=s.fraud_prior_claims,
                      prior_claims_days=s.fraud_prior_claims_days,
                      match_score=s.fraud_match_score, referral_flags=s.fraud_referral_flags,
                      phone_region=s.default_phone_region,
                      **{f"weight_{rule}": getattr(s, f"fraud_weight_{rule}") for rule in RULES})


def _once(session: Session, *key) -> bool:
    # Many events of one transaction about one case need one evaluation: the listeners run
    # as it commits, when every change of it is in.
    transaction = session.get_transaction()
    owner, done = session.info.get(_DONE, (None, set()))
    if owner is not transaction:  # a later transaction of the same session starts afresh
        done = set()
        session.info[_DONE] = (transaction, done)
    if key in done:
        return False
    done.add(key)
    return True


def on_case_fact(session: Session, name: str, payload: dict) -> None:
    """A claim or an investigation changed: evaluate every rule on its case."""
    case_id = payload.get("case_id")
    if case_id and _once(session, case_id):
        flags.evaluate(session, case_id, thresholds())


def on_customer(session: Session, name: str, payload: dict) -> None:
    """A customer's profile changed (a contact point, an identifier, a link)."""
    case_id = session.scalar(select(Case.id).where(
        Case.customer_id == payload.get("customer_id")))
    if case_id and _once(session, case_id):
        flags.evaluate(session, case_id, thresholds())


def on_interaction(session: Session, name: str, payload: dict) -> None:
    """A note, message or call wrap-up on a case with claims: read it for stated facts."""
    if payload.get("medium") not in (None, *inconsistency.MEDIA):
        return  # a system event: nothing to read, and no query spent finding out
    item = session.get(Interaction, payload.get("interaction_id") or 0)
    if item is None or item.medium not in inconsistency.MEDIA:
        return
    if not claim_records.any_for_client(session, item.client_id):
        return
    if session.scalar(select(Claim.id).where(Claim.case_id == item.case_id).limit(1)) is None:
        return
    if _once(session, item.case_id, item.id):
        flags.evaluate(session, item.case_id, thresholds(), rules=[inconsistency.NAME],
                       interaction_ids=[item.id])


def on_document(session: Session, name: str, payload: dict) -> None:
    """A document on a case with claims was read: compare its facts with the claims."""
    case_id = payload.get("case_id")
    if session.scalar(select(Claim.id).where(Claim.case_id == case_id).limit(1)) is None:
        return
    if _once(session, case_id, payload.get("interaction_id")):
        flags.evaluate(session, case_id, thresholds(), rules=[inconsistency.NAME],
                       interaction_ids=[payload["interaction_id"]])


IN_TRANSACTION = (
    (events.DOCUMENT_SUMMARISED, on_document),
    (events.CLAIM_CHANGED, on_case_fact),
    (events.INVESTIGATION_CHANGED, on_case_fact),
    (events.CUSTOMER_UPDATED, on_customer),
    (events.INTERACTION_CREATED, on_interaction),
    (events.INTERACTION_UPDATED, on_interaction),
)


def register_fraud() -> None:
    """Accepting an investigation's offer takes it; the red-flag rules run as facts change."""
    console_offers.when_taken(investigations.MEDIUM, _taken)
    events.subscribe_all(in_transaction=IN_TRANSACTION)
