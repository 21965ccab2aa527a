"""Saved worklist views: create, list, rename, change, delete; each person's own."""

from __future__ import annotations

import pytest


@pytest.fixture
def call(client, token):
    def do(method, path, body=None, headers=None):
        return client.open("/api/v1" + path, method=method, json=body,
                           headers=headers or {"Authorization": f"Bearer {token}"})
    return do


def test_saved_views_crud(call):
    made = call("POST", "/saved-views", {"name": "  Urgent  claims ", "filters": {
        "priority": "urgent", "line": "insurance", "sort": "due"}})
    assert made.status_code == 201, made.get_json()
    view = made.get_json()
    assert view["name"] == "Urgent claims"
    assert view["filters"] == {"view": "assigned", "priority": "urgent", "line": "insurance",
                               "sort": "due"}
    call("POST", "/saved-views", {"name": "My tasks due", "filters": {"view": "tasks",
                                                                       "due": "overdue"}})
    names = [v["name"] for v in call("GET", "/saved-views").get_json()["items"]]
    assert names == ["My tasks due", "Urgent claims"]
    changed = call("PATCH", f"/saved-views/{view['id']}", {"name": "Hot claims", "filters": {
        "view": "recent", "status": "pending"}}).get_json()
    assert changed["name"] == "Hot claims"
    assert changed["filters"] == {"view": "recent", "status": "pending"}
    assert call("DELETE", f"/saved-views/{view['id']}").status_code == 204
    assert [v["name"] for v in call("GET", "/saved-views").get_json()["items"]] == [
        "My tasks due"]
    assert call("DELETE", f"/saved-views/{view['id']}").status_code == 404


def test_a_name_is_used_once_per_person(call, as_user):
    body = {"name": "Mine", "filters": {}}
    assert call("POST", "/saved-views", body).status_code == 201
    taken = call("POST", "/saved-views", body)
    assert taken.status_code == 409 and taken.get_json()["error"]["code"] == "name_taken"
    _, theirs = as_user("agent")
    assert call("POST", "/saved-views", body, theirs).status_code == 201


def test_someone_elses_view_is_not_found(call, as_user):
    view = call("POST", "/saved-views", {"name": "Private", "filters": {}}).get_json()
    _, other = as_user("supervisor")
    assert call("GET", "/saved-views", headers=other).get_json()["items"] == []
    assert call("PATCH", f"/saved-views/{view['id']}", {"name": "Stolen"},
                other).status_code == 404
    assert call("DELETE", f"/saved-views/{view['id']}", headers=other).status_code == 404
    assert call("GET", "/saved-views").get_json()["items"][0]["name"] == "Private"


@pytest.mark.parametrize("body", [
    {"name": "", "filters": {}}, {"name": "   ", "filters": {}}, {"name": "x" * 61, "filters": {}},
    {"name": "a", "filters": {"view": "everything"}}, {"name": "a", "filters": {"due": "never"}},
    {"name": "a", "filters": {"colour": "red"}}, {"name": "a", "filters": {"status": 3}},
    {"name": "a"}, {"name": "a", "filters": []}, {"filters": {}}, None])
def test_bad_saved_views_are_4xx(call, body):
    resp = call("POST", "/saved-views", body)
    assert 400 <= resp.status_code < 500, resp.get_data(as_text=True)
    assert call("GET", "/saved-views").get_json()["items"] == []


def test_bad_ids_are_4xx(call):
    assert call("PATCH", "/saved-views/99999999999999999999", {"name": "x"}).status_code == 404
    assert call("DELETE", "/saved-views/0").status_code == 404
    view = call("POST", "/saved-views", {"name": "One", "filters": {}}).get_json()
    resp = call("PATCH", f"/saved-views/{view['id']}", {"filters": {"sort": "random"}})
    assert resp.status_code == 422
