"""'My tasks' in a real browser: every task reachable a page at a time, each with whose it is."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, insert, or_, select

from crm.models import Task, User, utcnow
from tests.e2e.databases import served_default
from tests.e2e.pages import add_person, signed_in


@pytest.fixture(scope="module")
def many(server_env):
    """More than a hundred open tasks for the demo claims handler; how many in all."""
    with served_default(server_env["DATABASE_URL"]) as (conn, client_id):
        case_id = add_person(conn, client_id, "Tomasz Taskful", "CL-E2ETASK1",
                             {"kind": "email", "value": "tomasz.taskful@example.com"})
        handler, team = conn.execute(select(User.id, User.team_id).where(
            User.email == "claims@caseline.demo")).one()
        conn.execute(insert(Task.__table__), [
            {"client_id": client_id, "case_id": case_id, "kind": "follow_up", "status": "open",
             "title": f"Chase document {n:03d}", "assignee_id": handler,
             "created_by_id": handler, "created_at": utcnow()} for n in range(120)])
        mine = or_(Task.assignee_id == handler,
                   (Task.assignee_id.is_(None)) & (Task.team_id == team))
        return conn.execute(select(func.count()).select_from(Task).where(
            mine, Task.status == "open")).scalar()


def test_my_tasks_pages_through_every_task_naming_customer_and_case(new_page, live_server,
                                                                   many):
    page = signed_in(new_page, live_server, "claims@caseline.demo")
    button = page.locator("#my-tasks-button")
    expect(button.locator(".count")).to_have_text(str(many))  # not capped at 100
    button.click()
    dialog = page.locator("#my-tasks-dialog")
    pages = -(-many // 100)
    expect(dialog.locator(".my-tasks-pager")).to_contain_text(
        f"page 1 of {pages} ({many} tasks)")
    rows = dialog.locator("#my-task-list li")
    expect(rows).to_have_count(100)
    whose = rows.locator(".task-whose").all_inner_texts()
    assert len(whose) == 100 and all(re.fullmatch(r".+ · CL-[0-9A-Z]+", w) for w in whose)
    # Tasks without a due date come last: the fixture's are on the last pages.
    for at in range(2, pages + 1):
        dialog.get_by_role("button", name="Next").click()
        expect(dialog.locator(".my-tasks-pager")).to_contain_text(f"page {at} of {pages}")
    expect(dialog.get_by_role("button", name="Next")).to_be_disabled()
    last = rows.filter(has_text="Chase document 119")
    expect(last.locator(".task-whose")).to_have_text("Tomasz Taskful · CL-E2ETASK1")
