"""The console's pages in the user's language: their setting, else their browser's."""


def test_the_sign_in_page_follows_the_browsers_language(client):
    page = client.get("/login", headers={"Accept-Language": "es-ES,es;q=0.9"})
    html = page.get_data(as_text=True)
    assert '<html lang="es">' in html and "Iniciar sesión" in html
    english = client.get("/login", headers={"Accept-Language": "de-DE,de"})
    assert "Sign in to the agent console" in english.get_data(as_text=True)


def test_a_users_own_language_wins_over_the_browsers(client, session, agent, login):
    agent.locale = "es"
    session.commit()
    login(agent)
    page = client.get("/account/sessions", headers={"Accept-Language": "en-GB"})
    html = page.get_data(as_text=True)
    assert '<html lang="es">' in html and "Cerrar sesión" in html and "Sesiones" in html
