"""The knowledge base: articles searched, read, suggested for a case, rated and flagged."""

from __future__ import annotations

from datetime import datetime

from flask import request
from pydantic import BaseModel, ConfigDict, Field

from console.api.core.blueprint import actor, api, bp
from console.api.core.openapi import NOT_BLANK, documented
from console.core import database
from crm.core.errors import Invalid
from crm.knowledge import articles, render
from crm.models.work import LINES_OF_WORK

TAGS = ["knowledge"]


class ArticleIn(BaseModel):
    """A new article (supervisors)."""

    model_config = ConfigDict(extra="forbid")
    title: str = Field(max_length=200, json_schema_extra=documented(**NOT_BLANK))
    body: str = Field(max_length=articles.MAX_BODY, description="Markdown",
                      json_schema_extra=documented(**NOT_BLANK))
    line_of_work: str | None = Field(None, description="None: every line", json_schema_extra=(
        documented(enum=[*LINES_OF_WORK, None])))
    tags: list[str] = Field(default_factory=list, max_length=articles.MAX_TAGS, description=(
        "Claim types and disposition codes it answers: a case holding one is offered it"))
    client_id: int | None = Field(None, description="Needed when you work for several clients")


class ArticleChange(BaseModel):
    """What to change (an edit clears the out-of-date flag)."""

    model_config = ConfigDict(extra="forbid")
    title: str | None = Field(None, max_length=200, json_schema_extra=documented(nullable=False))
    body: str | None = Field(None, max_length=articles.MAX_BODY,
                             json_schema_extra=documented(nullable=False))
    line_of_work: str | None = None
    tags: list[str] | None = Field(None, max_length=articles.MAX_TAGS,
                                   json_schema_extra=documented(nullable=False))


class ArticleQuery(BaseModel):
    """Words to find (every one, stemmed), a line of work, a client, a page."""

    q: str | None = Field(None, max_length=200)
    line_of_work: str | None = Field(None, json_schema_extra=documented(
        nullable=False, enum=list(LINES_OF_WORK)))
    client_id: int | None = None
    page: int = Field(1, ge=1, le=10_000)


class ArticleOut(BaseModel):
    """An article, its Markdown and its sanitised HTML."""

    model_config = ConfigDict(from_attributes=True)
    id: int
    client_id: int
    line_of_work: str | None
    title: str
    body: str
    html: str
    tags: list[str]
    rating: float | None = Field(description="The average of 1-5 ratings")
    rating_count: int
    outdated: bool
    outdated_note: str | None
    updated_at: datetime


class ArticleList(BaseModel):
    """A page of articles; next_page is 0 on the last."""

    items: list[ArticleOut]
    next_page: int


class RatingIn(BaseModel):
    """My rating."""

    model_config = ConfigDict(extra="forbid")
    stars: int = Field(ge=1, le=5)


class OutdatedIn(BaseModel):
    """What is out of date."""

    model_config = ConfigDict(extra="forbid")
    note: str = Field(max_length=1000, json_schema_extra=documented(**NOT_BLANK))


def article_out(a) -> ArticleOut:
    """An article as the API shows it."""
    return ArticleOut(id=a.id, client_id=a.client_id, line_of_work=a.line_of_work,
                      title=a.title, body=a.body, html=render.html(a.body), tags=a.tags or [],
                      rating=round(a.rating_total / a.rating_count, 2) if a.rating_count
                      else None, rating_count=a.rating_count, outdated=a.outdated,
                      outdated_note=a.outdated_note, updated_at=a.updated_at)


def _done(out):
    database.session().commit()
    return out


@api.route(bp, "/articles", query=ArticleQuery, response=ArticleList, tags=TAGS,
           summary="Search the knowledge base (full text), or list its newest articles")
def list_articles(query: ArticleQuery):
    """Best matches first; articles for every line come with a line's."""
    if any(len(request.args.getlist(name)) > 1 for name in request.args):
        raise Invalid("give each query parameter once")
    rows, more = articles.listed(database.session(), actor(), q=query.q,
                                 line=query.line_of_work, client_id=query.client_id,
                                 page=query.page)
    return _done(ArticleList(items=[article_out(a) for a in rows], next_page=more))


@api.route(bp, "/articles", "POST", body=ArticleIn, response=ArticleOut, status=201, tags=TAGS,
           errors=(403, 404), summary="Write an article (supervisors)")
def create_article(body: ArticleIn):
    """Markdown; shown sanitised."""
    return _done(article_out(articles.create(database.session(), actor(), body.model_dump())))


@api.route(bp, "/articles/<int:article_id>", response=ArticleOut, tags=TAGS,
           summary="One article")
def get_article(article_id: int):
    """Its Markdown and HTML."""
    return _done(article_out(articles.get(database.session(), actor(), article_id)))


@api.route(bp, "/articles/<int:article_id>", "PATCH", body=ArticleChange, response=ArticleOut,
           tags=TAGS, errors=(403,), summary="Edit an article (supervisors)")
def change_article(article_id: int, body: ArticleChange):
    """Audited."""
    changed = articles.update(database.session(), actor(), article_id,
                              body.model_dump(exclude_unset=True))
    return _done(article_out(changed))


@api.route(bp, "/articles/<int:article_id>/rating", "PUT", body=RatingIn, response=ArticleOut,
           tags=TAGS, summary="Rate an article 1-5 (again: replaces my rating)")
def rate_article(article_id: int, body: RatingIn):
    """One rating per person."""
    return _done(article_out(articles.rate(database.session(), actor(), article_id,
                                           body.stars)))


@api.route(bp, "/articles/<int:article_id>/outdated", "POST", body=OutdatedIn,
           response=ArticleOut, tags=TAGS, summary="Flag an article out of date")
def flag_article(article_id: int, body: OutdatedIn):
    """Audited; an edit clears it."""
    return _done(article_out(articles.flag_outdated(database.session(), actor(), article_id,
                                                    body.note)))


@api.route(bp, "/cases/<int:case_id>/articles", response=ArticleList, tags=TAGS,
           summary="Articles suggested by what the case holds")
def case_articles(case_id: int):
    """Its lines of work, claim types and dispositions."""
    found = articles.suggested(database.session(), actor(), case_id)
    return _done(ArticleList(items=[article_out(a) for a in found], next_page=0))
