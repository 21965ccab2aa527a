"""Every admin route by every role: admins everything, a client admin only their own clients,
supervisors and agents nothing, strangers nothing; and never another client's data in a body."""

import json

import pytest

from crm.models import CannedReply, DispositionCode, InboundAddress, RoutingQueue

ACTORS = ("admin", "client_admin_a", "client_admin_b", "supervisor", "agent", "anonymous")
# What each subject's POST creates for client A, and a valid PATCH of A's row.
SUBJECTS = {
    "clients": (None, {"greeting": "Hello"}),
    "addresses": ({"kind": "email", "value": "new@a.example"}, {"label": "Front desk"}),
    "users": ({"email": "new@a.example", "name": "New", "roles": ["agent"]}, {"name": "Renamed"}),
    "queues": ({"name": "newq", "skills": {"x": 1}}, {"priority": 3}),
    "dispositions": ({"line_of_work": "general", "code": "newc", "label": "New"},
                     {"label": "Relabelled"}),
    "canned-replies": ({"title": "New", "body": "Hello"}, {"body": "Hi there"}),
}


@pytest.fixture
def world(session, default_client, other_client, make_user, headers_of):
    """Client A (default) and B, each with an address, a user, a queue, a code and a reply;
    the actors' headers; and the strings only A's rows contain."""
    rows = {}
    for name, client in (("a", default_client), ("b", other_client)):
        user = make_user("agent", clients=[client], email=f"staff@{name}.example")
        found = {"clients": client.id, "users": user.id}
        for key, row in (
                ("addresses", InboundAddress(client_id=client.id, kind="phone",
                                             value=f"+1415555{'01' if name == 'a' else '02'}99",
                                             line_of_work="general", label=f"line-{name}")),
                ("queues", RoutingQueue(client_id=client.id, name=f"queue_{name}")),
                ("dispositions", DispositionCode(client_id=client.id, line_of_work="general",
                                                 code=f"code_{name}", label=f"Code {name}")),
                ("canned-replies", CannedReply(client_id=client.id, title=f"Reply {name}",
                                               body=f"body-{name}"))):
            session.add(row)
            session.flush()
            found[key] = row.id
        rows[name] = found
    session.commit()
    people = {
        "admin": make_user("admin", clients=[], email="root@example.com"),
        "client_admin_a": make_user("client_admin", clients=[default_client]),
        "client_admin_b": make_user("client_admin", clients=[other_client]),
        "supervisor": make_user("supervisor", clients=[default_client]),
        "agent": make_user("agent", clients=[default_client]),
    }
    headers = {k: headers_of(u) for k, u in people.items()}
    headers["anonymous"] = {}
    a_only = ["+14155550199", "staff@a.example", "queue_a", "code_a", "Reply a", "body-a",
              "line-a"]
    return {"rows": rows, "headers": headers, "a_id": default_client.id, "a_only": a_only}


def _expected(actor: str, operation: str) -> set[int]:
    """The statuses an actor may get for an operation on client A's rows."""
    if actor == "anonymous":
        return {401}
    if actor in ("supervisor", "agent"):
        return {403}
    if operation == "create client":
        return {201} if actor == "admin" else {403}
    if actor == "client_admin_b":
        # Staff for client A: their client_ids name no client B's admin knows (a field error).
        return {200} if operation == "list" else {422} if operation == "create staff" else {404}
    return {200, 201}


@pytest.mark.parametrize("actor", ACTORS)
def test_the_admin_api_by_role(client, world, actor):
    headers, rows, a_id = world["headers"][actor], world["rows"]["a"], world["a_id"]
    answers = []

    def call(operation, method, path, body=None):
        resp = client.open(f"/api/v1/admin/{path}", method=method, headers=headers, json=body)
        answers.append((operation, method, path, resp))
        expected = _expected(actor, operation)
        assert resp.status_code in expected, (actor, method, path, resp.get_json())

    for subject, (create, patch) in SUBJECTS.items():
        call("list", "GET", subject)
        call("one", "GET", f"{subject}/{rows[subject]}")
        call("change", "PATCH", f"{subject}/{rows[subject]}", patch)
        if create is None:
            call("create client", "POST", subject, {"slug": f"new-{actor}".replace("_", "-"),
                                                    "name": "New client"})
        else:
            staff = subject == "users"
            owner = {"client_ids": [a_id]} if staff else {"client_id": a_id}
            call("create staff" if staff else "create", "POST", subject, {**owner, **create})
    for subject in ("addresses", "queues", "dispositions", "canned-replies", "users"):
        call("remove", "DELETE", f"{subject}/{rows[subject]}")
    if actor == "client_admin_b":
        # B's admin is never told anything of A's: not in a list, not in an error.
        for _, _, _, resp in answers:
            text = json.dumps(resp.get_json())
            assert not [s for s in world["a_only"] if s in text], text


def test_a_client_admin_sees_only_their_own_clients_rows(client, world):
    b_admin, rows_b = world["headers"]["client_admin_b"], world["rows"]["b"]
    for subject in SUBJECTS:
        items = client.get(f"/api/v1/admin/{subject}", headers=b_admin).get_json()["items"]
        ids = {i["id"] for i in items}
        assert rows_b[subject] in ids
        assert world["rows"]["a"][subject] not in ids
        assert all(i.get("client_id", rows_b["clients"]) == rows_b["clients"] or
                   i.get("client_ids") == [rows_b["clients"]] for i in items)
    # Narrowing a list to another client is a 404, as if it did not exist.
    assert client.get(f"/api/v1/admin/users?client_id={world['a_id']}",
                      headers=b_admin).status_code == 404


def test_a_client_admin_cannot_make_an_admin_or_staff_for_another_client(client, world):
    a_admin, a_id, b_id = world["headers"]["client_admin_a"], world["a_id"], \
        world["rows"]["b"]["clients"]
    base = {"email": "x@a.example", "name": "X"}
    admin = client.post("/api/v1/admin/users", headers=a_admin, json={
        **base, "roles": ["admin"], "client_ids": [a_id]})
    assert admin.status_code == 422 and "roles" in admin.get_json()["error"]["fields"]
    elsewhere = client.post("/api/v1/admin/users", headers=a_admin, json={
        **base, "roles": ["client_admin"], "client_ids": [b_id]})
    assert elsewhere.status_code == 422
    assert "client_ids" in elsewhere.get_json()["error"]["fields"]
    # Their own client's client admin is theirs to make.
    own = client.post("/api/v1/admin/users", headers=a_admin, json={
        **base, "roles": ["client_admin"], "client_ids": [a_id]})
    assert own.status_code == 201
    # A shared queue (every client's) is an admin's.
    shared = client.post("/api/v1/admin/queues", headers=a_admin, json={"name": "everyone"})
    assert shared.status_code == 403
    # Nor can they change a client's slug, though they may change its branding.
    slug = client.patch(f"/api/v1/admin/clients/{a_id}", headers=a_admin, json={"slug": "x-y"})
    assert slug.status_code == 403


def test_an_admins_account_is_beyond_a_client_admin(client, world, session, make_user,
                                                     default_client):
    boss = make_user("admin", clients=[default_client], email="boss@example.com")
    a_admin = world["headers"]["client_admin_a"]
    assert client.get(f"/api/v1/admin/users/{boss.id}", headers=a_admin).status_code == 404
    assert client.patch(f"/api/v1/admin/users/{boss.id}", headers=a_admin,
                        json={"password": "taken over!"}).status_code == 404


@pytest.mark.parametrize(("actor", "status"), [
    ("admin", 200), ("client_admin_a", 200), ("supervisor", 403), ("agent", 403)])
def test_the_admin_page_by_role(client, world, session, actor, status):
    from crm.models import User
    from tests.conftest import PASSWORD, csrf_token_from

    email = {"admin": "root@example.com"}.get(actor)
    user = session.query(User).filter(User.email == email).one() if email else None
    if user is None:
        wanted = {"client_admin_a": "client_admin", "supervisor": "supervisor",
                  "agent": "agent"}[actor]
        user = next(u for u in session.query(User).order_by(User.id.desc())
                    if u.roles == [wanted])
    page = client.get("/login").get_data(as_text=True)
    signed = client.post("/login", data={"email": user.email, "password": PASSWORD,
                                         "csrf_token": csrf_token_from(page)})
    # Someone who only administers lands on the admin screens; everyone else on the console.
    assert signed.headers["Location"] == ("/admin/" if status == 200 else "/")
    assert client.get("/admin/").status_code == status


def test_the_admin_page_asks_a_stranger_to_sign_in(client):
    page = client.get("/admin/")
    assert page.status_code == 302 and "/login" in page.headers["Location"]
