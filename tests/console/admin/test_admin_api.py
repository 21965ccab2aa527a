"""The admin API: what each form creates is what the channels, router and wrap-up read;
bad input is refused by field (422), duplicates 409, unknown ids 404, never a 500."""

import pytest
from sqlalchemy import select

from crm.chat import visits
from crm.models import AuditEvent, Case, Client, InboundAddress, Interaction, Offer, User
from crm.routing import router
from crm.voice import callwork
from tests.channels.twilio_fakes import post_signed, sms

INCOMING = "/webhooks/twilio/messaging/incoming"


def _new_client(client, as_admin, slug="harbour-mutual", **extra):
    made = client.post("/api/v1/admin/clients", headers=as_admin,
                       json={"slug": slug, "name": "Harbour Mutual", **extra})
    assert made.status_code == 201, made.get_json()
    return made.get_json()


def _actions(session, action):
    found = list(session.scalars(select(AuditEvent).where(AuditEvent.action == action)))
    session.rollback()
    return found


def test_a_client_is_created_with_its_branding_and_audited(client, session, as_admin):
    made = _new_client(client, as_admin, colour="#1A73E8", greeting="Hello from Harbour",
                       logo_url="https://harbour.example/logo.png")
    assert made["slug"] == "harbour-mutual" and made["colour"] == "#1A73E8"
    assert client.get(f"/api/v1/admin/clients/{made['id']}", headers=as_admin).get_json()[
        "greeting"] == "Hello from Harbour"
    [event] = _actions(session, "client.created")
    assert event.client_id == made["id"] and event.after["name"] == "Harbour Mutual"

    changed = client.patch(f"/api/v1/admin/clients/{made['id']}", headers=as_admin,
                           json={"colour": "", "name": "Harbour Mutual Ltd"})
    assert changed.status_code == 200
    assert changed.get_json()["colour"] is None
    assert changed.get_json()["name"] == "Harbour Mutual Ltd"
    assert _actions(session, "client.changed")[0].before["name"] == "Harbour Mutual"


def test_a_client_form_names_every_field_at_fault(client, as_admin):
    bad = client.post("/api/v1/admin/clients", headers=as_admin, json={
        "slug": "Not A Slug", "name": " ", "colour": "blue", "logo_url": "http://x.example/l"})
    assert bad.status_code == 422
    fields = bad.get_json()["error"]["fields"]
    assert set(fields) == {"slug", "name", "colour", "logo_url"}
    assert "#rrggbb" in fields["colour"]


def test_a_taken_slug_is_a_conflict_by_its_field(client, as_admin):
    _new_client(client, as_admin)
    again = client.post("/api/v1/admin/clients", headers=as_admin,
                        json={"slug": "harbour-mutual", "name": "Another"})
    assert again.status_code == 409
    assert "slug" in again.get_json()["error"]["fields"]


def test_a_number_added_on_screen_routes_a_signed_inbound_text(client, session, as_admin,
                                                               settings):
    from tests.channels.twilio_fakes import ACCOUNT_SID, AUTH_TOKEN

    settings.twilio_account_sid, settings.twilio_auth_token = ACCOUNT_SID, AUTH_TOKEN
    harbour = _new_client(client, as_admin)
    queue = client.post("/api/v1/admin/queues", headers=as_admin, json={
        "client_id": harbour["id"], "name": "motor", "skills": {"motor_claims": 2},
        "sla_seconds": {"sms": 600}, "priority": 5})
    assert queue.status_code == 201, queue.get_json()
    number = client.post("/api/v1/admin/addresses", headers=as_admin, json={
        "client_id": harbour["id"], "kind": "phone", "value": "+1 (415) 555-0177",
        "line_of_work": "motor"})
    assert number.status_code == 201, number.get_json()
    assert number.get_json()["value"] == "+14155550177"  # E.164, as Twilio sends "To"

    got = post_signed(client, INCOMING, sms("SMharbour1", "My car was hit",
                                            sender="+14155550100", to="+14155550177"))
    assert got.status_code == 200
    [item] = session.scalars(select(Interaction)).all()
    [offer] = session.scalars(select(Offer)).all()
    assert session.get(Case, item.case_id).client_id == harbour["id"]
    assert offer.client_id == harbour["id"] and offer.queue == "motor"
    rule = router.rule_for(router.rules(session), harbour["id"], "motor")
    assert rule.skills == {"motor_claims": 2} and rule.sla_for("sms") == 600


@pytest.mark.parametrize(("kind", "value", "stored_kind", "stored"), [
    ("whatsapp", "whatsapp:+14155238886", "phone", "+14155238886"),
    ("email", " Claims@Harbour.Example ", "email", "claims@harbour.example"),
])
def test_addresses_are_stored_as_the_channels_look_them_up(client, session, as_admin, kind,
                                                           value, stored_kind, stored):
    harbour = _new_client(client, as_admin)
    made = client.post("/api/v1/admin/addresses", headers=as_admin, json={
        "client_id": harbour["id"], "kind": kind, "value": value, "line_of_work": "general"})
    assert made.status_code == 201, made.get_json()
    assert made.get_json()["kind"] == kind and made.get_json()["value"] == stored
    row = session.scalars(select(InboundAddress)).one()
    assert (row.kind, row.value) == (stored_kind, stored)


def test_a_widget_key_is_made_when_none_is_given(client, session, as_admin):
    harbour = _new_client(client, as_admin)
    made = client.post("/api/v1/admin/addresses", headers=as_admin,
                       json={"client_id": harbour["id"], "kind": "chat"})
    assert made.status_code == 201
    key = made.get_json()["value"]
    assert len(key) >= 12
    assert key in client.get(f"/chat/widget?key={key}").get_data(as_text=True)
    # A visitor of the widget with that key is this client's.
    visit = visits.start(session, key, "Pat Visitor", "pat@visitor.example")
    assert visit.client_id == harbour["id"]


@pytest.mark.parametrize(("body", "field"), [
    ({"kind": "phone", "value": "4155550177"}, "value"),
    ({"kind": "phone", "value": "+1 call me"}, "value"),
    ({"kind": "email", "value": "not-an-address"}, "value"),
    ({"kind": "chat", "value": "a b"}, "value"),
    ({"kind": "fax", "value": "+14155550177"}, "kind"),
    ({"kind": "phone", "value": "+14155550177", "line_of_work": "nowhere"}, "line_of_work"),
    ({"kind": "phone", "value": "+14155550177", "colour": "red"}, "colour"),
])
def test_a_bad_address_is_refused_by_its_field(client, session, as_admin, body, field):
    harbour = _new_client(client, as_admin)
    bad = client.post("/api/v1/admin/addresses", headers=as_admin,
                      json={"client_id": harbour["id"], **body})
    assert bad.status_code == 422
    assert field in bad.get_json()["error"]["fields"]
    assert session.scalars(select(InboundAddress)).all() == []


def test_an_address_in_use_is_a_conflict_even_for_another_client(client, as_admin):
    harbour = _new_client(client, as_admin)
    other = _new_client(client, as_admin, slug="bay-credit")
    first = {"kind": "phone", "value": "+14155550177"}
    assert client.post("/api/v1/admin/addresses", headers=as_admin,
                       json={"client_id": harbour["id"], **first}).status_code == 201
    again = client.post("/api/v1/admin/addresses", headers=as_admin,
                        json={"client_id": other["id"], "kind": "whatsapp",
                              "value": "+14155550177"})
    assert again.status_code == 409
    assert "Harbour" not in again.get_json()["error"]["message"]


def test_a_member_of_staff_gets_skills_languages_capacity_and_a_team(client, session,
                                                                       as_admin):
    harbour = _new_client(client, as_admin)
    made = client.post("/api/v1/admin/users", headers=as_admin, json={
        "email": "Rosa@Harbour.Example", "name": "Rosa Diaz", "roles": ["agent"],
        "client_ids": [harbour["id"]], "skills": {"motor_claims": 3},
        "languages": ["en", "es"], "capacity": {"sms": 4, "voice": 1}, "team": "Motor",
        "password": "a long password"})
    assert made.status_code == 201, made.get_json()
    body = made.get_json()
    assert body["email"] == "rosa@harbour.example" and body["team"] == "Motor"
    user = session.get(User, body["id"])
    agent = router.Agent.of(user)  # what routing will see of her
    assert agent.level("motor_claims") == 3 and agent.capacity_for("sms") == 4
    assert agent.client_ids == {harbour["id"]}
    assert "password" not in str(_actions(session, "user.set_up")[0].after)

    gone = client.delete(f"/api/v1/admin/users/{body['id']}", headers=as_admin)
    assert gone.status_code == 200 and gone.get_json()["active"] is False


@pytest.mark.parametrize(("body", "field"), [
    ({"skills": {"motor_claims": 7}}, "skills"),
    ({"skills": {"Motor Claims": 2}}, "skills"),
    ({"languages": ["english"]}, "languages"),
    ({"capacity": {"telex": 2}}, "capacity"),
    ({"password": "short"}, "password"),
    ({"roles": ["wizard"]}, "roles"),
    ({"client_ids": [987654]}, "client_ids"),
    ({"email": "nobody"}, "email"),
    ({"skills": {"motor_claims": "high"}}, "skills.motor_claims"),
])
def test_a_bad_staff_form_is_refused_by_its_field(client, session, as_admin, body, field):
    harbour = _new_client(client, as_admin)
    bad = client.post("/api/v1/admin/users", headers=as_admin, json={
        "email": "sam@harbour.example", "name": "Sam", "roles": ["agent"],
        "client_ids": [harbour["id"]], **body})
    assert bad.status_code == 422
    assert field in bad.get_json()["error"]["fields"], bad.get_json()
    assert session.scalar(select(User).where(User.email == "sam@harbour.example")) is None


def test_a_taken_email_is_a_conflict(client, as_admin, agent):
    again = client.post("/api/v1/admin/users", headers=as_admin, json={
        "email": agent.email, "name": "Twin", "roles": ["agent"], "client_ids": []})
    assert again.status_code in (409, 422)
    again = client.post("/api/v1/admin/users", headers=as_admin, json={
        "email": agent.email, "name": "Twin", "roles": ["admin"]})
    assert again.status_code == 409 and "email" in again.get_json()["error"]["fields"]


def test_queues_validate_and_refuse_removal_while_an_address_uses_them(client, as_admin):
    harbour = _new_client(client, as_admin)
    bad = client.post("/api/v1/admin/queues", headers=as_admin, json={
        "client_id": harbour["id"], "name": "Motor Claims", "sla_seconds": {"fax": 10},
        "sticky_seconds": -1, "priority": 1000})
    assert bad.status_code == 422
    assert set(bad.get_json()["error"]["fields"]) == {"name", "sla_seconds",
                                                      "sticky_seconds", "priority"}
    made = client.post("/api/v1/admin/queues", headers=as_admin,
                       json={"client_id": harbour["id"], "name": "motor"}).get_json()
    dup = client.post("/api/v1/admin/queues", headers=as_admin,
                      json={"client_id": harbour["id"], "name": "motor"})
    assert dup.status_code == 409
    client.post("/api/v1/admin/addresses", headers=as_admin, json={
        "client_id": harbour["id"], "kind": "phone", "value": "+14155550177",
        "line_of_work": "motor"})
    assert client.delete(f"/api/v1/admin/queues/{made['id']}",
                         headers=as_admin).status_code == 409
    assert client.patch(f"/api/v1/admin/queues/{made['id']}", headers=as_admin,
                        json={"priority": 3}).get_json()["priority"] == 3


def test_a_lines_own_wrap_up_codes_are_what_its_agents_choose_from(client, session,
                                                                    as_admin):
    harbour = _new_client(client, as_admin)
    made = client.post("/api/v1/admin/dispositions", headers=as_admin, json={
        "client_id": harbour["id"], "line_of_work": "insurance", "code": "glass_only",
        "label": "Glass damage only"})
    assert made.status_code == 201
    codes = dict(callwork.dispositions(session, "insurance", harbour["id"]))
    assert codes["glass_only"] == "Glass damage only"
    assert "fnol" not in codes  # the line's own codes replace the defaults
    dup = client.post("/api/v1/admin/dispositions", headers=as_admin, json={
        "client_id": harbour["id"], "line_of_work": "insurance", "code": "glass_only",
        "label": "Again"})
    assert dup.status_code == 409
    client.patch(f"/api/v1/admin/dispositions/{made.get_json()['id']}", headers=as_admin,
                 json={"active": False})
    assert "glass_only" not in dict(callwork.dispositions(session, "insurance",
                                                          harbour["id"]))


def test_shared_canned_replies_are_managed_for_a_client(client, as_admin):
    harbour = _new_client(client, as_admin)
    made = client.post("/api/v1/admin/canned-replies", headers=as_admin, json={
        "client_id": harbour["id"], "title": "Greeting",
        "body": "Hello {{customer.first_name}}"})
    assert made.status_code == 201
    reply_id = made.get_json()["id"]
    bad = client.patch(f"/api/v1/admin/canned-replies/{reply_id}", headers=as_admin,
                       json={"body": "Hi {{customer.shoe_size}}"})
    assert bad.status_code == 422 and "body" in bad.get_json()["error"]["fields"]
    assert client.post("/api/v1/admin/canned-replies", headers=as_admin, json={
        "client_id": harbour["id"], "title": "Greeting", "body": "x"}).status_code == 409
    assert client.delete(f"/api/v1/admin/canned-replies/{reply_id}",
                         headers=as_admin).status_code == 200
    assert client.get(f"/api/v1/admin/canned-replies/{reply_id}",
                      headers=as_admin).status_code == 404


@pytest.mark.parametrize("path", ["clients", "addresses", "users", "queues", "dispositions",
                                  "canned-replies"])
def test_unknown_ids_are_404_and_garbage_is_never_a_500(client, as_admin, path):
    assert client.get(f"/api/v1/admin/{path}/987654", headers=as_admin).status_code == 404
    assert client.patch(f"/api/v1/admin/{path}/987654", headers=as_admin,
                        json={}).status_code == 404
    for junk in ([1, 2], "text", {"client_id": "one"}, {"client_id": 10**30},
                 {"name": None, "skills": [1]}, {"unknown_field": 1}):
        answer = client.post(f"/api/v1/admin/{path}", headers=as_admin, json=junk)
        assert 400 <= answer.status_code < 500, (junk, answer.get_json())
    raw = client.post(f"/api/v1/admin/{path}", headers={**as_admin,
                      "Content-Type": "application/json"}, data="{not json")
    assert 400 <= raw.status_code < 500


def test_the_admin_list_of_clients_includes_the_default(client, session, as_admin):
    names = [c["slug"] for c in client.get("/api/v1/admin/clients",
                                           headers=as_admin).get_json()["items"]]
    assert "default" in names
    assert session.scalar(select(Client).where(Client.slug == "default")) is not None


def test_an_administrator_cannot_deactivate_themselves(client, admin, as_admin):
    refused = client.delete(f"/api/v1/admin/users/{admin.id}", headers=as_admin)
    assert refused.status_code == 409
    assert "your own account" in refused.get_json()["error"]["message"]
    assert client.get("/api/v1/admin/clients", headers=as_admin).status_code == 200
