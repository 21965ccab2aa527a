"""POST /api/v1/cases/<id>/exports: the case file as a PDF or ZIP, built, downloaded, audited."""

from __future__ import annotations

import csv
import io
import zipfile

from pypdf import PdfReader
from sqlalchemy import select

from crm.exports import casefiles
from crm.models import Attachment, AuditEvent, CaseExport, Interaction, Investigation
from tests.console.exports.conftest import PDF_BYTES, PHOTO_BYTES


def _flat(text: str) -> str:
    return " ".join(text.split())


def _build(client, headers, case_id, fmt):
    resp = client.post(f"/api/v1/cases/{case_id}/exports", json={"format": fmt},
                       headers=headers)
    assert resp.status_code == 202, resp.get_json()
    made = resp.get_json()
    status = client.get(f"/api/v1/exports/{made['id']}", headers=headers).get_json()
    assert (status["status"], status["progress"]) == ("done", 100), status
    return status


def _download(client, headers, status):
    resp = client.get(status["download_url"], headers=headers)
    assert resp.status_code == 200
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert resp.headers["Content-Disposition"].startswith("attachment;")
    return resp


def test_the_pdf_lists_every_timeline_item(client, as_user, fraud_case, session):
    _, headers = as_user("supervisor")
    status = _build(client, headers, fraud_case.case_id, "pdf")
    resp = _download(client, headers, status)
    assert resp.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(resp.data))
    text = _flat("\n".join(page.extract_text() for page in reader.pages))
    assert reader.metadata.title.startswith("Case file CL")
    for said in fraud_case.texts:
        assert _flat(said) in text, said
    for section in ("Claims", "Decisions", "Investigations", "Red flags", "Debts",
                    "Timeline (oldest first)", "Audit trail (oldest first)"):
        assert section in text
    # The lines of work and the fraud details are in it, and the trail of asking for it.
    for fact in ("CLM-7781", "Loss 10 days after the policy started", "Pay the plumber's invoice",
                 "Two versions of how the pipe burst", "invoice.pdf", "export requested",
                 "The invoice predates the loss"):
        assert fact in text, fact
    n = session.scalar(select(Interaction.id).where(Interaction.medium == "sms"))
    assert f"#{n}" in text


def test_the_zip_holds_the_pdf_and_every_file_byte_for_byte(client, as_user, fraud_case,
                                                            session, app):
    _, headers = as_user("fraud")
    status = _build(client, headers, fraud_case.case_id, "zip")
    resp = _download(client, headers, status)
    assert resp.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(resp.data))
    names = archive.namelist()
    pdfs = [n for n in names if n.endswith(".pdf") and "/" not in n]
    assert len(pdfs) == 1 and archive.read(pdfs[0]).startswith(b"%PDF-")
    attachments = session.scalars(select(Attachment).join(Interaction).where(
        Interaction.case_id == fraud_case.case_id)).all()
    assert {a.kind for a in attachments} == {"raw", "file"} and len(attachments) == 3
    expected = {"raw": fraud_case.raw, "invoice.pdf": PDF_BYTES, "photo.bin": PHOTO_BYTES}
    for a in attachments:
        member = [n for n in names if n.endswith(f"-{a.id}-{a.filename}")]
        assert len(member) == 1, (a.filename, names)
        want = expected["raw"] if a.kind == "raw" else expected[a.filename]
        assert archive.read(member[0]) == want
    assert next(n for n in names if n.startswith("emails/")).endswith(".eml")
    manifest = list(csv.DictReader(io.StringIO(archive.read("manifest.csv").decode())))
    assert len(manifest) == 3 and all(row["sha256"] for row in manifest)


def test_creating_and_downloading_are_audited(client, as_user, fraud_case, session):
    user, headers = as_user("reviewer")
    status = _build(client, headers, fraud_case.case_id, "pdf")
    _download(client, headers, status)
    _download(client, headers, status)
    actions = session.scalars(select(AuditEvent.action).where(
        AuditEvent.object_type == "export", AuditEvent.object_id == str(status["id"]),
        AuditEvent.actor_id == user.id).order_by(AuditEvent.id)).all()
    assert actions == ["export.requested", "export.done", "export.downloaded",
                       "export.downloaded"]


def test_who_may_not_see_investigations_gets_no_file(client, as_user, fraud_case, session,
                                                     other_client):
    _, allowed = as_user("supervisor")
    status = _build(client, allowed, fraud_case.case_id, "pdf")
    for roles, clients, code in ((("agent",), None, 403), (("claims", "collections"), None, 403),
                                 (("supervisor",), [other_client], 404)):
        _, headers = as_user(*roles, clients=clients)
        asked = client.post(f"/api/v1/cases/{fraud_case.case_id}/exports",
                            json={"format": "pdf"}, headers=headers)
        assert asked.status_code == code, (roles, asked.get_json())
        for url in (f"/api/v1/exports/{status['id']}", status["download_url"]):
            resp = client.get(url, headers=headers)
            assert resp.status_code == code, (roles, url)
            assert b"%PDF" not in resp.data and b"CLM-7781" not in resp.data
    assert session.scalar(select(CaseExport.id).where(CaseExport.id != status["id"])) is None


def test_the_assigned_investigator_may_export(client, as_user, fraud_case, session):
    user, headers = as_user("agent")
    investigation = session.scalars(select(Investigation)).one()
    investigation.assigned_to_id = user.id
    session.commit()
    _build(client, headers, fraud_case.case_id, "pdf")


def test_bad_input_is_refused_clearly(client, as_user, fraud_case):
    _, headers = as_user("supervisor")
    for body in ({"format": "docx"}, {"format": None}, {}, {"format": ["pdf"]}):
        resp = client.post(f"/api/v1/cases/{fraud_case.case_id}/exports", json=body,
                           headers=headers)
        assert resp.status_code == 422, (body, resp.get_json())
        assert resp.get_json()["error"]["code"]
    assert client.post("/api/v1/cases/987654/exports", json={"format": "pdf"},
                       headers=headers).status_code == 404
    assert client.get("/api/v1/exports/987654", headers=headers).status_code == 404
    assert client.get("/api/v1/exports/987654/download", headers=headers).status_code == 404
    assert client.post(f"/api/v1/cases/{fraud_case.case_id}/exports",
                       json={"format": "pdf"}).status_code == 401


def test_a_file_not_built_yet_is_not_downloadable(client, as_user, fraud_case, session):
    user, headers = as_user("supervisor")
    item = casefiles.start(session, user, fraud_case.case_id, "zip")  # queued, never run
    session.commit()
    status = client.get(f"/api/v1/exports/{item.id}", headers=headers).get_json()
    assert (status["status"], status["download_url"]) == ("queued", None)
    resp = client.get(f"/api/v1/exports/{item.id}/download", headers=headers)
    assert resp.status_code == 409 and resp.get_json()["error"]["code"] == "conflict"
