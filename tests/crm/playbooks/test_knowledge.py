"""The knowledge base: full-text search on both databases, safe Markdown, ratings, out-of-date
flags and articles suggested by what a case holds."""

import pytest
from sqlalchemy import select

from crm.cases import timeline
from crm.core.errors import Forbidden, Invalid, NotFound
from crm.knowledge import articles, render
from crm.models import AuditEvent

HAIL = ("# Hail damage\n\nAsk for **photos** of the roof and the date of the storm. "
        "Adjusters need the gutters too.")


@pytest.fixture
def write(session, supervisor):
    def make(title, body, line="insurance", **more):
        article = articles.create(session, supervisor, {"title": title, "body": body,
                                                        "line_of_work": line, **more})
        session.commit()
        return article
    return make


def test_searching_finds_an_article_by_a_word_in_its_body(session, handler, write):
    hail = write("Roof claims", HAIL)
    write("Disclosure", "Read the mini-Miranda before discussing the debt.", "collections")
    found, _ = articles.listed(session, handler, q="gutters")
    assert [a.id for a in found] == [hail.id]
    # Stemmed and every word needed: "adjuster" finds "Adjusters"; an absent word finds none.
    assert [a.id for a in articles.listed(session, handler, q="adjuster storm")[0]] == [hail.id]
    assert articles.listed(session, handler, q="storm volcano")[0] == []
    # Operators are words, not syntax: a stray quote or NEAR( is harmless.
    assert articles.listed(session, handler, q='"gutters NEAR( OR')[0] == []


def test_an_edit_is_searched_at_once(session, supervisor, handler, write):
    hail = write("Roof claims", HAIL)
    articles.update(session, supervisor, hail.id, {"body": "Check the chimney flashing."})
    session.commit()
    assert articles.listed(session, handler, q="gutters")[0] == []
    assert [a.id for a in articles.listed(session, handler, q="chimney")[0]] == [hail.id]


def test_another_clients_articles_are_not_found(session, handler, other_client, make_user,
                                                write):
    write("Roof claims", HAIL)
    outsider = make_user("supervisor", clients=[other_client], email="out@example.com")
    outsider = session.get(type(handler), outsider.id)
    assert articles.listed(session, outsider, q="gutters")[0] == []
    with pytest.raises(NotFound):
        articles.get(session, outsider, articles.listed(session, handler)[0][0].id)


def test_markdown_is_rendered_and_sanitised():
    html = render.html("**bold** <script>alert(1)</script> [x](javascript:alert(1)) "
                       "[ok](https://example.com)")
    assert "<strong>bold</strong>" in html
    assert "<script" not in html and 'href="javascript' not in html
    assert '<a href="https://example.com" rel="noopener noreferrer">ok</a>' in html


def test_agents_rate_and_flag_articles_but_only_supervisors_write_them(session, handler,
                                                                      supervisor, write):
    with pytest.raises(Forbidden):
        articles.create(session, handler, {"title": "x", "body": "y"})
    hail = write("Roof claims", HAIL)
    articles.rate(session, handler, hail.id, 2)
    articles.rate(session, handler, hail.id, 4)  # again: replaces mine
    articles.rate(session, supervisor, hail.id, 5)
    with pytest.raises(Invalid):
        articles.rate(session, handler, hail.id, 6)
    with pytest.raises(Invalid):
        articles.flag_outdated(session, handler, hail.id, " ")
    articles.flag_outdated(session, handler, hail.id, "The storm line number changed")
    session.commit()
    assert (hail.rating_total, hail.rating_count, hail.outdated) == (9, 2, True)
    flagged = session.scalars(select(AuditEvent).where(
        AuditEvent.action == "article.flagged_outdated")).one()
    assert flagged.actor_id == handler.id
    articles.update(session, supervisor, hail.id, {"title": "Roof and hail claims"})
    assert hail.outdated is False


def test_a_case_is_offered_articles_for_what_it_holds(session, handler, make_case, claim_on,
                                                     write):
    write("Disclosure", "Read the mini-Miranda.", "collections")
    general = write("Any claim", "How claims work.", "insurance")
    hail = write("Hail", HAIL, "insurance", tags=["property"])
    motor = write("Motor", "Dashcam footage.", "insurance", tags=["motor"])
    retained = write("Keeping a customer", "Offer the loyalty discount.", None,
                     tags=["retained"])
    case = make_case()
    claim_on(case, type="property")
    timeline.record(session, case, medium="voice", direction="inbound", status="completed",
                    disposition="retained")
    session.commit()
    got = [a.id for a in articles.suggested(session, handler, case.id)]
    assert got[:2] in ([hail.id, retained.id], [retained.id, hail.id])
    assert set(got) == {hail.id, retained.id, general.id, motor.id}

