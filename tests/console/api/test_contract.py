"""Contract fuzz: schemathesis drives a live server from its own OpenAPI document.

Every generated request, as an agent and as a supervisor, must get an answer the document
declares (status code, content type, body schema) and never a 5xx; input the document forbids
must be refused, and valid input without the token too. Runs on PostgreSQL (the second pass of
.ci/run, which sets TEST_DATABASE_URL); skipped only without it, so under CI on PostgreSQL a
problem starting it is a failure.
"""

from __future__ import annotations

import logging
import re
import threading

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ignored_auth,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import select
from werkzeug.serving import make_server

from console.demo.seed import seed
from crm.messaging import canned
from crm.models import (
    Article,
    Attachment,
    CannedReply,
    Case,
    Claim,
    ClaimDocument,
    Customer,
    Decision,
    Interaction,
    Offer,
    Playbook,
    User,
)
from crm.tenancy import users
from tests.conftest import TEST_DATABASE_URL

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not TEST_DATABASE_URL, reason="the contract fuzz runs on PostgreSQL "
                       "(TEST_DATABASE_URL), the database production uses; .ci/run's second "
                       "pass runs it"),
]

EXAMPLES = 25  # per operation, mode (valid, invalid input) and role: ~1-2 minutes a role


def no_server_error(ctx, response, case):
    """No 5xx, except the documented 503 of a server without Twilio (this one: simulation)."""
    if response.status_code == 503 and _error_code(response) == "twilio_not_configured":
        return None
    return not_a_server_error(ctx, response, case)


CHECKS = [no_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]


def _error_code(response) -> str | None:
    try:
        return response.json()["error"]["code"]
    except (ValueError, KeyError, TypeError):
        return None


@pytest.fixture
def live(app, session):
    """The app served over HTTP in a thread, with a small demo data set; its base URL."""
    seed(customers=12, long_size=40)
    boss = session.scalar(select(User).where(User.email == "supervisor@caseline.demo"))
    canned.create(session, boss, min(boss.client_ids), "Thanks", "Thanks, {{customer.first_name}}",
                  shared=True)
    session.commit()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # not a line per request
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(5)


def _existing_ids(session) -> dict[str, list[int]]:
    """Ids of demo rows, by the path parameter that names them (a few of each)."""

    def first(column, *where):
        return list(session.scalars(select(column).where(*where).order_by(column).limit(6)))

    customers = first(Customer.id)
    ids = {"case_id": first(Case.id), "customer_id": customers, "other_id": customers,
           "interaction_id": first(Interaction.id, Interaction.medium == "voice")
           + first(Interaction.id, Interaction.medium == "email"),
           "decision_id": first(Decision.id), "reply_id": first(CannedReply.id),
           "attachment_id": first(Attachment.id), "offer_id": first(Offer.id),
           "user_id": first(User.id), "claim_id": first(Claim.id),
           "document_id": first(ClaimDocument.id), "article_id": first(Article.id),
           "playbook_id": first(Playbook.id)}
    session.commit()
    return ids


def _bearer(session, email: str) -> dict:
    user = session.scalar(select(User).where(User.email == email))
    raw = users.issue_token(session, user, "contract")
    session.commit()
    return {"Authorization": f"Bearer {raw}"}


# A body beyond the route's size limit is refused with 413 before it is read: for input the
# document forbids that is as right an answer as a 422.
# (Schemathesis' own list, with 413.)
CONFIG = SchemathesisConfig.from_dict({"checks": {"negative_data_rejection": {"expected-statuses": [
    "400", "401", "403", "404", "405", "406", "409", "413", "415", "422", "428", "429", "5xx"]}}})


@pytest.mark.parametrize("role", ["agent", "supervisor"])
def test_api_keeps_its_documented_contract(live, session, role):
    headers = _bearer(session, f"{role}@caseline.demo")
    ids = _existing_ids(session)
    schema = schemathesis.openapi.from_url(f"{live}/api/v1/openapi.json", config=CONFIG)
    failures = []
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in schemathesis.GenerationMode:
            try:
                _fuzz(operation, mode, live, headers, ids)
            except (Exception, FailureGroup) as exc:
                failures.append(f"{operation.label} [{mode}]: {exc}")
    assert not failures, "\n\n".join(failures)


def _cases(operation, mode, ids: dict):
    """Generated cases, half of them (where the mode allows) about rows that exist."""
    generated = operation.as_strategy(generation_mode=mode)
    names = re.findall(r"{(\w+)}", operation.path)
    # A negative case must negate something: with real ids that is the body or the query.
    negatable = operation.body or any(p.location == "query" for p in operation.iter_parameters())
    if not names or any(not ids.get(n) for n in names) or (mode.is_negative and not negatable):
        return generated
    real = st.fixed_dictionaries({n: st.sampled_from(ids[n]) for n in names}).flatmap(
        lambda path: operation.as_strategy(generation_mode=mode, path_parameters=path))
    return st.one_of(generated, real)


def _fuzz(operation, mode, base_url: str, headers: dict, ids: dict) -> None:
    # Valid input must be refused without the token; input the document forbids, refused.
    checks = CHECKS + ([negative_data_rejection] if mode.is_negative else [ignored_auth])

    @settings(max_examples=EXAMPLES, deadline=None, database=None,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    @given(case=_cases(operation, mode, ids))
    def run(case):
        case.call_and_validate(base_url=base_url, headers=headers, checks=checks)

    run()
