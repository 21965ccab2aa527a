"""An export's progress, live on the requester's /agent socket and no one else's."""

from __future__ import annotations

from crm.core import events


def test_the_requester_sees_progress_live_and_no_one_else(client, as_user, connect, make_user,
                                                          fraud_case):
    user, headers = as_user("fraud")
    mine = connect(user, available=False)
    other = connect(make_user("supervisor"), available=False)
    made = client.post(f"/api/v1/cases/{fraud_case.case_id}/exports", json={"format": "zip"},
                       headers=headers).get_json()
    got = [m["args"][0] for m in mine.get_received("/agent")
           if m["name"] == events.EXPORT_PROGRESS]
    assert got and all(m["export_id"] == made["id"] and m["at"] for m in got)
    assert [m["export"]["status"] for m in got][:2] == ["queued", "running"]
    assert got[-1]["export"] == {**got[-1]["export"], "status": "done", "progress": 100}
    percents = [m["export"]["progress"] for m in got]
    assert percents == sorted(percents)
    assert not [m for m in other.get_received("/agent") if m["name"] == events.EXPORT_PROGRESS]


def test_the_case_page_has_the_export_panel(client, login, make_user):
    login(make_user("supervisor"))
    assert 'id="case-export"' in client.get("/").get_data(as_text=True)
