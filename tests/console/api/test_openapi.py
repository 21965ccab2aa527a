"""The OpenAPI document is generated from the code and covers every API route."""

import re

from openapi_spec_validator import validate

from crm.models.customers import CASE_STATUSES, PRIORITIES


def test_every_api_route_is_documented(app, client):
    doc = client.get("/api/v1/openapi.json").get_json()
    assert doc["openapi"].startswith("3.")
    documented = {(path, method) for path, ops in doc["paths"].items() for method in ops}
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/") or rule.endpoint == "api.openapi":
            continue
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert (path, method.lower()) in documented, f"{method} {path} is not documented"


def test_schemas_are_resolvable(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    refs = set(re.findall(r'"#/components/schemas/(\w+)"', str(doc).replace("'", '"')))
    assert refs and refs <= set(doc["components"]["schemas"])


def test_the_document_is_valid_openapi_3(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    validate(doc)  # raises with the first violation of the OpenAPI 3.1 schema


def _declared(doc: dict, method: str, path: str, resp) -> None:
    """The response's status is declared for the operation, with the error body it carries."""
    op = doc["paths"][f"/api/v1{path}"][method]
    declared = op["responses"].get(str(resp.status_code))
    assert declared, f"{method.upper()} {path} answered {resp.status_code}, not declared " \
                     f"(declared: {sorted(op['responses'])})"
    schema = declared["content"]["application/json"]["schema"]
    assert schema == {"$ref": "#/components/schemas/ErrorBody"}
    assert set(resp.get_json()["error"]) == {"code", "message"}


def test_routes_declare_the_errors_they_really_answer(app, client, case, as_user):
    doc = client.get("/api/v1/openapi.json").get_json()
    _, agent = as_user("agent")
    _, maker = as_user("collections")
    _, reviewer = as_user("reviewer")

    flags = client.patch(f"/api/v1/cases/{case.id}", headers=agent, json={"flags": ["vip"]})
    assert flags.status_code == 403
    _declared(doc, "patch", "/cases/{case_id}", flags)

    asked = client.post(f"/api/v1/cases/{case.id}/decisions", headers=maker,
                        json={"kind": "other", "summary": "Write off $120"}).get_json()
    approve = f"/api/v1/decisions/{asked['id']}/approve"
    assert client.post(approve, headers=reviewer, json={}).status_code == 200
    again = client.post(approve, headers=reviewer, json={})
    assert again.status_code == 409
    _declared(doc, "post", "/decisions/{decision_id}/approve", again)

    escalate = f"/api/v1/cases/{case.id}/escalations"
    assert client.post(escalate, headers=agent, json={"summary": "Odd"}).status_code == 201
    open_already = client.post(escalate, headers=agent, json={"summary": "Odder"})
    assert open_already.status_code == 409
    _declared(doc, "post", "/cases/{case_id}/escalations", open_already)

    nul = client.post(f"/api/v1/cases/{case.id}/notes", headers=agent, json={"body": "a\x00"})
    assert nul.status_code == 400
    _declared(doc, "post", "/cases/{case_id}/notes", nul)

    app.config["MAX_CONTENT_LENGTH"] = 1000
    too_big = client.post(f"/api/v1/cases/{case.id}/notes", headers=agent,
                          json={"body": "x" * 2000})
    assert too_big.status_code == 413
    _declared(doc, "post", "/cases/{case_id}/notes", too_big)

    no_twilio = client.post("/api/v1/voice/token", headers=agent)
    assert no_twilio.status_code == 503
    _declared(doc, "post", "/voice/token", no_twilio)


def test_errors_are_declared_where_they_arise_not_everywhere(client):
    doc = client.get("/api/v1/openapi.json").get_json()

    def statuses(method, path):
        return set(doc["paths"][f"/api/v1{path}"][method]["responses"])

    assert statuses("get", "/me") == {"200", "400", "401"}
    assert statuses("get", "/cases/{case_id}") == {"200", "400", "401", "404"}
    assert {"403", "409"} <= statuses("post", "/decisions/{decision_id}/approve")
    assert "409" not in statuses("get", "/cases/{case_id}/timeline")
    assert "503" not in statuses("post", "/cases/{case_id}/notes")


def test_the_allowed_values_the_server_enforces_are_in_the_document(client, case, as_user):
    doc = client.get("/api/v1/openapi.json").get_json()
    change = doc["components"]["schemas"]["CaseChange"]["properties"]
    assert change["status"]["enum"] == list(CASE_STATUSES)
    assert change["priority"]["enum"] == list(PRIORITIES)
    assert "null" not in str(change["status"])  # omit it, or send a status
    note = doc["components"]["schemas"]["NoteIn"]["properties"]["body"]
    assert (note["minLength"], note["maxLength"]) == (1, 20_000)
    kinds = doc["components"]["schemas"]["DecisionIn"]["properties"]["kind"]["enum"]
    assert "write_off" in kinds

    _, supervisor = as_user("supervisor")
    for bad in ({"status": "archived"}, {"status": None}, {"priority": "asap"}):
        resp = client.patch(f"/api/v1/cases/{case.id}", headers=supervisor, json=bad)
        assert resp.status_code == 422, (bad, resp.get_json())
    blank = client.post(f"/api/v1/cases/{case.id}/notes", headers=supervisor,
                        json={"body": "  "})
    assert blank.status_code == 422
