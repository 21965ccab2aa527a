"""Documents the summary tests read: a claim form PDF and a Word file, made on the spot."""

from __future__ import annotations

import io

import docx
from fpdf import FPDF

FILLER = ("The insurer will consider each claim on its merits under the terms of the policy "
          "schedule. Cover is subject to the conditions and exclusions set out in this "
          "section, and to the limits shown in the schedule.")


def claim_form_pdf(pages: int = 20, *, policy="HOM-4471-22", loss="14 March 2026",
                   amount="$4,750.00", account="GB29 NWBK 6016 1331 9268 19") -> bytes:
    """A claim form: its fields on page one, then terms and conditions to `pages` pages."""
    pdf = FPDF()
    pdf.set_font("Helvetica", size=11)
    pdf.add_page()
    for line in ("HOME INSURANCE CLAIM FORM", f"Policy number: {policy}",
                 "Claim number: CLM-2026-0091", "Policyholder: Jane Mokoena",
                 f"Date of loss: {loss}", f"Amount claimed: {amount}",
                 f"Bank account for payment: {account}",
                 f"On {loss} a storm tore tiles off the roof and water damaged the ceiling."):
        pdf.cell(0, 8, line, new_x="LMARGIN", new_y="NEXT")
    for n in range(2, pages + 1):
        pdf.add_page()
        pdf.multi_cell(0, 6, f"Section {n}. Terms and conditions. " + FILLER * 6)
    return bytes(pdf.output())


def claim_form_docx() -> bytes:
    """A Word claim letter with a table of its fields."""
    document = docx.Document()
    document.add_paragraph("Dear claims team, please find my claim below.")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Policy number:", "MOT-9920-11"
    table.cell(1, 0).text, table.cell(1, 1).text = "Amount claimed:", "$1,200.00"
    document.add_paragraph("The accident happened on 2 February 2026 at the junction.")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
