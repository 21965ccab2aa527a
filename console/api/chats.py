"""Web chat visits: verify who a visitor is, or move their chat to a case of its own."""

from __future__ import annotations

from console.api.core.blueprint import actor, api, bp
from console.api.core.schemas import ChatVisitOut
from console.core import database
from crm.chat import verification as chat_identity


@api.route(bp, "/chat-visits/<int:visit_id>/verify", "POST",
           summary="Mark a chat visitor verified as the case's customer (audited)",
           response=ChatVisitOut, tags=["chat"], errors=(409,))
def verify_visit(visit_id: int):
    """After checking (security questions): the chat is the customer's; 409 if not unverified."""
    session = database.session()
    out = ChatVisitOut.model_validate(chat_identity.verify(session, actor(), visit_id))
    session.commit()
    return out


@api.route(bp, "/chat-visits/<int:visit_id>/move", "POST",
           summary="Move a chat to a new customer and case of its own (audited)",
           response=ChatVisitOut, tags=["chat"], errors=(409, 422))
def move_visit(visit_id: int):
    """The visitor is not the customer: a new case for them; `case_id` is where it went."""
    session = database.session()
    out = ChatVisitOut.model_validate(chat_identity.move_to_own_case(session, actor(), visit_id))
    session.commit()
    return out
