"""Customers: one-box search and the customer pane."""

from __future__ import annotations

from flask import current_app

from console.api.core.blueprint import actor, api, bp
from console.api.core.schemas import CustomerOut
from console.api.core.workspace_schemas import (
    CustomerDetailOut,
    LinkedOut,
    SearchHitOut,
    SearchOut,
    SearchQuery,
)
from console.core import database
from crm.customers import profile, search


@api.route(bp, "/customers", summary="Search customers by name, phone (any format or its "
           "last digits), email, case reference, account, claim or policy number, investigation "
           "reference (for those who may see it); paged",
           query=SearchQuery, response=SearchOut, tags=["customers"])
def search_customers(query: SearchQuery):
    """Search results, best first."""
    session = database.session()
    region = current_app.config["CASELINE"].default_phone_region
    got = search.results_page(session, actor(), query.q, page=query.page,
                              per_page=query.limit, region=region)
    out = SearchOut(items=[SearchHitOut(customer=CustomerOut.model_validate(h.customer),
                                        case_id=h.case_id, case_reference=h.case_reference,
                                        matched=h.matched) for h in got.items],
                    page=got.page, per_page=got.per_page, has_more=got.has_more)
    session.commit()
    return out


@api.route(bp, "/customers/<int:customer_id>", summary="A customer: contact points with "
           "opt-out and consent state, timezone and local time, language, linked customers",
           response=CustomerDetailOut, tags=["customers"])
def get_customer(customer_id: int):
    """The customer pane."""
    session = database.session()
    p = profile.for_customer(session, actor(), customer_id)
    out = CustomerDetailOut.model_validate({
        **CustomerOut.model_validate(p.customer).model_dump(),
        "case_id": p.case.id, "case_reference": p.case.reference, "local_time": p.local_time,
        "linked": [LinkedOut.model_validate(link) for link in p.linked]})
    session.commit()
    return out
