"""Reading documents locally: a PDF's and a Word file's text, and a bad file's clear status."""

import io
import zipfile

from pypdf import PdfReader, PdfWriter

from crm.documents import extract
from crm.documents.summary import summarise
from tests.documents_support import claim_form_docx, claim_form_pdf


def test_a_long_pdf_is_read_up_to_the_page_cap_and_says_so(monkeypatch):
    monkeypatch.setattr(extract, "MAX_PAGES", 5)
    got = extract.extract(claim_form_pdf(pages=8), "pdf")
    assert (got.status, got.pages) == ("done", 5)
    assert got.message == "Read the first 5 of 8 pages."
    assert "Policy number: HOM-4471-22" in got.text


def test_a_word_document_is_read_with_its_tables():
    got = extract.extract(claim_form_docx(), "docx")
    assert got.status == "done"
    facts = summarise(got.text).facts
    assert facts["policy_number"]["value"] == "MOT-9920-11"
    assert (facts["amount"]["value"], facts["loss_date"]["value"]) == ("120000", "2026-02-02")


def test_damaged_encrypted_empty_and_huge_files_get_a_status_never_an_error(monkeypatch):
    assert extract.extract(b"%PDF-1.7\nthis is not a PDF at all", "pdf").status == "unreadable"
    assert extract.extract(b"PK\x03\x04 broken", "docx").status == "unreadable"
    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(claim_form_pdf(pages=1))))
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")
    locked = io.BytesIO()
    writer.write(locked)
    got = extract.extract(locked.getvalue(), "pdf")
    assert (got.status, got.message) == ("encrypted", "Not read: the PDF is password-protected.")
    blank = PdfWriter()
    blank.add_blank_page(200, 200)
    empty = io.BytesIO()
    blank.write(empty)
    assert extract.extract(empty.getvalue(), "pdf").status == "empty"
    monkeypatch.setattr(extract, "MAX_BYTES", 1000)
    assert extract.extract(b"x" * 1001, "pdf").status == "too_large"


def test_a_docx_that_unpacks_huge_is_not_parsed(monkeypatch):
    monkeypatch.setattr(extract, "MAX_DOCX_XML", 10_000)
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("word/document.xml", "<a>" + " " * 50_000 + "</a>")
    assert extract.extract(packed.getvalue(), "docx").status == "too_large"


def test_the_summary_keeps_the_sentences_with_numbers_dates_and_amounts():
    text = ("Hello. Thank you for your letter and for your patience with us.\n"
            "Policy number: HOM-4471-22\nDate of loss: 14 March 2026\n"
            "Amount claimed: $4,750.00\nWe look forward to hearing from you soon.")
    said = summarise(text)
    assert [s["text"] for s in said.sentences] == [
        "Policy number: HOM-4471-22", "Date of loss: 14 March 2026",
        "Amount claimed: $4,750.00"]
    assert said.facts["loss_date"]["value"] == "2026-03-14"
