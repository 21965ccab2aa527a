"""The import page and its live progress on the uploader's /agent socket."""

from __future__ import annotations

from crm.core import events
from tests.console.imports.conftest import csv_bytes, row


def test_the_uploader_sees_progress_live_and_no_one_else(upload, manager, connect, make_user):
    user, headers = manager
    mine = connect(user, available=False)
    other = connect(make_user("supervisor"), available=False)
    made = upload(headers, csv_bytes([row(n) for n in range(1, 4)])).get_json()
    got = [m["args"][0] for m in mine.get_received("/agent")
           if m["name"] == events.IMPORT_PROGRESS]
    assert got and all(m["import_id"] == made["id"] and m["at"] for m in got)
    assert got[-1]["import"]["status"] == "done" and got[-1]["import"]["accepted"] == 3
    assert not [m for m in other.get_received("/agent") if m["name"] == events.IMPORT_PROGRESS]


def test_the_import_page_is_for_managers_and_linked_from_the_console(client, login, make_user):
    login(make_user("supervisor"))
    assert 'id="imports-link"' in client.get("/").get_data(as_text=True)
    page = client.get("/imports")
    assert page.status_code == 200 and 'id="import-form"' in page.get_data(as_text=True)


def test_agents_get_no_import_page_and_no_link(client, login, make_user):
    login(make_user("agent", "collections"))
    assert 'id="imports-link"' not in client.get("/").get_data(as_text=True)
    assert client.get("/imports").status_code == 403
