"""Articles: written by supervisors, read, searched, rated and flagged out of date by staff."""

from __future__ import annotations

import re

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from crm.admin.checks import Problems
from crm.cases import records as cases
from crm.core import audit
from crm.core.errors import Invalid, required_text
from crm.knowledge import search
from crm.models import Article, ArticleRating, Case, Claim, Interaction, User, utcnow
from crm.models.work import LINES_OF_WORK
from crm.playbooks import catalog
from crm.playbooks import runs as run_rules
from crm.tenancy import access

MAX_BODY = 50_000
MAX_TAGS, TAG = 20, re.compile(r"[a-z0-9_-]{1,40}")
PER_PAGE, SUGGESTED = 20, 5
EDITORS = ("supervisor",)


def _checked(problems: Problems, fields: dict, article: Article | None) -> dict:
    out = {}
    if article is None or "title" in fields:
        out["title"] = " ".join(str(fields.get("title") or "").split())
        if not out["title"] or len(out["title"]) > 200:
            problems.add("title", "A title of 1-200 characters.")
    if article is None or "body" in fields:
        out["body"] = str(fields.get("body") or "").strip()
        if not out["body"] or len(out["body"]) > MAX_BODY:
            problems.add("body", f"A body of 1-{MAX_BODY} characters (Markdown).")
    if article is None or "line_of_work" in fields:
        out["line_of_work"] = fields.get("line_of_work") or None
        if out["line_of_work"] not in (None, *LINES_OF_WORK):
            problems.add("line_of_work", f"Choose one of: {', '.join(LINES_OF_WORK)} "
                                         "(or none: every line).")
    if article is None or "tags" in fields:
        tags = fields.get("tags") or []
        if not isinstance(tags, list) or len(tags) > MAX_TAGS \
                or not all(isinstance(t, str) and TAG.fullmatch(t.strip().lower()) for t in tags):
            problems.add("tags", f"At most {MAX_TAGS} words of a-z, 0-9, - and _.")
            tags = []
        out["tags"] = sorted({t.strip().lower() for t in tags})
    return out


def create(session: Session, actor: User, fields: dict) -> Article:
    """A new article for a client (the actor's, or client_id); supervisors only; audited."""
    access.require_role(actor, *EDITORS)
    client_id = catalog.client_of(actor, fields.get("client_id"))
    problems = Problems()
    values = _checked(problems, fields, None)
    problems.raise_any()
    article = Article(client_id=client_id, created_by_id=actor.id, **values)
    session.add(article)
    session.flush()
    audit.record(session, actor, "article.created", article,
                 after={"title": article.title, "line_of_work": article.line_of_work})
    return article


def get(session: Session, actor: User, article_id: int) -> Article:
    """An article of one of the actor's clients."""
    return access.ensure_visible(actor, session.get(Article, article_id), "article")


def update(session: Session, actor: User, article_id: int, fields: dict) -> Article:
    """Change an article (an edit clears its out-of-date flag); supervisors only; audited."""
    access.require_role(actor, *EDITORS)
    article = get(session, actor, article_id)
    problems = Problems()
    values = _checked(problems, fields, article)
    problems.raise_any()
    if not values:
        raise Invalid("give a title, body, line_of_work or tags to change")
    before = {k: getattr(article, k) for k in values}
    for name, value in values.items():
        setattr(article, name, value)
    article.outdated, article.outdated_note, article.outdated_by_id = False, None, None
    article.updated_at = utcnow()
    session.flush()
    audit.record(session, actor, "article.updated", article,
                 before={k: v for k, v in before.items() if k != "body"} | {
                     "body_chars": len(before.get("body") or "")},
                 after={k: v for k, v in values.items() if k != "body"})
    return article


def listed(session: Session, actor: User, *, q: str | None = None, line: str | None = None,
           client_id: int | None = None, page: int = 1) -> tuple[list[Article], int]:
    """Articles of the actor's clients: those holding every word of q (best first), or all
    (newest first); narrowed to a line (articles for every line included) and a client."""
    if line is not None and line not in LINES_OF_WORK:
        raise Invalid(f"line_of_work: choose one of {', '.join(LINES_OF_WORK)}",
                      field="line_of_work")
    if page < 1 or page > 10_000:
        raise Invalid("page starts at 1", field="page")
    stmt = access.scope(select(Article), actor, Article.client_id)
    if line is not None:
        stmt = stmt.where(or_(Article.line_of_work.is_(None), Article.line_of_work == line))
    if client_id is not None:
        stmt = stmt.where(Article.client_id == client_id)
    if q and q.strip():
        stmt = search.matching(session, stmt, q)
    else:
        stmt = stmt.order_by(Article.updated_at.desc(), Article.id.desc())
    rows = list(session.scalars(stmt.limit(PER_PAGE + 1).offset((page - 1) * PER_PAGE)))
    return rows[:PER_PAGE], page + 1 if len(rows) > PER_PAGE else 0


def rate(session: Session, actor: User, article_id: int, stars) -> Article:
    """The actor's 1-5 rating of an article (again: replaces theirs)."""
    article = get(session, actor, article_id)
    if isinstance(stars, bool) or not isinstance(stars, int) or not 1 <= stars <= 5:
        raise Invalid("stars: 1 to 5", field="stars")
    mine = session.scalar(select(ArticleRating).where(ArticleRating.article_id == article.id,
                                                      ArticleRating.user_id == actor.id))
    if mine is None:
        session.add(ArticleRating(article_id=article.id, user_id=actor.id, stars=stars))
        article.rating_count += 1
        article.rating_total += stars
    else:
        article.rating_total += stars - mine.stars
        mine.stars, mine.at = stars, utcnow()
    session.flush()
    return article


def flag_outdated(session: Session, actor: User, article_id: int, note: str | None) -> Article:
    """Mark an article out of date, saying what is wrong; audited (its editors see it listed)."""
    article = get(session, actor, article_id)
    note = required_text(note, "say what is out of date (note)", 1000, field="note")
    article.outdated, article.outdated_note, article.outdated_by_id = True, note, actor.id
    session.flush()
    audit.record(session, actor, "article.flagged_outdated", article, after={"note": note})
    return article


def suggested(session: Session, actor: User, case_id: int) -> list[Article]:
    """Articles for what the case holds: its lines of work, claim types and dispositions
    (an article tagged with one of those first; out-of-date ones last)."""
    case = cases.get(session, actor, case_id, audit_view=False)
    lines = run_rules.lines_of(session, case)
    hints = _hints(session, case)
    stmt = select(Article).where(Article.client_id == case.client_id, or_(
        Article.line_of_work.is_(None), Article.line_of_work.in_(lines)))
    rows = list(session.scalars(stmt.order_by(Article.id.desc()).limit(200)))

    def score(a: Article):
        return (not a.outdated, len(hints & set(a.tags or ())),
                a.line_of_work is not None, a.rating_total / max(a.rating_count, 1))
    chosen = [a for a in sorted(rows, key=score, reverse=True)
              if a.line_of_work is not None or hints & set(a.tags or ())]
    return chosen[:SUGGESTED]


def _hints(session: Session, case: Case) -> set[str]:
    types = session.scalars(select(Claim.claim_type).where(Claim.case_id == case.id,
                                                           Claim.claim_type.is_not(None)))
    codes = session.scalars(select(Interaction.disposition).where(
        Interaction.case_id == case.id, Interaction.disposition.is_not(None))
        .order_by(Interaction.id.desc()).limit(20))
    return {str(v).lower() for v in (*types, *codes) if v}
