"""My settings in a real browser: reached from the top bar, the language chosen there is the
console's (server pages and the workspace's scripts), and turning desktop notifications on
asks the browser's permission (granted here by the test, as a person would)."""

from __future__ import annotations

from playwright.sync_api import expect


def test_an_agent_switches_the_console_to_spanish_and_turns_notices_on(browser, live_server,
                                                                       sign_in):
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    context.grant_permissions(["notifications"], origin=live_server)
    page = sign_in(context.new_page())
    try:
        page.click("#my-settings-link")
        expect(page.locator("h1")).to_have_text("My settings")
        page.select_option("#settings-locale", "es")
        page.check("#settings-desktop")
        page.click("#settings-save")
        expect(page.locator(".flash")).to_have_text("Sus ajustes se han guardado.")
        expect(page.locator("#settings-desktop")).to_be_checked()
        expect(page.locator("h1")).to_have_text("Mis ajustes")

        page.click("text=Consola")
        # Server-rendered and script-rendered words alike.
        expect(page.locator("#new-customer-button")).to_have_text("Nuevo cliente")
        expect(page.locator("#wl-assigned h3")).to_contain_text("Asignados")
        expect(page.locator("#composer-send")).to_have_text("Añadir nota")
        expect(page.locator("#connection")).to_have_text("en directo")
    finally:
        page.goto(live_server + "/account/settings")
        page.select_option("#settings-locale", "")
        page.uncheck("#settings-desktop")
        page.click("#settings-save")
        expect(page.locator(".flash")).to_have_text("Your settings are saved.")
        context.close()
