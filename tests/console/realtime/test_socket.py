"""The /agent socket: authenticated connections, case rooms, live timeline events."""


from console.core.extensions import socketio
from crm.cases import timeline
from crm.core import events


def test_unauthenticated_connection_is_refused(app):
    sio = socketio.test_client(app, namespace="/agent")
    assert not sio.is_connected("/agent")


def test_bad_token_is_refused(app):
    sio = socketio.test_client(app, namespace="/agent", auth={"token": "cl_forged"})
    assert not sio.is_connected("/agent")


def test_token_connects(app, token):
    sio = socketio.test_client(app, namespace="/agent", auth={"token": token})
    assert sio.is_connected("/agent")
    sio.disconnect(namespace="/agent")


def test_session_cookie_connects(app, client, agent, login):
    login(agent)
    sio = socketio.test_client(app, namespace="/agent", flask_test_client=client)
    assert sio.is_connected("/agent")


def test_signing_out_ends_that_browsers_sockets_and_no_others(app, client, agent, login,
                                                               token):
    csrf = login(agent)
    tab = socketio.test_client(app, namespace="/agent", flask_test_client=client)
    other_tab = socketio.test_client(app, namespace="/agent", flask_test_client=client)
    elsewhere = socketio.test_client(app, namespace="/agent", auth={"token": token})
    assert all(s.is_connected("/agent") for s in (tab, other_tab, elsewhere))
    old_cookie = client.get_cookie("session").value
    assert client.post("/logout", data={"csrf_token": csrf}).status_code == 302
    # Every tab of the browser that signed out stops receiving calls and cases...
    assert not tab.is_connected("/agent") and not other_tab.is_connected("/agent")
    # ...and a new socket from it is refused; the same agent's API token elsewhere goes on.
    assert not socketio.test_client(app, namespace="/agent",
                                    flask_test_client=client).is_connected("/agent")
    assert elsewhere.is_connected("/agent")
    elsewhere.disconnect(namespace="/agent")
    # A copy of the signed-out cookie (a tab that raced the sign-out, a thief) opens nothing.
    client.set_cookie("session", old_cookie)
    assert client.get("/").status_code == 302
    assert client.get("/api/v1/me").status_code == 401
    assert not socketio.test_client(app, namespace="/agent",
                                    flask_test_client=client).is_connected("/agent")


def test_watching_a_case_delivers_its_new_interactions(app, session, token, agent, case):
    sio = socketio.test_client(app, namespace="/agent", auth={"token": token})
    ack = sio.emit(events.CASE_WATCH, {"case_id": case.id}, namespace="/agent", callback=True)
    assert ack == {"ok": True, "case_id": case.id}
    note = timeline.add_note(session, agent, case.id, "Called about the claim")
    session.commit()
    received = [m for m in sio.get_received("/agent") if m["name"] == events.INTERACTION_CREATED]
    assert len(received) == 1
    payload = received[0]["args"][0]
    assert payload["id"] == note.id and payload["case_id"] == case.id and payload["at"]
    assert payload["interaction"]["body"] == "Called about the claim"


def test_watching_another_clients_case_is_refused(app, session, make_user, other_client, case):
    from crm.tenancy import users

    outsider = make_user("agent", clients=[other_client])
    raw = users.issue_token(session, outsider)
    session.commit()
    sio = socketio.test_client(app, namespace="/agent", auth={"token": raw})
    ack = sio.emit(events.CASE_WATCH, {"case_id": case.id}, namespace="/agent", callback=True)
    assert ack["ok"] is False and ack["error"]["code"] == "not_found"
