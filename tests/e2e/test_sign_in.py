"""A new user signs in to the console in a real browser."""

from contextlib import suppress

from playwright.sync_api import Error, expect


def test_demo_agent_signs_in_and_goes_live(new_page, sign_in, live_server):
    page = sign_in(new_page())
    expect(page.locator("#connection")).to_have_text("live")
    expect(page.locator(".me")).to_contain_text("Demo Agent")


def test_wrong_password_shows_a_clear_error(new_page, live_server):
    page = new_page()
    page.goto(live_server + "/login")
    page.fill("input[name=email]", "agent@caseline.demo")
    page.fill("input[name=password]", "not the password")
    page.click("button[type=submit]")
    expect(page.locator("#login-error")).to_have_text("Wrong email or password.")


def test_a_page_whose_sign_in_is_gone_goes_back_to_the_sign_in_page(new_page, sign_in,
                                                                   live_server):
    page = sign_in(new_page())
    expect(page.locator("#connection")).to_have_text("live")
    page.context.clear_cookies()  # the session went (expired, or cleared): the API says 401
    # The workspace's next request (any of them may come first and lead the way; the page may
    # have left for the sign-in page already).
    with suppress(Error):
        page.evaluate("import('/static/js/api.js').then((m) => m.get('/worklist'))"
                      ".catch(() => null)")
    # (Polled, not awaited as one navigation: the phone may head there in the same moment.)
    expect(page).to_have_url(live_server + "/login?next=%2F")
    expect(page.locator("input[name=email]")).to_be_visible()


def test_a_console_tab_holds_one_socket_for_workspace_phone_and_board(new_page, sign_in,
                                                                      live_server):
    page = new_page()
    sockets = []
    page.on("websocket", lambda ws: sockets.append(ws.url))
    sign_in(page)
    expect(page.locator("#connection")).to_have_text("live")
    expect(page.locator("#phone-state")).to_be_attached()
    page.wait_for_timeout(1000)  # a second socket, if any page part opened one, is open by now
    assert len([u for u in sockets if "/socket.io/" in u]) == 1, sockets
