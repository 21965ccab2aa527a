"""The conference an answered call lives in: joining it, hold, hand-overs, listening in.

Each function tells Twilio one change and returns what to remember in the interaction's
`meta.conference` (name, CF sid, the agent's participant CallSid, …); callers store it.
"""

from __future__ import annotations

from contextlib import suppress

from twilio.base.exceptions import TwilioException

from channels.voice import control, twiml


def connect(interaction_id: int, caller_leg: str, agent_id: int, *, record: bool) -> dict:
    """Ring the agent into the call's conference, then move the caller in (recorded)."""
    name = twiml.conference_name(interaction_id)
    # The agent first: if Twilio refuses them, the caller is still safely in the queue.
    leg, sid = control.add_participant(name, control.identity_for(agent_id),
                                       label=f"agent-{agent_id}",
                                       start_conference_on_enter=True)
    try:
        control.redirect(caller_leg, twiml.join_conference(name, record=record))
    except (TwilioException, OSError):
        with suppress(TwilioException, OSError):
            control.hang_up(leg)  # do not leave the agent in an empty conference
        raise
    return {"name": name, "sid": sid, "agent_leg": leg, "agent_id": agent_id}


def hold(conf: dict, caller_leg: str, *, on: bool) -> None:
    """Participant hold: the caller hears music, the agent stays in the conference."""
    changes = {"hold": on}
    if on:
        changes.update(hold_url=twiml.HOLD_MUSIC, hold_method="GET")
    control.update_participant(conf["sid"], caller_leg, **changes)


def _ring(conf: dict, user_id: int) -> str:
    leg, _ = control.add_participant(conf["name"], control.identity_for(user_id),
                                     label=f"agent-{user_id}")
    return leg


def hand_over(conf: dict, to_user_id: int) -> dict:
    """Cold transfer: the colleague joins, the first agent leaves."""
    leg = _ring(conf, to_user_id)
    control.remove_participant(conf["sid"], conf["agent_leg"])
    return {"agent_leg": leg, "agent_id": to_user_id, "consult_leg": None}


def rejoin(conf: dict, agent_id: int) -> dict:
    """The agent's browser lost its leg (a reload): ring it in again, drop the old leg."""
    leg = _ring(conf, agent_id)
    if conf.get("agent_leg"):
        control.remove_participant(conf["sid"], conf["agent_leg"])
    return {"agent_leg": leg, "agent_id": agent_id}


def add_colleague(conf: dict, to_user_id: int) -> dict:
    """Warm transfer, step one: the colleague joins caller and agent for a three-way call."""
    return {"consult_leg": _ring(conf, to_user_id), "consult_id": to_user_id}


def complete(conf: dict, to_user_id: int) -> dict:
    """Warm transfer, step two: the first agent leaves the colleague with the caller."""
    if not conf.get("consult_leg"):
        return hand_over(conf, to_user_id)
    control.remove_participant(conf["sid"], conf["agent_leg"])
    return {"agent_leg": conf["consult_leg"], "agent_id": to_user_id, "consult_leg": None,
            "consult_id": None}


def cancel(conf: dict) -> dict:
    """Abandon a warm transfer: the colleague leaves."""
    if conf.get("consult_leg"):
        control.remove_participant(conf["sid"], conf["consult_leg"])
    return {"consult_leg": None, "consult_id": None}


def monitor(conf: dict, supervisor_id: int, mode: str, leg: str | None = None) -> str:
    """A supervisor listens (muted) or whispers (coaching: only the agent hears); their leg.

    leg: the supervisor is already in the conference and only switches mode.
    """
    coach = {"coaching": True, "call_sid_to_coach": conf["agent_leg"], "muted": False} \
        if mode == "whisper" else {"coaching": False, "muted": True}
    if leg:
        control.update_participant(conf["sid"], leg, **coach)
        return leg
    if mode == "listen":
        coach.pop("coaching")  # a plain muted participant
    new_leg, _ = control.add_participant(conf["name"], control.identity_for(supervisor_id),
                                         label=f"monitor-{supervisor_id}", **coach)
    return new_leg


def stop_monitor(conf: dict, leg: str) -> None:
    """The supervisor leaves the call."""
    control.remove_participant(conf["sid"], leg)
