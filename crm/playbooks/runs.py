"""A case's playbook runs: one per line of work it holds, pinned to the version it started on.

A case holds a line of work when it has the line's record (a claim, an investigation, a debt
account), when one of its contacts waited in that line's queue (a call to the retention
line), or when a run of it was started by hand. A run starts the first time the case is seen
holding the line; editing the playbook later does not move it to the new version.
"""

from __future__ import annotations

from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from crm.core.errors import Invalid, NotFound
from crm.models import (
    Case,
    Claim,
    DebtAccount,
    Investigation,
    Offer,
    Playbook,
    PlaybookRun,
    PlaybookStepState,
    PlaybookVersion,
    User,
)
from crm.models.work import LINES_OF_WORK

_RECORDS = {"insurance": Claim, "fraud": Investigation, "collections": DebtAccount}
BY_HAND = tuple(line for line in LINES_OF_WORK if line not in _RECORDS)


def lines_of(session: Session, case: Case) -> list[str]:
    """The lines of work the case holds, in the order lines are listed."""
    held = set(session.scalars(select(PlaybookRun.line_of_work).where(
        PlaybookRun.case_id == case.id)))
    row = session.execute(select(*(exists().where(model.case_id == case.id).label(line)
                                   for line, model in _RECORDS.items()))).one()
    held |= {line for line in _RECORDS if getattr(row, line)}
    held |= set(session.scalars(select(Offer.queue).where(
        Offer.case_id == case.id, Offer.queue.in_(LINES_OF_WORK)).distinct()))
    return [line for line in LINES_OF_WORK if line in held]


def ensure(session: Session, case: Case, lines: list[str] | None = None) -> list[PlaybookRun]:
    """The case's runs of the lines it holds (`lines`: these only) whose client has a
    playbook for them, started now on the playbook's current version where missing."""
    wanted = lines if lines is not None else lines_of(session, case)
    runs = {r.line_of_work: r for r in session.scalars(select(PlaybookRun).where(
        PlaybookRun.case_id == case.id))}
    missing = [line for line in wanted if line not in runs]
    if missing:
        books = session.execute(select(Playbook.line_of_work, PlaybookVersion.id).join(
            PlaybookVersion, (PlaybookVersion.playbook_id == Playbook.id)
            & (PlaybookVersion.version == Playbook.version)).where(
            Playbook.client_id == case.client_id, Playbook.line_of_work.in_(missing)))
        for line, version_id in books:
            runs[line] = _start(session, case, line, version_id)
    return [runs[line] for line in LINES_OF_WORK if line in runs and line in wanted]


def _start(session: Session, case: Case, line: str, version_id: int) -> PlaybookRun:
    # Two requests may start the same run at once: the unique (case, line) decides.
    run = PlaybookRun(client_id=case.client_id, case_id=case.id, line_of_work=line,
                      version_id=version_id)
    try:
        with session.begin_nested():
            session.add(run)
    except IntegrityError:
        run = session.scalar(select(PlaybookRun).where(PlaybookRun.case_id == case.id,
                                                       PlaybookRun.line_of_work == line))
    return run


def start(session: Session, case: Case, line: str) -> PlaybookRun:
    """Start a line's run by hand (a retention request on a call about a claim): only lines
    without a record of their own; the others start with their claim, investigation or debt."""
    if line not in BY_HAND:
        raise Invalid(f"line_of_work: only {', '.join(BY_HAND)} starts by hand; the others "
                      "start with their record", field="line_of_work")
    runs = ensure(session, case, [line])
    if not runs:
        raise NotFound(f"this client has no {line} playbook", field="line_of_work")
    return runs[0]


def version(session: Session, run: PlaybookRun) -> PlaybookVersion:
    """The version the run is pinned to."""
    return session.get(PlaybookVersion, run.version_id)


def states(session: Session, run: PlaybookRun) -> dict[str, PlaybookStepState]:
    """The run's done and skipped steps by key."""
    return {s.step_key: s for s in session.scalars(select(PlaybookStepState).where(
        PlaybookStepState.run_id == run.id))}


def open_required(session: Session, case: Case) -> list[tuple[str, dict]]:
    """(line, step) of every required step neither done nor skipped, over the case's runs."""
    found = []
    for run in ensure(session, case):
        got = states(session, run)
        found += [(run.line_of_work, step) for step in version(session, run).steps
                  if step["required"] and step["key"] not in got]
    return found


def names(session: Session, user_ids: set[int]) -> dict[int, str]:
    """Who did a step, by id (for showing)."""
    if not user_ids:
        return {}
    return dict(session.execute(select(User.id, User.name).where(User.id.in_(user_ids))).all())
