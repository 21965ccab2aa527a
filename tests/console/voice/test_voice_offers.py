"""Offers of inbound calls: screen pop to available agents, first accept wins atomically."""

import threading

from sqlalchemy import select

from console.core.database import get_db
from crm.core import events
from crm.core.errors import Conflict
from crm.models import Case, Claim, DebtAccount, InboundAddress, Interaction, Offer, User
from crm.routing import offers
from crm.tenancy import users
from tests import voice_support as tw
from tests.voice_support import received

CALL = "CA" + "c" * 32


def test_available_agent_gets_the_screen_pop_before_answering(client, session, make_user,
                                                              connect):
    ready, away = make_user("agent"), make_user("agent")
    a, b = connect(ready), connect(away, available=False)
    assert tw.post(client, tw.HOOKS + "/incoming", tw.incoming(CALL)).status_code == 200
    [pop] = received(a, events.OFFER_CREATED)
    assert received(b, events.OFFER_CREATED) == []
    assert pop["offer_id"] and pop["at"] and pop["queue"] == "general"
    assert pop["interaction"]["from_addr"] == tw.CALLER
    assert pop["interaction"]["status"] == "ringing"
    assert pop["customer"]["contact_points"][0]["value"] == tw.CALLER
    assert pop["case"]["reference"].startswith("CL-")
    assert {"recent", "open_lines", "flags"} <= set(pop)


def test_screen_pop_carries_the_callers_history_and_flags(client, session, make_user, connect,
                                                          default_client):
    from crm.cases import timeline
    from crm.customers import identity

    _, case, _ = identity.find_or_create(session, default_client.id, tw.CALLER)
    case.flags = ["vulnerable"]
    author = make_user("agent")
    timeline.record(session, case, medium="note", direction="internal", status="saved",
                    body="Asked for a payment holiday", agent_id=author.id)
    session.commit()
    sio = connect(make_user("agent"))
    tw.post(client, tw.HOOKS + "/incoming", tw.incoming(CALL))
    [pop] = received(sio, events.OFFER_CREATED)
    assert pop["flags"] == ["vulnerable"]
    assert [r["body"] for r in pop["recent"]] == ["Asked for a payment holiday"]
    assert pop["recent"][0]["agent"] == {"id": author.id, "name": author.name}


def test_screen_pop_names_the_lines_of_work_still_open(client, session, make_user, connect,
                                                       default_client):
    from crm.customers import identity

    _, case, _ = identity.find_or_create(session, default_client.id, tw.CALLER)
    session.add_all([
        Claim(client_id=case.client_id, case_id=case.id, number="CLM-OPEN", status="triage"),
        Claim(client_id=case.client_id, case_id=case.id, number="CLM-DONE", status="settled"),
        DebtAccount(client_id=case.client_id, case_id=case.id, account_number="ACC-PAID",
                    status="paid")])
    session.commit()
    sio = connect(make_user("agent"))
    tw.post(client, tw.HOOKS + "/incoming", tw.incoming(CALL))
    [pop] = received(sio, events.OFFER_CREATED)
    # A claim in triage is open; a paid debt is not; there is no investigation.
    assert pop["open_lines"] == ["insurance"]


def test_only_agents_with_the_queues_skill_are_offered(client, session, make_user, connect,
                                                       default_client):
    session.add(InboundAddress(client_id=default_client.id, kind="phone", value=tw.OUR_NUMBER,
                               line_of_work="collections"))
    session.commit()
    plain = make_user("agent")
    skilled = make_user("agent")
    skilled_row = session.get(User, skilled.id)
    skilled_row.skills = {"collections": 3}
    session.commit()
    p, s = connect(plain), connect(skilled)
    tw.post(client, tw.HOOKS + "/incoming", tw.incoming(CALL))
    assert received(p, events.OFFER_CREATED) == []
    assert received(s, events.OFFER_CREATED)[0]["queue"] == "collections"


def test_agent_becoming_available_is_offered_the_waiting_call(client, make_user, connect):
    tw.post(client, tw.HOOKS + "/incoming", tw.incoming(CALL))
    sio = connect(make_user("agent"), available=False)
    assert received(sio, events.OFFER_CREATED) == []
    sio.emit(events.PRESENCE_SET, {"status": "available"}, namespace="/agent", callback=True)
    assert len(received(sio, events.OFFER_CREATED)) == 1


def test_one_agent_at_a_time_is_offered_the_call_and_a_decline_moves_it_on(
        client, session, make_user, connect, twilio_api):
    # Routing (issue 4) replaced "offer to everyone": the longest-idle agent is offered the
    # call alone; others cannot take it from them; a decline hands it to the next agent.
    first, second = make_user("agent"), make_user("agent")
    a, b = connect(first), connect(second)
    tw.post(client, tw.HOOKS + "/incoming", tw.incoming(CALL))
    offer_id = received(a, events.OFFER_CREATED)[0]["offer_id"]
    assert received(b, events.OFFER_CREATED) == []
    snatched = b.emit(events.OFFER_ACCEPT, {"offer_id": offer_id}, namespace="/agent",
                      callback=True)
    assert snatched["ok"] is False and snatched["error"]["code"] == "offer_taken"

    assert a.emit(events.OFFER_DECLINE, {"offer_id": offer_id}, namespace="/agent",
                  callback=True)["ok"]
    [rescinded] = received(a, events.OFFER_RESCINDED)
    assert rescinded["offer_id"] == offer_id and rescinded["reason"] == "declined"
    assert received(b, events.OFFER_CREATED)[0]["offer_id"] == offer_id

    won = b.emit(events.OFFER_ACCEPT, {"offer_id": offer_id}, namespace="/agent", callback=True)
    late = a.emit(events.OFFER_ACCEPT, {"offer_id": offer_id}, namespace="/agent",
                  callback=True)
    assert won["ok"] is True and won["identity"] == f"agent-{second.id}"
    assert late["ok"] is False and late["error"]["code"] == "offer_taken"
    assert received(a, events.OFFER_CREATED) == []  # never offered back to who declined

    offer = session.get(Offer, offer_id)
    assert offer.status == "accepted" and offer.accepted_by_id == second.id
    # The winner's browser phone is rung into the call's conference, then the caller is
    # moved in (recorded on both sides) through the REST API.
    name = f"call-{offer.interaction_id}"
    [ring] = twilio_api.posts(f"/Conferences/{name}/Participants.json")
    assert ring["data"]["To"] == f"client:agent-{second.id}"
    assert ring["data"]["StartConferenceOnEnter"] == "true"
    [update] = twilio_api.posts(f"/Calls/{CALL}.json")
    assert "<Conference " in update["data"]["Twiml"] and f">{name}</Conference>" in update[
        "data"]["Twiml"]
    assert 'endConferenceOnExit="true"' in update["data"]["Twiml"]
    assert '<Recording channels="dual"' in update["data"]["Twiml"]
    item = session.get(Interaction, offer.interaction_id)
    assert item.provider_id == CALL  # the caller's CallSid stays the call's id
    conf = dict(item.meta["conference"])
    assert conf.pop("agent_leg").startswith("CA")
    assert conf == {"name": name, "sid": twilio_api.conference_sid(name), "agent_id": second.id}


def test_concurrent_accepts_have_exactly_one_winner(app, client, session, make_user):
    agent_ids = [make_user("agent").id for _ in range(4)]
    tw.post(client, tw.HOOKS + "/incoming", tw.incoming(CALL))
    offer_id = session.scalar(select(Offer.id))
    session.rollback()
    factory = get_db(app).factory
    barrier = threading.Barrier(len(agent_ids))
    outcome: dict[int, str] = {}

    def take(user_id):
        s = factory()
        try:
            actor = s.get(User, user_id)
            s.commit()  # SQLite: an open transaction would hold the write lock at the barrier
            barrier.wait()
            offers.accept(s, actor, offer_id)
            s.commit()
            outcome[user_id] = "won"
        except Conflict:
            s.rollback()
            outcome[user_id] = "lost"
        finally:
            s.close()

    threads = [threading.Thread(target=take, args=(uid,)) for uid in agent_ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(outcome.values()) == ["lost", "lost", "lost", "won"]
    winner = next(uid for uid, o in outcome.items() if o == "won")
    assert session.get(Offer, offer_id).accepted_by_id == winner


def test_caller_leaving_the_queue_rescinds_the_offer(client, make_user, connect):
    sio = connect(make_user("agent"))
    tw.post(client, tw.HOOKS + "/incoming", tw.incoming(CALL))
    offer_id = received(sio, events.OFFER_CREATED)[0]["offer_id"]
    tw.post(client, tw.HOOKS + "/queue-result", {"CallSid": CALL, "QueueResult": "hangup"})
    [gone] = received(sio, events.OFFER_RESCINDED)
    assert gone["offer_id"] == offer_id and gone["reason"] == "abandoned"
    ack = sio.emit(events.OFFER_ACCEPT, {"offer_id": offer_id}, namespace="/agent",
                   callback=True)
    assert ack["ok"] is False and ack["error"]["code"] == "offer_taken"


def test_another_clients_agent_cannot_accept(client, session, make_user, other_client,
                                             default_client, connect):
    session.add(InboundAddress(client_id=default_client.id, kind="phone", value=tw.OUR_NUMBER))
    session.commit()
    outsider = connect(make_user("agent", clients=[other_client]))
    tw.post(client, tw.HOOKS + "/incoming", tw.incoming(CALL))
    assert received(outsider, events.OFFER_CREATED) == []
    offer_id = session.scalar(select(Offer.id))
    session.rollback()
    ack = outsider.emit(events.OFFER_ACCEPT, {"offer_id": offer_id}, namespace="/agent",
                        callback=True)
    assert ack["ok"] is False and ack["error"]["code"] == "not_found"
    assert session.scalar(select(Case.id)) is not None
    assert session.get(Offer, offer_id).status == "open"


def test_supervisors_see_presence_changes(make_user, connect):
    boss = connect(make_user("supervisor"), available=False)
    worker = make_user("agent")
    connect(worker)
    # Signing in (away), then choosing to be available.
    signed_in, update = received(boss, events.PRESENCE_UPDATED)
    assert (signed_in["user_id"], signed_in["status"]) == (worker.id, "away")
    assert update["user_id"] == worker.id and update["status"] == "available" and update["at"]


def test_bad_presence_status_is_refused(make_user, connect):
    sio = connect(make_user("agent"), available=False)
    ack = sio.emit(events.PRESENCE_SET, {"status": "napping"}, namespace="/agent",
                   callback=True)
    assert ack["ok"] is False and ack["error"]["code"] == "invalid"


def test_case_watchers_see_the_call_progress_live(client, session, make_user, connect):
    tw.post(client, tw.HOOKS + "/incoming", tw.incoming(CALL))
    case_id = session.scalar(select(Case.id))
    session.rollback()
    sio = connect(make_user("agent"), available=False)
    assert sio.emit(events.CASE_WATCH, {"case_id": case_id}, namespace="/agent",
                    callback=True)["ok"]
    for seq, status in enumerate(("ringing", "in-progress")):
        tw.post(client, tw.HOOKS + "/status", tw.status(CALL, status, seq))
    tw.post(client, tw.HOOKS + "/status", tw.status(CALL, "completed", 2, duration=61))
    shown = [(m["interaction"]["status"], m["interaction"]["duration_seconds"])
             for m in received(sio, events.INTERACTION_UPDATED)]
    assert shown == [("in-progress", None), ("completed", 61)]


def test_a_call_twilio_cannot_connect_is_offered_again(client, session, make_user, connect,
                                                       twilio_api):
    sio = connect(make_user("agent"))
    tw.post(client, tw.HOOKS + "/incoming", tw.incoming(CALL))
    offer_id = received(sio, events.OFFER_CREATED)[0]["offer_id"]
    twilio_api.fail_with = 500
    ack = sio.emit(events.OFFER_ACCEPT, {"offer_id": offer_id}, namespace="/agent",
                   callback=True)
    assert ack["ok"] is True
    got = [(m["name"], m["args"][0]["offer_id"], m["args"][0].get("reason"))
           for m in sio.get_received("/agent") if m["name"].startswith("offer.")]
    assert got == [(events.OFFER_RESCINDED, offer_id, "connect_failed"),
                   (events.OFFER_CREATED, offer_id, None)]
    session.expire_all()  # the accept ran in this context's session; the reopen in another
    offer = session.get(Offer, offer_id)
    assert (offer.status, offer.accepted_by_id) == ("open", None)


def test_an_agent_on_a_call_gets_no_offers_until_wrapped_up(client, session, make_user,
                                                            connect):
    agent = make_user("agent")
    sio = connect(agent)
    raw = users.issue_token(session, agent)
    session.commit()
    tw.post(client, tw.HOOKS + "/incoming", tw.incoming(CALL))
    offer_id = received(sio, events.OFFER_CREATED)[0]["offer_id"]
    ack = sio.emit(events.OFFER_ACCEPT, {"offer_id": offer_id}, namespace="/agent",
                   callback=True)
    second = "CA" + "7" * 32
    tw.post(client, tw.HOOKS + "/incoming", tw.incoming(second, caller="+14155550999"))
    assert received(sio, events.OFFER_CREATED) == []  # busy on the first call
    headers = {"Authorization": f"Bearer {raw}"}
    interaction_id = ack["interaction_id"]
    assert client.post(f"/api/v1/calls/{interaction_id}/end", headers=headers).status_code == 200
    done = client.post(f"/api/v1/calls/{interaction_id}/wrap-up",
                       json={"disposition": "resolved"}, headers=headers)
    assert done.status_code == 200
    [waiting] = received(sio, events.OFFER_CREATED)
    assert waiting["interaction"]["from_addr"] == "+14155550999"


def test_the_screen_pop_goes_out_before_the_case_rooms_news_of_the_call(
        client, session, make_user, connect, default_client):
    # An agent watching the caller's case gets both; the pop (the phone is ringing) first.
    from crm.customers import identity

    _, case, _ = identity.find_or_create(session, default_client.id, tw.CALLER)
    session.commit()
    sio = connect(make_user("agent"))
    assert sio.emit(events.CASE_WATCH, {"case_id": case.id}, namespace="/agent",
                    callback=True)["ok"]
    tw.post(client, tw.HOOKS + "/incoming", tw.incoming(CALL))
    order = [m["name"] for m in sio.get_received("/agent")
             if m["name"] in (events.OFFER_CREATED, events.INTERACTION_CREATED)]
    assert order == [events.OFFER_CREATED, events.INTERACTION_CREATED]


def test_a_reconnected_agent_is_shown_the_call_ringing_for_them(client, session, make_user,
                                                                connect):
    agent, colleague = make_user("agent"), make_user("agent")
    first = connect(agent)
    assert tw.post(client, tw.HOOKS + "/incoming", tw.incoming(CALL)).status_code == 200
    [pop] = received(first, events.OFFER_CREATED)
    first.disconnect(namespace="/agent")  # the page reloads: the new page never saw that pop

    again = connect(agent, available=False)
    assert again.emit(events.PRESENCE_GET, {}, namespace="/agent", callback=True) == {
        "ok": True, "status": "available"}  # the server remembers; the page adopts it
    ack = again.emit(events.OFFER_PENDING, {}, namespace="/agent", callback=True)
    assert ack["ok"] and [p["offer_id"] for p in ack["offers"]] == [pop["offer_id"]]
    assert ack["offers"][0]["case"]["reference"] == pop["case"]["reference"]
    assert 0 < ack["offers"][0]["expires_in"] <= 30
    # Nobody else is shown it, and once taken back it is nobody's pending offer.
    other = connect(colleague, available=False)
    assert other.emit(events.OFFER_PENDING, {}, namespace="/agent", callback=True)["offers"] == []
    offer = session.get(Offer, pop["offer_id"])
    offers.decline(session, session.get(User, agent.id), offer.id)
    session.commit()
    assert again.emit(events.OFFER_PENDING, {}, namespace="/agent", callback=True)["offers"] == []
