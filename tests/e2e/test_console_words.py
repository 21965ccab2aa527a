"""The console's words in a real browser: an agent whose language is Spanish reads the
worklist's filters, the side column's jump bar, the case panels and the dialogs in Spanish, and
a chat contact point reads as the visitor, not as its thread id."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import update
from sqlalchemy.orm import Session

from crm.models import Client, User
from crm.tenancy import users
from tests.e2e.databases import served_default
from tests.e2e.pages import add_person, open_case

SPANISH_AGENT = "agente.es@caseline.demo"


@pytest.fixture(scope="module")
def cases(server_env):
    """A Spanish-speaking agent, and two cases: one reached by email, one by web chat."""
    with served_default(server_env["DATABASE_URL"]) as (conn, client_id):
        with Session(bind=conn) as session:
            users.create_user(session, SPANISH_AGENT, "Elena Agente", ["agent"], "caseline-demo",
                              [session.get(Client, client_id)])
            session.flush()
        conn.execute(update(User).where(User.email == SPANISH_AGENT).values(locale="es"))
        by_email = add_person(conn, client_id, "Inés Idioma", "CL-E2EIDIO1",
                              {"kind": "email", "value": "ines.idioma@example.com"})
        by_chat = add_person(conn, client_id, "Dina Chatwell", "CL-E2ECHAT1",
                             {"kind": "chat", "value": "visitor-dina-7f3a", "label": "web chat"})
    return by_email, by_chat


def test_a_spanish_agent_reads_the_worklist_side_column_and_dialogs_in_spanish(
        new_page, sign_in, live_server, cases):
    page = sign_in(new_page(), SPANISH_AGENT)
    page.set_viewport_size({"width": 1280, "height": 720})
    # The worklist's filter bar.
    bar = page.locator("#wl-controls")
    for words in ("Lista", "Estado", "Prioridad del caso", "Línea", "Vence", "Ordenar por"):
        expect(bar).to_contain_text(words)
    expect(page.locator("#wl-status option").first).to_have_text("cualquiera")
    expect(page.locator("#wl-status option[value=open]")).to_have_text("abierto")
    expect(page.locator("#wl-sort option").first).to_have_text(
        "actividad más reciente primero (predeterminado)")
    # The whole placeholder shows at 1280x720.
    assert page.locator("#search").evaluate("""(el) => {
      const c = document.createElement("canvas").getContext("2d");
      c.font = getComputedStyle(el).font;
      return c.measureText(el.placeholder).width < el.clientWidth;
    }""")

    open_case(page, live_server, cases[0], "CL-E2EIDIO1")
    # The side column's jump bar and its panels.
    jump = page.locator("#side-nav .side-jump")
    expect(jump.first).to_be_visible()
    expect(jump).to_contain_text(["Caso", "Tareas", "Cliente"])
    expect(page.locator("#case-work-form")).to_contain_text("Estado")
    expect(page.locator("#case-owner")).to_contain_text("Sin asignar")
    expect(page.locator("#customer-pane")).to_contain_text("Puntos de contacto")
    expect(page.locator("#timeline-search")).to_have_attribute("placeholder", "Buscar en este caso")

    # A dialog: escalating to the fraud team.
    page.click("#escalate-fraud")
    dialog = page.locator("#escalate-dialog")
    expect(dialog.locator("h2")).to_have_text("Escalar al equipo de fraude")
    expect(dialog).to_contain_text("Gravedad")
    expect(dialog.locator("#escalate-dialog-severity option").first).to_have_text("Baja")
    dialog.locator("#escalate-dialog-submit").click()  # nothing said: refused in Spanish
    expect(dialog.locator("#escalate-dialog-summary-error")).to_have_text(
        "Di qué parece sospechoso.")
    dialog.get_by_role("button", name="Cancelar").click()
    expect(dialog).to_have_count(0)

    # And the notification settings.
    page.click("#notify-settings-button")
    notify = page.locator("#notify-dialog")
    expect(notify.locator("h2")).to_have_text("Notificaciones")
    expect(notify.locator("#notify-save")).to_have_text("Guardar")
    notify.get_by_role("button", name="Cancelar").click()
    expect(notify).to_have_count(0)


def test_a_chat_contact_point_names_the_visitor_not_the_thread(new_page, sign_in, live_server,
                                                               cases):
    page = sign_in(new_page())
    open_case(page, live_server, cases[1], "CL-E2ECHAT1")
    point = page.locator("#customer-pane .cp[data-kind=chat] .cp-value")
    expect(point).to_have_text("Web chat visitor (Dina)")
    expect(point).to_have_attribute("title", "Chat thread visitor-dina-7f3a")
    expect(page.locator("#customer-pane .contact-points")).not_to_contain_text("visitor-dina-7f3a")
