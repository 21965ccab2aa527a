"""Voice API: the browser phone's token, click-to-call, call controls, wrap-up, recordings."""

from __future__ import annotations

import logging

from flask import Response, current_app
from pydantic import BaseModel, ConfigDict, Field
from twilio.base.exceptions import TwilioException

from channels.voice import bridge, control, twiml
from console.api.core.blueprint import actor, api, bp
from console.api.core.openapi import NOT_BLANK, documented
from console.api.core.schemas import DispositionOut, InteractionOut, present
from console.api.core.times import IsoDateTime
from console.core import database
from console.core.errors import error_response
from console.demo import audio as demo_audio
from console.routing import presence
from console.routing import service as routing
from console.voice.screen_pop import set_presence
from crm.core.errors import NotFound
from crm.customers import identity
from crm.models import Interaction, User
from crm.voice import calls, callwork, monitoring

log = logging.getLogger(__name__)


class VoiceTokenOut(BaseModel):
    """The browser phone's access token and the identity calls reach it by."""

    token: str
    identity: str


class CallIn(BaseModel):
    """Click-to-call: the number to dial (the customer's first phone when omitted)."""

    to: str | None = Field(default=None, max_length=40)


class CallOut(BaseModel):
    """The outbound call recorded on the case and what the browser phone passes to Twilio."""

    interaction: dict
    params: dict
    simulated: bool


class TransferIn(BaseModel):
    """Transfer to another agent (user_id) or to a queue (line of work), exactly one of them;
    `warm` (consult the agent first) applies to an agent."""

    model_config = ConfigDict(json_schema_extra={"oneOf": [
        {"required": ["user_id"], "not": {"required": ["queue"]}},
        {"required": ["queue"], "not": {"required": ["user_id"]}}]})

    user_id: int | None = Field(default=None, json_schema_extra=documented(nullable=False))
    queue: str | None = Field(default=None, max_length=32,
                              json_schema_extra=documented(nullable=False, **NOT_BLANK))
    warm: bool = False


class RecordingIn(BaseModel):
    """Pause (card capture) or resume the call recording."""

    paused: bool


class WrapUpIn(BaseModel):
    """The disposition code (required) and notes of a finished call."""

    disposition: str = Field(min_length=1, max_length=64, description="a code of the call's "
                             "line of work (see its dispositions)")
    notes: str = Field(default="", max_length=callwork.MAX_NOTES)
    # What a collections code needs: promise_to_pay an amount and day, attorney a name.
    debt_account_id: int | None = Field(default=None, description="which debt account, when "
                                        "the case has several")
    amount_cents: int | None = Field(default=None, description="promise_to_pay: how much")
    due_on: str | None = Field(default=None, description="promise_to_pay: by when "
                               "(YYYY-MM-DD)")
    attorney_name: str | None = Field(default=None, max_length=200,
                                      description="attorney: who represents the debtor")
    attorney_phone: str | None = Field(default=None, max_length=40)
    callback_at: IsoDateTime | None = Field(
        default=None,
        description="callback: when to call the customer back (a task for the agent is made)")


class DispositionsOut(BaseModel):
    """The codes allowed for one call."""

    items: list[DispositionOut]


class ColleagueOut(BaseModel):
    """A colleague a call can be handed to, with their status now."""

    id: int
    name: str
    status: str


class TransferTargetsOut(BaseModel):
    """Where a call can go: its client's queues, and colleagues (available ones first)."""

    queues: list[str]
    agents: list[ColleagueOut]


class MyCallOut(BaseModel):
    """The signed-in agent's call not yet wrapped up (none: null), for their phone after a
    reload: on the line (live) or awaiting the disposition."""

    interaction: dict | None = None
    live: bool = False
    label: str | None = None
    timers: dict = Field(default_factory=dict)
    recording_paused: bool = False
    answered_at: str | None = None


class CallStateOut(BaseModel):
    """A call after a control: its timeline row and its timers."""

    interaction: dict
    timers: dict
    simulated: bool
    # Warm transfer: what the browser phone passes to Twilio to ring the colleague.
    consult: dict | None = None
    # Warm transfer in the call's conference: the colleague joined caller and agent.
    three_way: bool = False


@api.route(bp, "/voice/token", "POST", summary="Browser phone access token",
           response=VoiceTokenOut, tags=["voice"], errors=(503,))
def voice_token():
    """An AccessToken with a VoiceGrant for the signed-in agent (503 without Twilio)."""
    identity = control.identity_for(actor().id)
    try:
        return VoiceTokenOut(token=control.access_token(identity), identity=identity)
    except control.NotConfigured as exc:
        return error_response(503, "twilio_not_configured",
                              f"{exc}; the browser phone runs in simulation")


@api.route(bp, "/cases/<int:case_id>/calls", "POST", summary="Click-to-call from a case",
           body=CallIn, response=CallOut, status=201, tags=["voice"], errors=(409,))
def start_call(case_id: int, body: CallIn):
    """Record an outbound call on the case; the browser phone then dials it via the TwiML App."""
    session = database.session()
    item = calls.start_outbound(session, actor(), case_id, to=body.to,
                                caller_id=control.settings().twilio_phone_number,
                                region=control.settings().default_phone_region)
    session.commit()
    return CallOut(interaction=present(InteractionOut, item),
                   params={"To": item.to_addr, "InteractionId": str(item.id)},
                   simulated=not control.voice_configured())


def _control(interaction_id: int, change, twilio_action=None):
    """Apply a call change, tell Twilio (when configured), then commit both or neither."""
    session = database.session()
    item = change(session)
    simulated = not control.rest_configured()
    if twilio_action is not None and not simulated and calls.customer_leg(item):
        try:
            twilio_action(item)
        except (TwilioException, OSError) as exc:  # refused, or unreachable (requests' errors)
            session.rollback()
            log.warning("Twilio refused a call control on %s: %s", interaction_id, exc)
            return error_response(502, "twilio_error", "Twilio refused the change; the call "
                                                       "is as it was. Try again.")
    session.commit()
    return CallStateOut(interaction=present(InteractionOut, item),
                        timers=(item.meta or {}).get("timers", {}), simulated=simulated)


def _redirect(doc):
    return lambda item: control.redirect(calls.customer_leg(item), doc)


def _bridged(conferenced, otherwise):
    """A Twilio action for calls in a conference, and one for calls bridged by a redirect."""
    def act(item):
        conf = monitoring.conference(item)
        return conferenced(item, conf) if conf.get("sid") else otherwise(item)
    return act


def _reconnect(user_id: int, interaction_id: int):
    # Calls not in a conference (outbound ones) dial the agent's browser again.
    return _redirect(twiml.connect_client(control.identity_for(user_id), interaction_id))


@api.route(bp, "/calls/<int:interaction_id>/hold", "POST", summary="Put the caller on hold",
           response=CallStateOut, tags=["voice"], errors=(409, 422, 502))
def hold_call(interaction_id: int):
    """Music on hold for the caller (participant hold); the hold timer runs."""
    return _control(interaction_id, lambda s: callwork.hold(s, actor(), interaction_id),
                    _bridged(lambda item, conf: bridge.hold(conf, item.provider_id, on=True),
                             _redirect(twiml.hold())))


@api.route(bp, "/calls/<int:interaction_id>/resume", "POST", summary="Resume a held call",
           response=CallStateOut, tags=["voice"], errors=(409, 422, 502))
def resume_call(interaction_id: int):
    """The caller hears the agent again."""
    return _control(interaction_id, lambda s: callwork.resume(s, actor(), interaction_id),
                    _bridged(lambda item, conf: bridge.hold(conf, item.provider_id, on=False),
                             _reconnect(actor().id, interaction_id)))


@api.route(bp, "/calls/<int:interaction_id>/transfer", "POST", summary="Transfer a call",
           body=TransferIn, response=CallStateOut, tags=["voice"], errors=(409, 502))
def transfer_call(interaction_id: int, body: TransferIn):
    """Cold transfer to another agent's phone, or back into a queue (offered again)."""
    session = database.session()
    target = None
    if body.user_id is not None:
        target = callwork.transfer_target(session, actor(), interaction_id, body.user_id)
        presence.require_reachable(target, call=True)  # never a caller left with nobody
    if body.warm and target is not None:
        return _consult(session, interaction_id, target)
    if target is None:
        def to_queue(item):
            # The caller leaves the conference (which ends with them) for the queue.
            control.redirect(calls.customer_leg(item), twiml.to_queue(body.queue or "general"))
            monitoring.leave_conference(item)
        action = to_queue
    else:
        action = _bridged(lambda item, conf: monitoring.note_conference(
            item, **bridge.hand_over(conf, target.id)), _reconnect(target.id, interaction_id))
    return _control(interaction_id, lambda s: callwork.transfer(
        s, actor(), interaction_id, to_user=target, to_queue=body.queue), action)


def _consult(session, interaction_id: int, target: User):
    """Warm transfer, step one: a three-way call when the call is in a conference."""
    item = session.get(Interaction, interaction_id)
    three_way = bool(item is not None and monitoring.conference(item).get("sid")
                     and control.rest_configured())
    if three_way:
        out = _control(interaction_id, lambda s: callwork.consult(
            s, actor(), interaction_id, target, hold=False),
            lambda item: monitoring.note_conference(
                item, **bridge.add_colleague(monitoring.conference(item), target.id)))
        if isinstance(out, CallStateOut):
            out.three_way = True
        return out
    # Otherwise the caller holds while the agent's browser rings the colleague's to brief them.
    out = _control(interaction_id, lambda s: callwork.consult(
        s, actor(), interaction_id, target), _redirect(twiml.hold()))
    if isinstance(out, CallStateOut):
        out.consult = {"To": f"client:{control.identity_for(target.id)}",
                       "InteractionId": str(interaction_id), "Consult": "1"}
    return out


@api.route(bp, "/calls/<int:interaction_id>/rejoin", "POST",
           summary="Ring my phone into my live call again", response=CallStateOut,
           tags=["voice"], errors=(409, 422, 502))
def rejoin_call(interaction_id: int):
    """After a reload the browser has no audio leg: ring it into the call again."""
    agent_id = actor().id
    return _control(interaction_id, lambda s: callwork.rejoin(s, actor(), interaction_id),
                    _bridged(lambda item, conf: monitoring.note_conference(
                        item, **bridge.rejoin(conf, agent_id)),
                        _reconnect(agent_id, interaction_id)))


@api.route(bp, "/voice/my-call", summary="My call that is not wrapped up yet",
           response=MyCallOut, tags=["voice"])
def my_call():
    """What the agent's phone shows again after a reload: the call, or its wrap-up."""
    session = database.session()
    found = callwork.current_call(session, actor())
    if found is None:
        return MyCallOut()
    item, live = found
    label = item.from_addr if item.direction == "inbound" else item.to_addr
    meta = item.meta or {}
    return MyCallOut(interaction=present(InteractionOut, item), live=live, label=label,
                     timers=meta.get("timers", {}),
                     recording_paused=bool(meta.get("recording_paused")),
                     answered_at=callwork.answered_at(item))


@api.route(bp, "/calls/<int:interaction_id>/transfer-targets",
           summary="Queues and colleagues a call can be transferred to",
           response=TransferTargetsOut, tags=["voice"], errors=(409, 422))
def transfer_targets(interaction_id: int):
    """The phone's transfer picker: queues by name, colleagues by name and status."""
    queues, colleagues = callwork.transfer_targets(database.session(), actor(), interaction_id)
    agents = [ColleagueOut(id=u.id, name=u.name, status=presence.status_of(u.id))
              for u in colleagues]
    agents.sort(key=lambda a: a.status != "available")  # stable: by name within each group
    return TransferTargetsOut(queues=queues, agents=agents)


@api.route(bp, "/calls/<int:interaction_id>/transfer/complete", "POST",
           summary="Complete a warm transfer", response=CallStateOut, tags=["voice"],
           errors=(409, 422, 502))
def complete_transfer(interaction_id: int):
    """Leave the colleague with the caller (three-way), or hand them the held caller."""
    target: dict = {}

    def change(s):
        item, target["id"] = callwork.complete_transfer(s, actor(), interaction_id)
        return item

    return _control(interaction_id, change, _bridged(
        lambda item, conf: monitoring.note_conference(
            item, **bridge.complete(conf, target["id"])),
        lambda item: control.redirect(calls.customer_leg(item), twiml.connect_client(
            control.identity_for(target["id"]), interaction_id))))


@api.route(bp, "/calls/<int:interaction_id>/transfer/cancel", "POST",
           summary="Cancel a warm transfer", response=CallStateOut, tags=["voice"],
           errors=(409, 422, 502))
def cancel_transfer(interaction_id: int):
    """Back to the caller; the colleague is not handed the call (and leaves a three-way)."""
    return _control(interaction_id, lambda s: callwork.cancel_consult(s, actor(), interaction_id),
                    _bridged(lambda item, conf: monitoring.note_conference(
                        item, **bridge.cancel(conf)), _reconnect(actor().id, interaction_id)))


@api.route(bp, "/calls/<int:interaction_id>/end", "POST", summary="End a call",
           response=CallStateOut, tags=["voice"], errors=(409, 422, 502))
def end_call(interaction_id: int):
    """Hang up; wrap-up time starts (the agent is in wrap-up, for a limited time)."""
    out = _control(interaction_id, lambda s: callwork.ended(s, actor(), interaction_id),
                   lambda item: control.hang_up(calls.customer_leg(item)))
    if presence.status_of(actor().id) == "busy":
        routing.start_wrap_up(actor())
    return out


@api.route(bp, "/calls/<int:interaction_id>/recording", "POST",
           summary="Pause or resume the call recording", body=RecordingIn,
           response=CallStateOut, tags=["voice"], errors=(409, 502))
def pause_recording(interaction_id: int, body: RecordingIn):
    """Pause while card details are given (PCI DSS), then resume; both audited."""
    return _control(interaction_id, lambda s: callwork.recording(
        s, actor(), interaction_id, paused=body.paused),
        lambda item: control.set_recording(item.provider_id, paused=body.paused))


@api.route(bp, "/calls/<int:interaction_id>/dispositions", summary="Wrap-up codes for a call",
           response=DispositionsOut, tags=["voice"], errors=(409, 422))
def call_dispositions(interaction_id: int):
    """The disposition codes of the call's line of work."""
    session = database.session()
    item = callwork.get_call(session, actor(), interaction_id, handed_on=True)
    line = callwork.line_of(session, item)
    return DispositionsOut(items=[DispositionOut(code=c, label=label, line_of_work=line)
                                  for c, label in callwork.dispositions(session, line,
                                                                        item.client_id)])


WRAP_UP_DETAILS = {"debt_account_id", "amount_cents", "due_on", "attorney_name",
                   "attorney_phone", "callback_at"}


@api.route(bp, "/calls/<int:interaction_id>/wrap-up", "POST", summary="Wrap up a call",
           body=WrapUpIn, response=CallStateOut, tags=["voice"], errors=(409, 502))
def wrap_up_call(interaction_id: int, body: WrapUpIn):
    """Record the disposition and notes; talk, hold and wrap-up times are kept."""
    out = _control(interaction_id, lambda s: callwork.wrap_up(
        s, actor(), interaction_id, disposition=body.disposition, notes=body.notes,
        details=body.model_dump(include=WRAP_UP_DETAILS, exclude_none=True)))
    if presence.status_of(actor().id) in ("busy", "wrap-up"):
        set_presence(actor(), "available")  # ready for the next call
    return out


@api.route(bp, "/recordings/<int:attachment_id>", summary="Play a call recording",
           tags=["voice"], errors=(502, 503))
def play_recording(attachment_id: int):
    """The audio, fetched from Twilio with our credentials (no Twilio URL reaches the page);
    demo mode, with no Twilio account, plays a generated stand-in."""
    session = database.session()
    att = calls.recording_to_play(session, actor(), attachment_id)
    session.commit()
    ctype, name = att.content_type, att.filename
    try:
        audio = control.fetch_recording(att.source_url)
    except control.NotConfigured:
        if not current_app.config["CASELINE"].simulator:
            return error_response(503, "twilio_not_configured",
                                  "recordings are kept at Twilio, which is not configured here")
        audio, ctype = demo_audio.recording((att.meta or {}).get("duration")), "audio/wav"
        name = name.rsplit(".", 1)[0] + ".wav"
    except (LookupError, TwilioException, OSError) as exc:
        log.warning("could not fetch recording %s: %s", att.id, exc)
        return error_response(502, "twilio_error", "Twilio did not return the recording")
    return Response(audio, mimetype=ctype,
                    headers={"Cache-Control": "private, no-store",
                             "X-Content-Type-Options": "nosniff",
                             "Content-Disposition": f'inline; filename="{name}"'})


class SimulateIn(BaseModel):
    """A simulated inbound call (demo mode): from this number, or a demo customer's."""

    caller: str | None = Field(default=None, max_length=40)


class SimulatedOut(BaseModel):
    """The CallSid of the simulated call."""

    call_sid: str


@api.route(bp, "/voice/simulate", "POST", summary="Place a simulated inbound call (demo mode)",
           body=SimulateIn, response=SimulatedOut, status=202, tags=["voice"], errors=(404,))
def simulate_call(body: SimulateIn):
    """Twilio's side of an inbound call, played through the signed webhooks (demo only)."""
    sim = current_app.extensions.get("caseline.voice_simulator")
    if sim is None:
        raise NotFound("the call simulator runs only in demo mode")
    caller = identity.normalise_phone(body.caller, control.settings().default_phone_region) \
        if body.caller else None
    return SimulatedOut(call_sid=sim.place_call(caller))


class DispositionIn(BaseModel):
    """A new wrap-up code for a line of work."""

    line_of_work: str = Field(min_length=1, max_length=32,
                              json_schema_extra=documented(**NOT_BLANK))
    code: str = Field(min_length=1, max_length=64, description="letters, digits and "
                      "underscores (stored in lower case)")
    label: str = Field(min_length=1, max_length=120, json_schema_extra=documented(**NOT_BLANK))
    client_id: int | None = Field(default=None, description="the client whose list it joins "
                                  "(default: your only client; required with several)")


class DispositionQuery(BaseModel):
    """Which line of work's codes to list, and for which client."""

    line_of_work: str = Field(default="general", max_length=32)
    client_id: int | None = Field(default=None, description="default: your only client; "
                                  "without one, the codes every client shares")


@api.route(bp, "/dispositions", summary="Wrap-up codes of a line of work",
           query=DispositionQuery, response=DispositionsOut, tags=["voice"], errors=(404,))
def list_dispositions(query: DispositionQuery):
    """The codes agents choose from after a call of this line of work."""
    codes = callwork.dispositions(database.session(), query.line_of_work,
                                  callwork.client_of(actor(), query.client_id))
    return DispositionsOut(items=[DispositionOut(code=c, label=label,
                                                 line_of_work=query.line_of_work)
                                  for c, label in codes])


@api.route(bp, "/dispositions", "POST", summary="Add a wrap-up code", body=DispositionIn,
           response=DispositionOut, status=201, tags=["voice"], errors=(403, 404, 409))
def add_disposition(body: DispositionIn):
    """Supervisors and admins configure the codes per line of work."""
    session = database.session()
    row = callwork.add_disposition(session, actor(), body.line_of_work, body.code, body.label,
                                   body.client_id)
    session.commit()
    return DispositionOut.model_validate(row)
