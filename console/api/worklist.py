"""The agent's worklist."""

from __future__ import annotations

from console.api.core.blueprint import actor, api, bp
from console.api.core.workspace_schemas import (
    CaseSummaryOut,
    RecentCaseOut,
    TaskOut,
    WorklistOut,
)
from console.core import database
from crm.cases import worklist


@api.route(bp, "/worklist", summary="The signed-in agent's assigned cases, recent cases and "
           "open tasks, with counts", response=WorklistOut, tags=["worklist"])
def get_worklist():
    """The left pane."""
    session = database.session()
    w = worklist.for_actor(session, actor())
    out = WorklistOut(
        assigned=[CaseSummaryOut.model_validate(c) for c in w.assigned],
        assigned_count=w.assigned_count,
        recent=[RecentCaseOut.model_validate({**CaseSummaryOut.model_validate(c).model_dump(),
                                              "viewed_at": at}) for c, at in w.recent],
        tasks=[TaskOut.model_validate(t) for t in w.tasks],
        tasks_count=w.tasks_count, tasks_due_count=w.tasks_due_count)
    session.commit()
    return out
