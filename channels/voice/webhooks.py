"""Twilio Voice webhooks: every one signed by Twilio, thin, answering TwiML at once."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, g, request
from sqlalchemy.orm import Session

from channels.twilio.signature import twilio_signed
from channels.voice import adapter, control, twiml  # noqa: F401  (adapter registers itself)
from crm.core.errors import Invalid
from crm.hours import outside
from crm.models import Case, Interaction, User
from crm.routing import offers
from crm.routing import router as routing
from crm.tenancy import clients as tenancy
from crm.voice import calls, callwork

bp = Blueprint("twilio_voice", __name__, url_prefix="/webhooks/twilio/voice")
DEFAULT_VOICEMAIL_AFTER = 60


def db() -> Session:
    """The app context's session (the same one the console uses; channels cannot import it)."""
    if "db_session" not in g:
        g.db_session = current_app.extensions["caseline.db"].factory()
    return g.db_session


def xml(doc) -> Response:
    """A TwiML response."""
    return Response(str(doc), mimetype="text/xml")


def _int(name: str) -> int | None:
    try:
        return int(request.form[name])
    except (KeyError, ValueError):
        return None


def _extra(name: str, default):
    return control.settings().extra.get(name, default)


def _language(session: Session, item: Interaction | None) -> str | None:
    # What the caller is spoken to in: their customer record's language (None: English).
    case = session.get(Case, item.case_id) if item is not None else None
    return case.customer.language if case is not None else None


def _caller_language(session: Session) -> str | None:
    return _language(session, calls.by_call_sid(session, request.form.get("CallSid", "")))


@bp.post("/incoming")
@twilio_signed
def incoming():
    """A call to one of our numbers: land it on the caller's case, queue it, offer it."""
    form = request.form
    call_sid = form.get("CallSid", "")
    if not call_sid.startswith("CA"):
        raise Invalid("CallSid is missing")
    session = db()
    try:
        tenancy.refuse_archived(session, "phone", form.get("To", ""))
    except tenancy.ClientArchived as exc:
        # Twilio would read a 410 as "an application error": the caller hears why instead.
        return xml(twiml.goodbye(exc.message))
    landed = calls.land_inbound(session, call_sid=call_sid, caller=form.get("From", ""),
                                called=form.get("To", ""), caller_name=form.get("CallerName"),
                                region=control.settings().default_phone_region,
                                params=form.to_dict())
    queue = landed.interaction.meta.get("queue", calls.DEFAULT_QUEUE)
    shut = outside.closed(session, landed.interaction.client_id, queue)
    if shut is not None:
        # Outside business hours nobody is offered the call: the caller hears the client's
        # announcement and can leave a voicemail (a callback task when they do).
        calls.outside_hours(session, landed.interaction)
        session.commit()
        return xml(twiml.voicemail(shut.announcement, spoken_as=shut.language))
    offers.open_offer(session, landed.interaction, queue, new_call=landed.created)
    lang = _language(session, landed.interaction)  # the case is in the session already
    session.commit()
    return xml(twiml.enqueue(queue, _extra("voice_consent_message", twiml.CONSENT), lang=lang))


@bp.post("/status")
@twilio_signed
def status():
    """A call progress callback: duplicates and stragglers never move a call backwards."""
    form = request.form
    session = db()
    call_sid = form.get("CallSid", "")
    if calls.by_call_sid(session, call_sid) is None and form.get("ParentCallSid"):
        # The dialled leg of an outbound call: its progress is the call's progress.
        calls.note_customer_leg(session, form["ParentCallSid"], call_sid)
        call_sid = form["ParentCallSid"]
    calls.apply_status(session, call_sid, form.get("CallStatus", ""),
                       sequence=_int("SequenceNumber"), duration=_int("CallDuration"))
    session.commit()
    return Response(status=204)


@bp.post("/recording")
@twilio_signed
def recording():
    """A recording finished: attach it to its call (the audio stays at Twilio)."""
    form = request.form
    purpose = "voicemail" if request.args.get("purpose") == "voicemail" else "recording"
    session = db()
    calls.attach_recording(session, form.get("CallSid", ""),
                           recording_sid=form.get("RecordingSid", ""),
                           url=form.get("RecordingUrl", ""),
                           status=form.get("RecordingStatus", ""),
                           duration=_int("RecordingDuration"), kind=purpose)
    session.commit()
    return Response(status=204)


@bp.post("/wait")
@twilio_signed
def wait():
    """While the caller waits: music, then voicemail when nobody answered in time."""
    after = int(_extra("voice_voicemail_after", DEFAULT_VOICEMAIL_AFTER))
    session = db()
    place = routing.place_of_call(session, request.form.get("CallSid", ""))
    lang = _caller_language(session)
    session.commit()
    return xml(twiml.waiting(_int("QueueTime") or 0, after, place, lang=lang))


@bp.post("/queue-result")
@twilio_signed
def queue_result():
    """The caller left the queue: to voicemail, or hung up (abandoned)."""
    result = request.form.get("QueueResult", "")
    session = db()
    call_sid = request.form.get("CallSid", "")
    if result == "leave":
        calls.to_voicemail(session, call_sid)
        lang = _caller_language(session)
        session.commit()
        return xml(twiml.voicemail(lang=lang))
    calls.queue_left(session, call_sid, result)
    session.commit()
    return xml(twiml.empty())


@bp.post("/voicemail-done")
@twilio_signed
def voicemail_done():
    """After the message: thank the caller and hang up."""
    lang = _caller_language(db())
    db().rollback()
    return xml(twiml.goodbye(lang=lang))


@bp.post("/outbound")
@twilio_signed
def outbound():
    """The TwiML App's voice URL: an agent's browser dials a customer from a case."""
    form = request.form
    session = db()
    user_id = control.user_id_from(form.get("From", ""))
    user = session.get(User, user_id) if user_id else None
    try:
        interaction_id = int(form.get("InteractionId", ""))
    except ValueError:
        interaction_id = None
    item = session.get(Interaction, interaction_id) if interaction_id else None
    if form.get("Consult") == "1":
        return _consult(user, item, form.get("To", ""))
    # The number must be the one recorded on a case of the agent's own clients.
    if (user is None or not user.active or item is None or item.agent_id != user.id
            or item.client_id not in user.client_ids or item.direction != "outbound"
            or item.to_addr != form.get("To")):
        return xml(twiml.reject("This call is not allowed."))
    calls.link_outbound(session, item.id, form.get("CallSid", ""))
    session.commit()
    caller_id = control.settings().twilio_phone_number or item.from_addr or ""
    return xml(twiml.dial_number(item.to_addr, caller_id))


def _consult(user: User | None, item: Interaction | None, to: str) -> Response:
    # Agent-to-agent briefing before a warm transfer: only to the colleague named for it.
    callee = control.user_id_from(to)
    if (user is None or item is None or callee is None or item.client_id not in user.client_ids
            or not callwork.consult_allowed(item, user.id, callee)):
        return xml(twiml.reject("This call is not allowed."))
    return xml(twiml.consult(control.identity_for(callee)))
