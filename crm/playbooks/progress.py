"""Working a case's playbook: showing its steps, ticking or skipping one (skips need a reason),
and refusing to finish a case while a required step is open."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm.cases import records as cases
from crm.core import audit, events
from crm.core.errors import Conflict, Invalid, NotFound, required_text
from crm.fraud import visibility
from crm.models import Article, Case, PlaybookRun, PlaybookStepState, User, utcnow
from crm.playbooks import runs as run_rules
from crm.playbooks import triggers

MAX_REASON = 500
VEILED_LINE = "fraud"


def for_case(session: Session, actor: User, case_id: int) -> list[dict]:
    """Every run of the case (started where due), each with its steps and their state."""
    case = cases.get(session, actor, case_id, audit_view=False)
    triggers.evaluate(session, case)  # a run starting now counts the work already done
    hidden = _hidden_lines(session, actor, case)
    return [present(session, run) for run in run_rules.ensure(session, case)
            if run.line_of_work not in hidden]


def _hidden_lines(session: Session, actor: User, case: Case) -> frozenset[str]:
    # Who may not see the case's investigations does not see their playbook either: its tab
    # alone would tell them there is one.
    return frozenset() if visibility.may_see_case(session, actor, case.id) \
        else frozenset({VEILED_LINE})


def start(session: Session, actor: User, case_id: int, line: str) -> dict:
    """Start a line's playbook on a case by hand; audited."""
    case = cases.get(session, actor, case_id, audit_view=False)
    run = run_rules.start(session, case, line)
    triggers.evaluate(session, case)
    audit.record(session, actor, "playbook.started", run, object_type="playbook_run",
                 after={"line_of_work": line, "version_id": run.version_id})
    return present(session, run)


def present(session: Session, run: PlaybookRun) -> dict:
    """A run as the panel and the API show it."""
    version = run_rules.version(session, run)
    got = run_rules.states(session, run)
    who = run_rules.names(session, {s.actor_id for s in got.values() if s.actor_id})
    ids = {s["article_id"] for s in version.steps if s.get("article_id")}
    titles = dict(session.execute(select(Article.id, Article.title).where(
        Article.id.in_(ids))).all()) if ids else {}
    steps = []
    for step in version.steps:
        state = got.get(step["key"])
        article = step.get("article_id")
        steps.append({
            **{k: step.get(k) for k in ("key", "title", "kind", "required", "body", "trigger")},
            "article": {"id": article, "title": titles[article]} if article in titles else None,
            "state": state.state if state else "open",
            "done": bool(state and state.state == "done"),
            "skipped": bool(state and state.state == "skipped"),
            "reason": state.reason if state else None,
            "source": state.source if state else None,
            "by": ({"id": state.actor_id, "name": who.get(state.actor_id)}
                   if state and state.actor_id else None),
            "at": state.at if state else None,
        })
    open_required = [s["key"] for s in steps if s["required"] and s["state"] == "open"]
    return {"id": run.id, "case_id": run.case_id, "line_of_work": run.line_of_work,
            "playbook": {"id": version.playbook_id, "name": version.name,
                         "version": version.version},
            "started_at": run.started_at, "steps": steps,
            "open_required": open_required, "complete": not open_required}


def _run_with(session: Session, actor: User, case: Case, key: str,
              line: str | None) -> PlaybookRun:
    hidden = _hidden_lines(session, actor, case)
    found = [run for run in run_rules.ensure(session, case)
             if (line is None or run.line_of_work == line) and run.line_of_work not in hidden
             and any(s["key"] == key for s in run_rules.version(session, run).steps)]
    if not found:
        raise NotFound(f"no playbook step {key} on this case")
    if len(found) > 1:
        raise Invalid("several playbooks of this case have that step: give line_of_work",
                      field="line_of_work")
    return found[0]


def mark(session: Session, actor: User, case_id: int, key: str, *, done: bool | None = None,
         skipped: bool | None = None, reason: str | None = None,
         line: str | None = None) -> dict:
    """Tick a step (done: true), skip it with a reason (skipped: true), or open it again
    (done: false); audited and announced to whoever watches the case."""
    if (done is None) == (skipped is None) or skipped is False:
        raise Invalid("give done (true or false) or skipped: true with a reason")
    case = cases.get(session, actor, case_id, audit_view=False)
    run = _run_with(session, actor, case, key, line)
    state = run_rules.states(session, run).get(key)
    before = {"state": state.state, "reason": state.reason} if state else {"state": "open"}
    if done is False:
        if state is not None:
            session.delete(state)
        after, action = {"state": "open"}, "playbook.step_reopened"
    else:
        why = None
        if skipped:
            why = required_text(reason, "say why the step is skipped (reason)", MAX_REASON,
                                field="reason")
        if state is None:
            state = PlaybookStepState(run_id=run.id, step_key=key, state="done")
            session.add(state)
        state.state, state.reason, state.source = ("skipped" if skipped else "done"), why, None
        state.actor_id, state.at = actor.id, utcnow()
        after = {"state": state.state, "reason": why}
        action = "playbook.step_skipped" if skipped else "playbook.step_done"
    session.flush()
    audit.record(session, actor, action, run, object_type="playbook_run",
                 before={"step": key, **before}, after={"step": key, **after})
    events.emit(session, events.CASE_UPDATED, case_id=case.id, client_id=case.client_id)
    return present(session, run)


def require_complete(session: Session, case: Case, status: str, *, actor: User | None = None,
                     line: str | None = None) -> None:
    """Conflict 409 playbook_incomplete while a required step of the case (of one line of
    work's playbook, when given) is open; steps the actor may not see are not named."""
    triggers.evaluate(session, case)
    missing = [(at, step) for at, step in run_rules.open_required(session, case)
               if line is None or at == line]
    if missing:
        hidden = _hidden_lines(session, actor, case) if actor else frozenset({VEILED_LINE})
        listed = "; ".join("a step under review" if at in hidden else f"{step['title']} ({at})"
                           for at, step in missing[:10])
        raise Conflict(f"finish or skip the required playbook steps before the case is "
                       f"{status}: {listed}", code="playbook_incomplete")
