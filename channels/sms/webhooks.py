"""Twilio Messaging webhooks: inbound SMS/WhatsApp and message status callbacks."""

from __future__ import annotations

import logging

from flask import Blueprint, Response, request
from twilio.twiml.messaging_response import MessagingResponse

from channels.host import committed, db_session, settings
from channels.twilio.signature import twilio_signed
from crm.cases.landing import InboundMessage
from crm.core.errors import Invalid
from crm.messaging import delivery
from crm.messaging import texts as messaging
from crm.models import Interaction
from crm.tenancy import clients as tenancy

log = logging.getLogger(__name__)
bp = Blueprint("twilio_messaging", __name__, url_prefix="/webhooks/twilio/messaging")
EMPTY_TWIML = str(MessagingResponse())
MESSAGING_MEDIA = ("sms", "whatsapp")
# What Twilio's error codes mean, for the agent, when the callback carries no ErrorMessage.
ERROR_TEXT = {
    "30003": "Unreachable destination handset",
    "30004": "Message blocked by the recipient or carrier",
    "30005": "Unknown destination handset",
    "30006": "Landline or unreachable carrier",
    "30007": "Filtered by the carrier as spam",
    "30008": "Unknown error at the carrier",
    "21610": "The recipient replied STOP to this number",
    "63016": "Outside the WhatsApp 24-hour window: only an approved template can be sent",
}


def all_params() -> dict:
    """Every POSTed parameter (Twilio adds new ones without notice): keep them all."""
    return {k: v[0] if len(v) == 1 else v for k, v in request.form.lists()}


def twiml() -> Response:
    """The empty TwiML answer: nothing for Twilio to do, and it is sent at once."""
    return Response(EMPTY_TWIML, mimetype="text/xml")


@bp.post("/incoming")
@twilio_signed
def incoming():
    """An inbound SMS or WhatsApp message: recorded once on the sender's case."""
    form = request.form
    sid = form.get("MessageSid") or form.get("SmsMessageSid") or form.get("SmsSid")
    sender, recipient = form.get("From", ""), form.get("To", "")
    if not sid or not sender or not recipient:
        raise Invalid("MessageSid, From and To are required")
    medium = "whatsapp" if sender.lower().startswith("whatsapp:") else "sms"
    count = int(form.get("NumMedia") or 0)  # 0 to 10: twilio_signed checked its form
    media = [(form[f"MediaUrl{n}"], form.get(f"MediaContentType{n}", ""))
             for n in range(count) if form.get(f"MediaUrl{n}")]
    msg = InboundMessage(medium=medium, provider_id=sid, sender=sender, recipient=recipient,
                         body=form.get("Body", ""), sender_name=form.get("ProfileName") or None,
                         meta={"twilio": all_params()})
    try:
        tenancy.refuse_archived(db_session(), "phone", recipient)
    except tenancy.ClientArchived as exc:
        # Nothing stored: the sender is told once, politely, instead of a silent drop.
        log.info("message %s to %s, an archived client's number", sid, recipient)
        reply = MessagingResponse()
        reply.message(exc.message)
        return Response(str(reply), mimetype="text/xml")
    region = settings().default_phone_region
    # Stored, and queued for routing, in one transaction (shared with other messages arriving
    # at the same moment); answered once committed, so Twilio retries whatever was not.
    got = committed(lambda session: messaging.receive_message(session, msg, region=region,
                                                              media=media),
                    item=(msg, region, media), many=messaging.receive_messages)
    log.debug("message %s on case %s", sid, got.case.id)
    return twiml()


@bp.post("/status")
@twilio_signed
def status():
    """A message status callback: moves our outbound message forward, never back."""
    form = request.form
    sid, state = form.get("MessageSid", ""), form.get("MessageStatus", "")
    session = db_session()
    item = None
    ident = request.args.get("interaction", type=int)
    if ident:
        item = session.get(Interaction, ident)
        if item is not None and (item.medium not in MESSAGING_MEDIA
                                 or (item.provider_id and sid and item.provider_id != sid)):
            item = None
    elif sid:
        item = delivery.by_provider_id(session, MESSAGING_MEDIA, sid)
    if item is None:
        log.info("status callback for an unknown message %s (%s)", sid, state)
        return twiml()
    error = None
    code = form.get("ErrorCode")
    if code and code != "0":
        error = {"code": code, "message": form.get("ErrorMessage") or ERROR_TEXT.get(
            code, "see Twilio's error dictionary")}
    if sid:
        delivery.set_provider_id(session, item.id, sid)
    delivery.advance(session, item.id, delivery.PROVIDER_STATUS.get(state, ""), error=error,
                     raw=all_params())
    session.commit()
    return twiml()
