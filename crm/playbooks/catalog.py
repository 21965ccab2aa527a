"""Writing playbooks: supervisors create them per client and line of work; an edit is a new
version (cases already on the old one keep it)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm.admin.checks import Problems, conflict
from crm.core import audit
from crm.core.errors import Invalid, NotFound
from crm.models import Article, Playbook, PlaybookVersion, User
from crm.models.work import LINES_OF_WORK
from crm.playbooks import steps as step_rules
from crm.tenancy import access

EDITORS = ("supervisor",)


def client_of(actor: User, client_id) -> int:
    """The client a new record is for: the one named (one of the actor's) or the actor's only."""
    mine = access.client_ids(actor)
    if client_id is None:
        if len(mine) != 1:
            raise Invalid("client_id: you work for several clients; name one",
                          field="client_id")
        return next(iter(mine))
    if isinstance(client_id, bool) or not isinstance(client_id, int) or client_id not in mine:
        raise NotFound("client not found", field="client_id")
    return client_id


def _line(problems: Problems, value) -> str:
    if value not in LINES_OF_WORK:
        problems.add("line_of_work", f"Choose one of: {', '.join(LINES_OF_WORK)}.")
    return value


def _name(problems: Problems, value) -> str:
    name = " ".join(str(value or "").split())
    if not name or len(name) > 120:
        problems.add("name", "A name of 1-120 characters.")
    return name


def _articles_exist(session: Session, client_id: int, steps: list[dict]) -> None:
    wanted = {s["article_id"] for s in steps if s["article_id"]}
    found = set(session.scalars(select(Article.id).where(
        Article.id.in_(wanted), Article.client_id == client_id))) if wanted else set()
    problems = Problems()
    for n, step in enumerate(steps):
        if step["article_id"] and step["article_id"] not in found:
            problems.add(f"steps[{n}].article_id", "No such article for this client.")
    problems.raise_any()


def create(session: Session, actor: User, fields: dict) -> tuple[Playbook, PlaybookVersion]:
    """A client's playbook for a line of work, at version 1; one per line (409 otherwise)."""
    access.require_role(actor, *EDITORS)
    client_id = client_of(actor, fields.get("client_id"))
    problems = Problems()
    line, name = _line(problems, fields.get("line_of_work")), _name(problems, fields.get("name"))
    problems.raise_any()
    steps = step_rules.checked(fields.get("steps"))
    _articles_exist(session, client_id, steps)
    if session.scalar(select(Playbook.id).where(Playbook.client_id == client_id,
                                                Playbook.line_of_work == line)):
        raise conflict("line_of_work", f"This client has a {line} playbook: edit it instead.")
    book = Playbook(client_id=client_id, line_of_work=line, name=name, version=1,
                    created_by_id=actor.id)
    session.add(book)
    session.flush()
    version = _new_version(session, actor, book, name, steps)
    audit.record(session, actor, "playbook.created", book,
                 after={"line_of_work": line, "name": name, "version": 1,
                        "steps": [s["key"] for s in steps]})
    return book, version


def _new_version(session: Session, actor: User, book: Playbook, name: str,
                 steps: list[dict]) -> PlaybookVersion:
    version = PlaybookVersion(playbook_id=book.id, version=book.version, name=name, steps=steps,
                              created_by_id=actor.id)
    session.add(version)
    session.flush()
    return version


def get(session: Session, actor: User, playbook_id: int) -> Playbook:
    """A playbook of one of the actor's clients."""
    return access.ensure_visible(actor, session.get(Playbook, playbook_id), "playbook")


def current(session: Session, book: Playbook) -> PlaybookVersion:
    """The version new runs start on."""
    return version_of(session, book.id, book.version)


def version_of(session: Session, playbook_id: int, number: int) -> PlaybookVersion:
    """One version of a playbook, or NotFound."""
    found = session.scalar(select(PlaybookVersion).where(
        PlaybookVersion.playbook_id == playbook_id, PlaybookVersion.version == number))
    if found is None:
        raise NotFound("playbook version not found")
    return found


def listed(session: Session, actor: User, *, line_of_work: str | None = None) -> list[Playbook]:
    """The playbooks of the actor's clients, by client and line."""
    stmt = access.scope(select(Playbook), actor, Playbook.client_id)
    if line_of_work is not None:
        stmt = stmt.where(Playbook.line_of_work == line_of_work)
    return list(session.scalars(stmt.order_by(Playbook.client_id, Playbook.line_of_work)
                                .limit(200)))


def update(session: Session, actor: User, playbook_id: int,
           fields: dict) -> tuple[Playbook, PlaybookVersion]:
    """A new version with the name and/or steps given (the rest as they were); audited."""
    access.require_role(actor, *EDITORS)
    book = get(session, actor, playbook_id)
    if not {"name", "steps"} & set(fields):
        raise Invalid("give a name or steps to change")
    old = current(session, book)
    problems = Problems()
    name = _name(problems, fields["name"]) if "name" in fields else old.name
    problems.raise_any()
    steps = step_rules.checked(fields["steps"]) if "steps" in fields else list(old.steps)
    _articles_exist(session, book.client_id, steps)
    book.version, book.name = book.version + 1, name
    version = _new_version(session, actor, book, name, steps)
    audit.record(session, actor, "playbook.updated", book,
                 before={"version": old.version, "name": old.name,
                         "steps": [s["key"] for s in old.steps]},
                 after={"version": version.version, "name": name,
                        "steps": [s["key"] for s in steps]})
    return book, version
