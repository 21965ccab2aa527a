"""The export runner: every page of a long timeline, progress as it goes, failures recorded."""

from __future__ import annotations

import io
import zipfile

from pypdf import PdfReader
from sqlalchemy import insert, select

from crm.cases import timeline
from crm.core import events
from crm.customers import identity
from crm.exports import casefiles, reading, runs
from crm.models import Attachment, AuditEvent, CaseExport, Interaction, utcnow


def _case(session, default_client):
    _, case, _ = identity.find_or_create(session, default_client.id, "+14155550177")
    session.commit()
    return case


def _export(session, store, item_id) -> tuple[CaseExport, bytes]:
    item = session.get(CaseExport, item_id, populate_existing=True)
    session.commit()
    with store.open(item.storage_key) as fh:
        return item, fh.read()


def test_a_long_timeline_is_read_page_by_page_and_all_of_it_printed(
        session, default_client, make_user, factory, store):
    case = _case(session, default_client)
    at = utcnow()
    # Many entries at one instant: the keyset (time, id) must not skip or repeat any.
    session.execute(insert(Interaction), [
        {"client_id": case.client_id, "case_id": case.id, "medium": "note",
         "direction": "internal", "body": f"note number {n:04d} ends", "occurred_at": at,
         "meta": {}} for n in range(450)])
    session.commit()
    pages = list(reading.interactions(factory, case.id, page=200))
    assert [len(p) for p in pages] == [200, 200, 50]
    supervisor = make_user("supervisor")
    seen = []
    events.subscribe(events.EXPORT_PROGRESS, lambda name, p: seen.append(p["progress"]))
    item = casefiles.start(session, supervisor, case.id, "pdf")
    session.commit()
    runs.run(factory, item.id, store)
    item, data = _export(session, store, item.id)
    assert (item.status, item.progress, item.size) == ("done", 100, len(data))
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    found = [n for n in range(450) if f"note number {n:04d} ends" in text]
    assert found == list(range(450))
    # In order, oldest first, as a case file reads.
    assert text.index("note number 0000") < text.index("note number 0449")
    percents = [p["progress"] for p in seen]
    assert percents == sorted(percents) and percents[-1] == 100 and len(set(percents)) > 3
    assert seen[-1]["status"] == "done"


def test_a_run_again_changes_nothing_and_a_missing_file_is_noted(
        session, default_client, make_user, factory, store):
    case = _case(session, default_client)
    note, _ = timeline.record(session, case, medium="email", direction="inbound",
                              subject="Lost file", body="see attached")
    key, digest = store.put(b"gone soon", suffix="bin")
    session.add(Attachment(interaction_id=note.id, kind="file", filename="lost.bin",
                           storage_key=key, sha256=digest, size=9))
    session.commit()
    store.delete(key)
    item = casefiles.start(session, make_user("fraud"), case.id, "zip")
    session.commit()
    runs.run(factory, item.id, store)
    done, data = _export(session, store, item.id)
    runs.run(factory, item.id, store)  # a late duplicate delivery of the task
    again, _ = _export(session, store, item.id)
    assert (again.status, again.storage_key) == ("done", done.storage_key)
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert "missing from storage" in archive.read("manifest.csv").decode()
    assert not [n for n in archive.namelist() if n.startswith("files/")]


def test_a_build_that_fails_is_recorded_not_lost(session, default_client, make_user, factory,
                                                 tmp_path):
    case = _case(session, default_client)
    item = casefiles.start(session, make_user("reviewer"), case.id, "pdf")
    session.commit()

    class Full:
        """A store whose disk is full."""

        def put_file(self, source, *, suffix=""):
            raise OSError(28, "No space left on device")

    runs.run(factory, item.id, Full())
    failed = session.get(CaseExport, item.id, populate_existing=True)
    assert failed.status == "failed" and "could not be built" in failed.error
    assert failed.storage_key is None
    assert session.scalar(select(AuditEvent.action).where(
        AuditEvent.action == "export.failed")) == "export.failed"


def test_names_beyond_western_european_letters_print_as_written(session, default_client,
                                                                make_user, factory, store):
    _, case, _ = identity.find_or_create(session, default_client.id, "+48601234567",
                                         display_name="Łukasz Żółć")
    timeline.record(session, case, medium="note", direction="internal", occurred_at=utcnow(),
                    body="Spoke with Nguyễn Thị Lan, his neighbour: Ελένη saw the flood. 🌊")
    session.commit()
    item = casefiles.start(session, make_user("supervisor"), case.id, "pdf")
    session.commit()
    runs.run(factory, item.id, store)
    item, data = _export(session, store, item.id)
    assert item.status == "done", item.error
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    assert "Case file " + case.reference + ": Łukasz Żółć" in text
    assert "Spoke with Nguyễn Thị Lan, his neighbour: Ελένη saw the flood. ?" in text


def test_the_case_file_prints_words_not_codes(session, default_client, make_user, factory,
                                              store):
    """A legal reader sees "first notice of loss" and "payment plan", never fnol or
    payment_plan: the PDF speaks the words the screens do (crm.core.labels)."""
    from datetime import date

    from crm.claims import records
    from crm.models import DebtAccount

    case = _case(session, default_client)
    handler = make_user("claims")
    records.create(session, handler, case.id, loss_date=date(2026, 3, 2), type="motor",
                   today=date(2026, 3, 20))
    session.add(DebtAccount(client_id=case.client_id, case_id=case.id, account_number="4100001",
                            creditor="Acme", balance_cents=10_000, original_balance_cents=10_000,
                            currency="USD", status="payment_plan"))
    timeline.record(session, case, medium="voice", direction="inbound", provider_id="CA9",
                    status="no-answer", disposition="voicemail_left")
    session.commit()
    item = casefiles.start(session, make_user("supervisor"), case.id, "pdf")
    session.commit()
    runs.run(factory, item.id, store)
    _, data = _export(session, store, item.id)
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    text = " ".join(text.split())
    assert "first notice of loss" in text and "payment plan" in text
    assert "voicemail left" in text and "Call inbound (no answer)" in text
    for code in ("fnol", "payment_plan", "voicemail_left", "no-answer"):
        assert code not in text, code


def test_line_breaks_print_as_line_breaks():
    """A body's line breaks break lines; they never print as "?" (the font has no glyph
    for them)."""
    from crm.exports.pdf import text

    assert text("Hello,\nthe pipe burst.\r\nThanks") == "Hello,\nthe pipe burst.\nThanks"


def test_the_case_file_prints_the_risk_score_with_its_reasons(session, default_client,
                                                              make_user, factory, store):
    from datetime import date

    from crm.claims import records
    from crm.fraud import investigations

    case = _case(session, default_client)
    handler = make_user("claims")
    records.create(session, handler, case.id, policy_start=date(2026, 3, 1),
                   loss_date=date(2026, 3, 11), today=date(2026, 3, 20))
    session.commit()
    investigations.escalate(session, handler, case.id, "Loss ten days in")
    session.commit()
    item = casefiles.start(session, make_user("supervisor"), case.id, "pdf")
    session.commit()
    runs.run(factory, item.id, store)
    _, data = _export(session, store, item.id)
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).split())
    assert "Risk score: 30: loss soon after start (30)" in text
