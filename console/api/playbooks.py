"""Playbooks: written by supervisors, worked through on each case (steps done or skipped)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from console.api.core.blueprint import actor, api, bp
from console.api.core.openapi import NOT_BLANK, documented
from console.core import database
from crm.models.playbooks import STEP_KINDS
from crm.models.work import LINES_OF_WORK
from crm.playbooks import catalog, progress

TAGS = ["playbooks"]


class StepIn(BaseModel):
    """One step, in the order given."""

    model_config = ConfigDict(extra="forbid")
    key: str = Field(max_length=64, description="Stable within the playbook: a-z, 0-9, - _")
    title: str = Field(max_length=200, json_schema_extra=documented(**NOT_BLANK))
    kind: str = Field("checklist", json_schema_extra=documented(enum=list(STEP_KINDS)))
    required: bool = True
    body: str = Field("", max_length=4000, description="A script to read, or what to ask")
    trigger: str | None = Field(None, max_length=80, description=(
        "Completes it by itself: field:claim.<field>, field:debt.<field>, document, "
        "disposition or disposition:<code>"))
    article_id: int | None = Field(None, description="A knowledge base article to open")


class PlaybookIn(BaseModel):
    """A new playbook (one per client and line of work)."""

    model_config = ConfigDict(extra="forbid")
    line_of_work: str = Field(json_schema_extra=documented(enum=list(LINES_OF_WORK)))
    name: str = Field(max_length=120, json_schema_extra=documented(**NOT_BLANK))
    steps: list[StepIn] = Field(min_length=1, max_length=50)
    client_id: int | None = Field(None, description="Needed when you work for several clients")


class PlaybookChange(BaseModel):
    """A new name and/or steps: saved as the next version."""

    model_config = ConfigDict(extra="forbid")
    name: str | None = Field(None, max_length=120, json_schema_extra=documented(nullable=False))
    steps: list[StepIn] | None = Field(None, min_length=1, max_length=50,
                                       json_schema_extra=documented(nullable=False))


class StepOut(BaseModel):
    """A step as written."""

    key: str
    title: str
    kind: str
    required: bool
    body: str = ""
    trigger: str | None = None
    article_id: int | None = None


class PlaybookOut(BaseModel):
    """A playbook at its current version."""

    id: int
    client_id: int
    line_of_work: str
    name: str
    version: int
    steps: list[StepOut]
    updated_at: datetime


class PlaybookList(BaseModel):
    """The playbooks of my clients."""

    items: list[PlaybookOut]


class PersonOut(BaseModel):
    """Who did it."""

    id: int
    name: str | None


class ArticleLink(BaseModel):
    """The article a step links to."""

    id: int
    title: str


class RunStepOut(StepOut):
    """A step of a case's run and where it stands."""

    state: str = Field(description="open, done or skipped")
    done: bool
    skipped: bool
    reason: str | None
    source: str | None = Field(description="What completed it by itself, if the work did")
    by: PersonOut | None
    at: datetime | None
    article: ArticleLink | None


class PlaybookRef(BaseModel):
    """The playbook version a run is pinned to."""

    id: int
    name: str
    version: int


class RunOut(BaseModel):
    """One line of work's playbook on a case."""

    id: int
    case_id: int
    line_of_work: str
    playbook: PlaybookRef
    started_at: datetime
    steps: list[RunStepOut]
    open_required: list[str]
    complete: bool


class CasePlaybookOut(BaseModel):
    """The case's playbooks, one per line of work it holds; `steps` are the first one's."""

    runs: list[RunOut]
    steps: list[RunStepOut]
    complete: bool


class StepChange(BaseModel):
    """done: true ticks it, done: false opens it again, skipped: true (with reason) skips it."""

    model_config = ConfigDict(extra="forbid")
    done: bool | None = None
    skipped: bool | None = None
    reason: str | None = Field(None, max_length=progress.MAX_REASON)
    line_of_work: str | None = Field(None, description="Which playbook, when two have the key")


class RunStart(BaseModel):
    """Start a line's playbook on the case by hand."""

    model_config = ConfigDict(extra="forbid")
    line_of_work: str = Field(json_schema_extra=documented(enum=list(LINES_OF_WORK)))


class CreatedOut(BaseModel):
    """The playbook and the version just written."""

    id: int
    version: int


def _out(book, version) -> PlaybookOut:
    return PlaybookOut(id=book.id, client_id=book.client_id, line_of_work=book.line_of_work,
                       name=version.name, version=version.version, updated_at=book.updated_at,
                       steps=[StepOut.model_validate(s) for s in version.steps])


def _case_out(runs: list[dict]) -> CasePlaybookOut:
    made = [RunOut.model_validate(r) for r in runs]
    return CasePlaybookOut(runs=made, steps=made[0].steps if made else [],
                           complete=all(r.complete for r in made))


@api.route(bp, "/playbooks", response=PlaybookList, tags=TAGS, errors=(404,),
           summary="The playbooks of my clients, at their current versions")
def list_playbooks():
    """By client and line of work."""
    session = database.session()
    out = PlaybookList(items=[_out(b, catalog.current(session, b))
                              for b in catalog.listed(session, actor())])
    session.commit()
    return out


@api.route(bp, "/playbooks", "POST", body=PlaybookIn, response=CreatedOut, status=201,
           tags=TAGS, errors=(403, 404, 409), summary="Write a playbook for a line of work")
def create_playbook(body: PlaybookIn):
    """Supervisors; 409 when the client has one for that line (edit it instead)."""
    session = database.session()
    book, version = catalog.create(session, actor(), body.model_dump())
    session.commit()
    return CreatedOut(id=book.id, version=version.version)


@api.route(bp, "/playbooks/<int:playbook_id>", response=PlaybookOut, tags=TAGS,
           summary="A playbook at its current version")
def get_playbook(playbook_id: int):
    """Its steps as cases starting now get them."""
    session = database.session()
    book = catalog.get(session, actor(), playbook_id)
    out = _out(book, catalog.current(session, book))
    session.commit()
    return out


@api.route(bp, "/playbooks/<int:playbook_id>", "PATCH", body=PlaybookChange,
           response=PlaybookOut, tags=TAGS, errors=(403,),
           summary="Edit a playbook: saved as a new version (cases keep theirs)")
def change_playbook(playbook_id: int, body: PlaybookChange):
    """Supervisors."""
    session = database.session()
    book, version = catalog.update(session, actor(), playbook_id,
                                   body.model_dump(exclude_unset=True))
    session.commit()
    return _out(book, version)


@api.route(bp, "/cases/<int:case_id>/playbook", response=CasePlaybookOut, tags=TAGS,
           summary="The case's playbooks and the state of each step")
def get_case_playbook(case_id: int):
    """A line of work's run starts the first time the case is seen holding it."""
    session = database.session()
    out = _case_out(progress.for_case(session, actor(), case_id))
    session.commit()
    return out


@api.route(bp, "/cases/<int:case_id>/playbook", "POST", body=RunStart, response=RunOut,
           tags=TAGS, summary="Start a line of work's playbook on the case by hand")
def start_case_playbook(case_id: int, body: RunStart):
    """A retention call that came in on another line, say (404 if the client has none)."""
    session = database.session()
    out = RunOut.model_validate(progress.start(session, actor(), case_id, body.line_of_work))
    session.commit()
    return out


@api.route(bp, "/cases/<int:case_id>/playbook/steps/<key>", "POST", body=StepChange,
           response=RunOut, tags=TAGS,
           summary="Tick a playbook step, skip it with a reason, or open it again")
def mark_step(case_id: int, key: str, body: StepChange):
    """Audited; a skip needs a reason."""
    session = database.session()
    run = progress.mark(session, actor(), case_id, key, done=body.done, skipped=body.skipped,
                        reason=body.reason, line=body.line_of_work)
    session.commit()
    return RunOut.model_validate(run)
