"""The supervisors' playbook and article pages: theirs only, checked on the server."""

import pytest

PAGES = [("/playbooks", "playbook-form"), ("/articles", "article-form")]


@pytest.mark.parametrize(("path", "form"), PAGES)
def test_agents_cannot_open_the_editors(client, login, make_user, path, form):
    assert client.get(path).status_code == 302  # to the sign-in page
    login(make_user("agent"))
    assert client.get(path).status_code == 403


@pytest.mark.parametrize(("path", "form"), PAGES)
def test_supervisors_edit_playbooks_and_articles_on_screen(client, login, make_user, path,
                                                           form):
    login(make_user("supervisor"))
    page = client.get(path)
    assert page.status_code == 200 and f'id="{form}"'.encode() in page.data
