"""Supervisors listening in or whispering on live calls (conference participants)."""

from __future__ import annotations

import logging

from pydantic import BaseModel
from twilio.base.exceptions import TwilioException

from channels.voice import bridge, control
from console.api.core.blueprint import actor, api, bp
from console.core import database
from console.core.errors import error_response
from crm.core.errors import Conflict
from crm.voice import monitoring

log = logging.getLogger(__name__)


class MonitorOut(BaseModel):
    """The supervisor's listening session on a call (mode None: stopped)."""

    interaction_id: int
    agent_id: int | None
    mode: str | None
    simulated: bool
    # The supervisor's participant CallSid (None in demo mode, where nothing is dialled).
    participant_call_sid: str | None = None


def _twilio_failed(interaction_id: int, exc: Exception):
    database.session().rollback()
    log.warning("Twilio refused a monitor change on call %s: %s", interaction_id, exc)
    return error_response(502, "twilio_error", "Twilio refused the change; nothing changed. "
                                               "Try again.")


def _monitor(interaction_id: int, mode: str):
    session = database.session()
    me = actor()
    item = monitoring.supervised_call(session, me, interaction_id)
    simulated = not control.rest_configured()
    leg = None
    if not simulated:
        conf = monitoring.conference(item)
        if not conf.get("sid") or not conf.get("agent_leg"):
            raise Conflict("the agent's phone is not connected to this call yet",
                           code="no_agent_leg")
        mine = monitoring.monitor_of(item, me.id) or {}
        try:
            leg = bridge.monitor(conf, me.id, mode, mine.get("leg"))
        except (TwilioException, OSError) as exc:
            return _twilio_failed(interaction_id, exc)
    monitoring.start(session, me, item, mode, leg)
    session.commit()
    return MonitorOut(interaction_id=item.id, agent_id=item.agent_id, mode=mode,
                      simulated=simulated, participant_call_sid=leg)


@api.route(bp, "/calls/<int:interaction_id>/listen", "POST",
           summary="Listen in on a live call (supervisors)", response=MonitorOut,
           tags=["voice"], errors=(403, 409, 422, 502))
def listen(interaction_id: int):
    """The supervisor's browser phone joins the call muted; audited."""
    return _monitor(interaction_id, "listen")


@api.route(bp, "/calls/<int:interaction_id>/whisper", "POST",
           summary="Whisper to the agent on a live call (supervisors)", response=MonitorOut,
           tags=["voice"], errors=(403, 409, 422, 502))
def whisper(interaction_id: int):
    """The supervisor coaches: the agent hears them, the caller does not; audited."""
    return _monitor(interaction_id, "whisper")


@api.route(bp, "/calls/<int:interaction_id>/monitor/stop", "POST",
           summary="Stop listening to a call (supervisors)", response=MonitorOut,
           tags=["voice"], errors=(403, 409, 422, 502))
def stop(interaction_id: int):
    """The supervisor's browser phone leaves the call; audited."""
    session = database.session()
    me = actor()
    item = monitoring.supervised_call(session, me, interaction_id, live=False)
    conf = monitoring.conference(item)
    mine = monitoring.stop(session, me, item)
    simulated = not control.rest_configured()
    if not simulated and mine.get("leg") and conf.get("sid"):
        try:
            bridge.stop_monitor(conf, mine["leg"])
        except (TwilioException, OSError) as exc:
            return _twilio_failed(interaction_id, exc)
    session.commit()
    return MonitorOut(interaction_id=item.id, agent_id=item.agent_id, mode=None,
                      simulated=simulated, participant_call_sid=mine.get("leg"))
