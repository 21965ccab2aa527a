"""A fraud ring as a graph: customers as nodes (with their cases), links as labelled edges."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm.cases import records as cases
from crm.fraud import escalations, flags
from crm.models import Case, CustomerLink, User
from crm.tenancy import access


def graph(session: Session, actor: User, customer_id: int) -> dict:
    """The ring around a customer as Cytoscape elements: {nodes, edges}, each {data: …}.

    A node carries its case only when the actor may open that case (their clients); every
    edge carries the reason of the link and the pair, so the graph can unlink it.
    """
    customer = cases.get_customer(session, actor, customer_id)
    flags.require_may_see(session, actor, cases.for_customer(session, customer.id))
    members = [customer] + [c for c, _, _ in escalations.ring(session, customer.id)]
    ids = [m.id for m in members]
    case_of = {c.customer_id: c for c in session.scalars(select(Case).where(
        Case.customer_id.in_(ids)))}
    visible = access.client_ids(actor)
    nodes = []
    for m in members:
        case = case_of.get(m.id)
        opens = case is not None and case.client_id in visible
        nodes.append({"data": {
            "id": f"c{m.id}", "customer_id": m.id, "label": m.display_name,
            "case_id": case.id if opens else None,
            "case_reference": case.reference if opens else None,
            "centre": m.id == customer.id}})
    edges = [{"data": {"id": f"l{link.id}", "source": f"c{link.customer_id}",
                       "target": f"c{link.other_id}", "label": link.reason,
                       "customer_id": link.customer_id, "other_id": link.other_id}}
             for link in session.scalars(select(CustomerLink).where(
                 CustomerLink.customer_id.in_(ids), CustomerLink.other_id.in_(ids))
                 .order_by(CustomerLink.id))]
    return {"nodes": nodes, "edges": edges}
