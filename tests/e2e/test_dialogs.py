"""Asking before acting, in the page: deleting a canned reply and removing a contact point
confirm in an in-page dialog (Cancel changes nothing), and the browser's own prompt, confirm
and alert never open."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import insert, select

from crm.models import Case, ContactPoint
from tests.e2e.databases import served_default
from tests.e2e.pages import add_person, open_case


@pytest.fixture(scope="module")
def two_ways(server_env):
    """A customer reachable by email, and by a second address to remove."""
    with served_default(server_env["DATABASE_URL"]) as (conn, client_id):
        case_id = add_person(conn, client_id, "Dina Dialogue", "CL-E2EDIAL1",
                             {"kind": "email", "value": "dina@example.com"})
        customer_id = conn.execute(select(Case.customer_id).where(Case.id == case_id)).scalar()
        conn.execute(insert(ContactPoint.__table__).values(
            client_id=client_id, customer_id=customer_id, kind="email",
            value="dina.old@example.com"))
    return case_id


@pytest.fixture
def page(new_page, sign_in):
    """A signed-in agent's page that fails the test if a browser dialog opens."""
    page = sign_in(new_page())
    native = []
    page.on("dialog", lambda d: (native.append(d.message), d.dismiss()))
    yield page
    assert native == [], f"a browser dialog opened: {native}"


def test_a_canned_reply_is_deleted_after_confirming_in_the_page(page, live_server, two_ways):
    open_case(page, live_server, two_ways, "CL-E2EDIAL1")
    page.click("#composer-canned-manage")
    manage = page.locator("#canned-dialog")
    manage.locator("#canned-title").fill("Dialogue goodbye")
    manage.locator("#canned-body").fill("Goodbye, {{customer.first_name}}.")
    manage.get_by_role("button", name="Create reply").click()
    row = manage.locator(".canned-list li", has_text="Dialogue goodbye")
    expect(row).to_have_count(1)

    # Cancel keeps it; the confirming dialog sits over the manager, which stays open.
    row.get_by_role("button", name="Delete").click()
    ask = page.locator("#canned-delete-dialog")
    expect(ask).to_contain_text("Delete the canned reply “Dialogue goodbye”?")
    expect(ask.get_by_role("button", name="Cancel")).to_be_focused()  # Enter alone deletes nothing
    ask.get_by_role("button", name="Cancel").click()
    expect(ask).to_have_count(0)
    expect(row).to_have_count(1)

    row.get_by_role("button", name="Delete").click()
    ask.get_by_role("button", name="Delete").click()
    expect(ask).to_have_count(0)
    expect(row).to_have_count(0)
    expect(manage).to_be_visible()
    expect(page.locator("#composer-canned option", has_text="Dialogue goodbye")).to_have_count(0)


def test_a_contact_point_is_removed_after_confirming_in_the_page(page, live_server, two_ways):
    open_case(page, live_server, two_ways, "CL-E2EDIAL1")
    pane = page.locator("#customer-pane")
    expect(pane.locator(".cp-value", has_text="dina.old@example.com")).to_be_visible()
    page.click("#customer-edit-details summary")
    remove = pane.locator(".contacts-edit li", has_text="dina.old@example.com").locator(
        ".contact-remove")

    remove.click()
    ask = page.locator("#contact-remove-dialog")
    expect(ask).to_contain_text("Remove dina.old@example.com from this customer?")
    page.keyboard.press("Escape")  # as good as Cancel
    expect(ask).to_have_count(0)
    expect(pane.locator(".cp-value", has_text="dina.old@example.com")).to_be_visible()

    remove.click()
    ask.get_by_role("button", name="Remove").click()
    expect(pane.locator(".cp-value", has_text="dina.old@example.com")).to_have_count(0)
    expect(pane.locator(".cp-value", has_text="dina@example.com")).to_be_visible()
