"""A chat widget's settings on the admin API: what is saved is what the widget shows."""

from sqlalchemy import select

from crm.models import AuditEvent, Client


def _widget(client, as_admin, slug="harbour-mutual"):
    made = client.post("/api/v1/admin/clients", headers=as_admin, json={
        "slug": slug, "name": "Harbour Mutual", "colour": "#112233",
        "greeting": "Hello from Harbour"}).get_json()
    return made, client.post("/api/v1/admin/addresses", headers=as_admin, json={
        "client_id": made["id"], "kind": "chat"}).get_json()


def test_a_widget_uses_its_own_look_and_fields(client, session, as_admin):
    _, widget = _widget(client, as_admin)
    path = f"/api/v1/admin/widgets/{widget['id']}"
    shown = client.get(path, headers=as_admin).get_json()
    assert shown["colour"] is None and shown["client_branding"]["colour"] == "#112233"
    assert shown["fields"] == {"name": "required", "email": "optional", "phone": "optional"}

    saved = client.patch(path, headers=as_admin, json={
        "colour": "#aa0000", "greeting": "Ask us about your claim",
        "logo_url": "https://harbour.example/logo.png",
        "fields": {"phone": "required", "email": "off"}})
    assert saved.status_code == 200, saved.get_json()
    assert saved.get_json()["fields"] == {"name": "required", "email": "off",
                                          "phone": "required"}
    page = client.get(f"/chat/widget?key={widget['value']}").get_data(as_text=True)
    assert "--brand: #aa0000" in page and "Ask us about your claim" in page
    assert "https://harbour.example/logo.png" in page
    [event] = session.scalars(select(AuditEvent).where(
        AuditEvent.action == "chat.widget_configured")).all()
    assert event.after["widget"]["colour"] == "#aa0000"

    # Cleared, the client's branding shows again.
    client.patch(path, headers=as_admin, json={"colour": "", "greeting": ""})
    page = client.get(f"/chat/widget?key={widget['value']}").get_data(as_text=True)
    assert "--brand: #112233" in page and "Hello from Harbour" in page


def test_bad_widget_settings_are_refused_by_field(client, as_admin):
    _, widget = _widget(client, as_admin)
    bad = client.patch(f"/api/v1/admin/widgets/{widget['id']}", headers=as_admin, json={
        "colour": "red", "logo_url": "http://insecure.example/l.png"})
    assert bad.status_code == 422
    assert set(bad.get_json()["error"]["fields"]) == {"colour", "logo_url"}
    mode = client.patch(f"/api/v1/admin/widgets/{widget['id']}", headers=as_admin,
                        json={"fields": {"phone": "sometimes"}})
    assert mode.status_code == 422


def test_a_client_admin_sets_only_their_own_widgets(client, session, as_admin, make_user,
                                                    headers_of):
    harbour, widget = _widget(client, as_admin)
    _, other = _widget(client, as_admin, slug="other-co")
    theirs = headers_of(make_user("client_admin",
                                  clients=[session.get(Client, harbour["id"])]))
    assert client.patch(f"/api/v1/admin/widgets/{widget['id']}", headers=theirs,
                        json={"greeting": "Hi"}).status_code == 200
    assert client.patch(f"/api/v1/admin/widgets/{other['id']}", headers=theirs,
                        json={"greeting": "Hi"}).status_code == 404
    number = client.post("/api/v1/admin/addresses", headers=as_admin, json={
        "client_id": harbour["id"], "kind": "phone", "value": "+14155550177"}).get_json()
    assert client.get(f"/api/v1/admin/widgets/{number['id']}",
                      headers=as_admin).status_code == 404
