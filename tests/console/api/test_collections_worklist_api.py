"""GET /api/v1/worklists/collections: paged, filtered, each row with its reasons."""

from crm.customers import identity
from crm.models import DebtAccount
from tests.zones import zone_where_it_is


def _accounts(session, client, n):
    zone = zone_where_it_is(12)
    for i in range(n):
        customer, case, _ = identity.find_or_create(session, client.id, f"w{i}@example.com",
                                                    display_name=f"Debtor {i}")
        customer.timezone = zone
        session.add(DebtAccount(client_id=client.id, case_id=case.id, account_number=f"W-{i}",
                                balance_cents=10_000 * (i + 1)))
    session.commit()


def test_the_collections_worklist_pages_and_filters(client, session, default_client, as_user):
    _accounts(session, default_client, 30)
    _, agent = as_user("agent")
    url = "/api/v1/worklists/collections"
    assert client.get(url, headers=agent).status_code == 403
    _, collector = as_user("collections")
    first = client.get(f"{url}?per_page=25", headers=collector).get_json()
    assert (first["total"], first["pages"], len(first["items"])) == (30, 2, 25)
    top = first["items"][0]
    assert top["account_number"] == "W-29" and top["reasons"] == ["balance 3,000.00 USD (+30)"]
    assert top["calls_left"] == 7 and top["blocked_reason"] is None
    second = client.get(f"{url}?per_page=25&page=2", headers=collector).get_json()
    assert len(second["items"]) == 5
    assert client.get(f"{url}?bucket=90%2B", headers=collector).get_json()["total"] == 0
    assert client.get(f"{url}?status=active&client={default_client.id}",
                      headers=collector).get_json()["total"] == 30
    for bad in ("bucket=old", "page=0", "per_page=5000", "status=closed", "client=x"):
        assert client.get(f"{url}?{bad}", headers=collector).status_code in (400, 422), bad


def test_the_collections_worklist_names_the_clients_it_can_be_filtered_to(
        client, session, default_client, other_client, as_user):
    _accounts(session, default_client, 2)
    _, one = as_user("collections")
    assert [c["id"] for c in client.get("/api/v1/worklists/collections",
                                        headers=one).get_json()["clients"]] == [default_client.id]
    _, both = as_user("supervisor", clients=[default_client, other_client])
    page = client.get("/api/v1/worklists/collections", headers=both).get_json()
    assert sorted(c["id"] for c in page["clients"]) == sorted([default_client.id,
                                                               other_client.id])
    assert {c["name"] for c in page["clients"]} == {default_client.name, other_client.name}
    mine = client.get(f"/api/v1/worklists/collections?client={other_client.id}",
                      headers=both).get_json()
    assert mine["total"] == 0
