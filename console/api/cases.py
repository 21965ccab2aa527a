"""Cases: the header, the timeline (by cursor either way), notes and the digest."""

from __future__ import annotations

from console.api.core.blueprint import actor, api, bp
from console.api.core.claim_schemas import claim_out
from console.api.core.debt_schemas import debt_out
from console.api.core.schemas import ChatVisitOut
from console.api.core.workspace_schemas import (
    CaseDetailOut,
    DigestOut,
    NoteIn,
    TimelineItemOut,
    TimelinePageOut,
    TimelineQuery,
    WorkLineOut,
    timeline_item,
)
from console.core import database
from crm.cases import digest, timeline, timeline_filters, worklist
from crm.cases import records as cases
from crm.chat import verification as chat_identity
from crm.claims import records as claims
from crm.collections import accounts as debts
from crm.core.errors import Invalid
from crm.fraud import visibility
from crm.models import utcnow


@api.route(bp, "/cases/<int:case_id>", summary="A case header: customer, status, owner, "
           "priority, flags and open lines of work", response=CaseDetailOut, tags=["cases"])
def get_case(case_id: int):
    """The case header; opening it puts it on the agent's recent cases."""
    session = database.session()
    case = cases.get(session, actor(), case_id)
    worklist.touch(session, actor(), case)
    out = CaseDetailOut.model_validate(case).model_copy(update={"open_work": [
        WorkLineOut.model_validate(w) for w in digest.open_work(session, case, actor())],
        "unverified_chats": [ChatVisitOut.model_validate(v)
                             for v in chat_identity.unverified(session, case.id)],
        "debts": [debt_out(d, utcnow().date()) for d in debts.of_case(session, case.id)],
        "claims": [claim_out(session, c) for c in claims.of_case(session, case.id)]})
    session.commit()
    return out


@api.route(bp, "/cases/<int:case_id>/timeline", summary="The case timeline by cursor: "
           "`before` pages back (newest first), `after` catches up (oldest first); narrowed "
           "by medium, by words (`q`) and to a date (`until`)",
           query=TimelineQuery, response=TimelinePageOut, tags=["cases"])
def get_timeline(case_id: int, query: TimelineQuery):
    """One page of the timeline."""
    session = database.session()
    if query.before and query.after:
        raise Invalid("give either before or after, not both")
    how = timeline_filters.narrowing(query.medium, query.q, query.until)
    if how:
        page = timeline_filters.page(session, actor(), case_id, how, limit=query.limit,
                                     before=query.before, after=query.after)
        order = "oldest_first" if query.after else "newest_first"
    elif query.after:
        page = timeline.page_after(session, actor(), case_id, query.after, limit=query.limit)
        order = "oldest_first"
    else:
        page = timeline.page(session, actor(), case_id, limit=query.limit, before=query.before)
        order = "newest_first"
    veil = not visibility.may_see_case(session, actor(), case_id)
    closed = visibility.finished(session, (i.meta for i in page.items)) if veil else frozenset()
    out = TimelinePageOut(items=[timeline_item(i, veil=veil, closed=closed)
                                 for i in page.items],
                          next_cursor=page.next_cursor, order=order)
    session.commit()
    return out


@api.route(bp, "/cases/<int:case_id>/notes", "POST", summary="Add an internal note to a case",
           body=NoteIn, response=TimelineItemOut, status=201, tags=["cases"])
def post_note(case_id: int, body: NoteIn):
    """Add a note; everyone watching the case sees it live."""
    session = database.session()
    item = timeline.add_note(session, actor(), case_id, body.body)
    session.commit()
    return timeline_item(item)


@api.route(bp, "/cases/<int:case_id>/digest", summary="The case at a glance: last contact per "
           "medium, open work, next task, open promises and pending decisions",
           response=DigestOut, tags=["cases"])
def get_digest(case_id: int):
    """The computed digest."""
    session = database.session()
    out = DigestOut.model_validate(digest.for_case(session, actor(), case_id))
    session.commit()
    return out
