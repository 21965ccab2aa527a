"""The case file as a PDF (fpdf2): header, lines of work, flags, timeline and audit trail."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from datetime import date, datetime
from functools import cache

import fontpkg_noto_sans
from fontTools.ttLib import TTFont
from fpdf import FPDF
from fpdf.enums import TextMode, XPos, YPos

from crm.core.labels import LABELS, label, title
from crm.exports.reading import Sections

# Noto Sans, a Unicode TrueType font from a pinned dependency (fontpkg-noto-sans): names
# such as Łukasz Żółć or Nguyễn print as written (Latin, Greek, Cyrillic, Vietnamese). The
# PDF's built-in fonts know only Windows-1252. The package ships variable fonts, embedded as
# they are (subsets of the letters used) and drawn at their default, regular weight: making a
# bold instance takes fontTools most of a minute, so bold is the regular letters drawn with
# an outline (see CaseFilePdf.set_font).
FONT = "NotoSans"
_FILES = fontpkg_noto_sans.ROOT / "files"
_REGULAR, _ITALIC = _FILES / "NotoSans[wdth,wght].ttf", _FILES / "NotoSans-Italic[wdth,wght].ttf"
_STYLES = {"": _REGULAR, "B": _REGULAR, "I": _ITALIC}
_BOLD_OUTLINE = 0.18  # mm of outline around each letter: reads as bold at 9-16 pt
_TEXT_LIMIT = 20_000  # a body longer than a note's limit is cut in print (the ZIP has the raw)
_JSON_LIMIT = 2_000


@cache
def _letters() -> frozenset[int]:
    """The code points the font draws (read once from its character map)."""
    return frozenset(TTFont(_REGULAR, lazy=True).getBestCmap())


def text(value) -> str:
    """A value as printable text in the PDF's font; a character it has no letter for (an
    emoji, Chinese) prints as ? (the raw originals travel in the ZIP)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.strftime("%Y-%m-%d %H:%M:%S UTC")
    elif isinstance(value, date):
        value = value.isoformat()
    elif isinstance(value, bool):
        value = "yes" if value else "no"
    elif isinstance(value, dict | list):
        value = json.dumps(value, default=str, ensure_ascii=False, sort_keys=True)[:_JSON_LIMIT]
    value = str(value).replace("\t", "    ").replace("\r\n", "\n").replace("\r", "\n")
    letters = _letters()
    return "".join(c if c == "\n" or ord(c) in letters else "?" for c in value
                   if c == "\n" or c.isprintable())


def money(cents: int | None, currency: str = "") -> str:
    """Cents as an amount (1234 -> 12.34 USD)."""
    if cents is None:
        return ""
    return f"{cents / 100:,.2f} {currency}".strip()


class CaseFilePdf(FPDF):
    """An A4 document with the case reference and page numbers in every footer."""

    def __init__(self, reference: str):
        super().__init__(format="A4")
        for style, path in _STYLES.items():
            self.add_font(FONT, style, path)
        self.reference = reference
        self.set_auto_page_break(auto=True, margin=16)
        self.set_margins(15, 15, 15)

    def set_font(self, family=None, style="", size=0) -> None:
        """The font, with bold drawn as the regular letters outlined (one weight embedded)."""
        super().set_font(family, style, size)
        bold = "B" in self.font_style
        self.text_mode = TextMode.FILL_STROKE if bold else TextMode.FILL
        if bold:
            self.set_line_width(_BOLD_OUTLINE)

    def footer(self) -> None:
        """Case reference and page n of N: a printed page stays tied to its file."""
        self.set_y(-12)
        self.set_font(FONT, size=8)
        self.cell(0, 6, text(f"Case file {self.reference} - confidential - page "
                             f"{self.page_no()} of {{nb}}"), align="C")

    def heading(self, title: str) -> None:
        """A section title."""
        self.ln(3)
        self.set_font(FONT, "B", 13)
        self.multi_cell(0, 7, text(title), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font(FONT, size=9)

    def subheading(self, title: str) -> None:
        """The title of one entry in a section."""
        self.ln(1.5)
        self.set_font(FONT, "B", 10)
        self.multi_cell(0, 5.5, text(title), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font(FONT, size=9)

    def line_of(self, label: str, value) -> None:
        """One labelled field; empty values are left out."""
        shown = text(value)
        if not shown:
            return
        self.set_font(FONT, "B", 9)
        self.multi_cell(0, 4.5, text(f"{label}:"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font(FONT, size=9)
        self.set_x(self.l_margin + 4)
        self.multi_cell(0, 4.5, shown, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def paragraph(self, value) -> None:
        """Free text (a body, a note) as it was written."""
        self.set_font(FONT, size=9)
        self.multi_cell(0, 4.5, text(value)[:_TEXT_LIMIT], new_x=XPos.LMARGIN,
                        new_y=YPos.NEXT)

    def none(self) -> None:
        """An empty section says so, rather than looking forgotten."""
        self.set_font(FONT, "I", 9)
        self.multi_cell(0, 4.5, "None.", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font(FONT, size=9)


def write(path: str, made: dict, found: Sections, timeline: Iterable[list[dict]],
          trail: Iterable[list[dict]], tick: Callable[[int], None]) -> None:
    """Write the case file to path; tick(n) after each page of n rows is laid out."""
    doc = CaseFilePdf(found.case["reference"])
    doc.set_title(text(f"Case file {found.case['reference']}"))
    doc.set_author(text(made.get("by") or "Caseline"))
    doc.set_creator("Caseline")
    doc.add_page()
    doc.set_font(FONT, "B", 16)
    doc.multi_cell(0, 9, text(f"Case file {found.case['reference']}: "
                              f"{found.case['customer']}"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    doc.set_font(FONT, size=9)
    doc.multi_cell(0, 4.5, text(f"Confidential: prepared for a legal or SIU referral. Export "
                                f"#{made['id']}, requested by {made.get('by') or 'unknown'}, "
                                f"built {text(made['at'])}."),
                   new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    _case(doc, found)
    _work(doc, found)
    doc.heading("Timeline (oldest first)")
    empty = True
    for page in timeline:
        empty = False
        for entry in page:
            _entry(doc, entry)
        tick(len(page))
    if empty:
        doc.none()
    doc.heading("Audit trail (oldest first)")
    empty = True
    for page in trail:
        empty = False
        for event in page:
            action = event["action"].replace(".", " ").replace("_", " ")
            doc.subheading(f"{text(event['at'])} - {action} - "
                           f"{label(event['object_type'])} {event['object_id']}")
            doc.line_of("By", event["actor_label"])
            doc.line_of("Before", _fields(event["before"]))
            doc.line_of("After", _fields(event["after"]))
        tick(len(page))
    if empty:
        doc.none()
    doc.output(path)


def _case(doc: CaseFilePdf, found: Sections) -> None:
    c = found.case
    doc.heading("Case")
    # Codes print as the words the screens use (crm.core.labels), free text as written.
    shown = {**c, "status": label(c["status"]), "priority": label(c["priority"]),
             "flags": ", ".join(label(f) for f in c["flags"])}
    for name, key in (("Customer", "customer"), ("Customer reference", "customer_ref"),
                      ("Status", "status"), ("Priority", "priority"), ("Owner", "owner"),
                      ("Flags", "flags"), ("Sensitive", "sensitive"), ("Summary", "summary"),
                      ("Opened", "opened"), ("Last activity", "last_activity")):
        doc.line_of(name, shown[key])
    for cp in found.contact_points:
        doc.line_of(f"Contact ({label(cp['kind'])}{', ' + cp['label'] if cp['label'] else ''})",
                    cp["value"])


def _work(doc: CaseFilePdf, found: Sections) -> None:
    doc.heading("Claims")
    for c in _each(doc, found.claims):
        doc.subheading(f"Claim {c['number']} - {label(c['status'])}")
        c = {**c, "claim_type": label(c["claim_type"])}
        for name, key in (("Status reason", "status_reason"), ("Policy", "policy_number"),
                          ("Policy start", "policy_start"), ("Loss date", "loss_date"),
                          ("Type", "claim_type"), ("Bank account", "bank_account"),
                          ("Description", "description"), ("Opened", "created_at")):
            doc.line_of(name, c[key])
        doc.line_of("Reported amount", money(c["reported_amount_cents"], c["currency"]))
        doc.line_of("Reserve", money(c["reserve_cents"], c["currency"]))
    doc.heading("Decisions")
    for d in _each(doc, found.decisions):
        doc.subheading(f"{title(d['kind'])} - {label(d['status'])}")
        for name, key in (("Summary", "summary"), ("Asked by", "maker"),
                          ("Decided by", "checker"), ("Decided", "decided_at"),
                          ("Note", "note"), ("Asked", "created_at")):
            doc.line_of(name, d[key])
    doc.heading("Investigations")
    for i in _each(doc, found.investigations):
        doc.subheading(f"Investigation {i['reference']} - {label(i['status'])}")
        i = {**i, "severity": label(i["severity"]), "outcome": label(i["outcome"])}
        for name, key in (("Severity", "severity"), ("Risk score", "risk"),
                          ("Escalation", "summary"), ("Investigator", "assigned_to"),
                          ("Taken", "taken_at"), ("Snoozed until", "snoozed_until"),
                          ("Outcome", "outcome"), ("Outcome summary", "outcome_summary"),
                          ("Closed", "closed_at"), ("Opened", "created_at")):
            doc.line_of(name, i[key])
        for pin in i["evidence"]:
            what = f"timeline item #{pin['item']}" + (
                f", attachment #{pin['attachment']}" if pin["attachment"] else "")
            doc.line_of("Evidence", f"{what} pinned by {pin['by'] or 'unknown'} on "
                                    f"{pin['pinned']:%Y-%m-%d}: {pin['note'] or '-'}")
    doc.heading("Red flags")
    for f in _each(doc, found.red_flags):
        doc.subheading(f"{title(f['rule'])} ({label(f['status'])})")
        doc.line_of("Why", f["reason"])
        doc.line_of("Facts", _fields(f["facts"]))
        doc.line_of("Raised", f["created_at"])
    doc.heading("Debts")
    for d in _each(doc, found.debts):
        doc.subheading(f"Account {d['account_number']} - {label(d['status'])}")
        doc.line_of("Creditor", d["creditor"])
        doc.line_of("Original balance", money(d["original_balance_cents"], d["currency"]))
        doc.line_of("Balance", money(d["balance_cents"], d["currency"]))
        for name, key in (("Delinquent since", "delinquent_since"),
                          ("Charged off", "charge_off_date"), ("Disputed", "disputed"),
                          ("Ceased", "ceased"), ("Stop reason", "stop_reason")):
            doc.line_of(name, label(d[key]) if key == "stop_reason" else d[key])


def _fields(values) -> str:
    # A rule's facts or an audit event's before and after: one "Name: value" a line, a code
    # among the values as its words (a nested list or mapping as data, cut short).
    if not isinstance(values, dict):
        return text(values)
    def shown(value) -> str:
        return label(value) if isinstance(value, str) and value in LABELS else text(value)
    return "\n".join(f"{title(k)}: {shown(v)}" for k, v in values.items())


def _each(doc: CaseFilePdf, rows: list[dict]) -> list[dict]:
    # An empty section says "None." rather than looking forgotten.
    if not rows:
        doc.none()
    return rows


def _entry(doc: CaseFilePdf, e: dict) -> None:
    doc.subheading(f"{text(e['occurred_at'])} - {title(e['medium'])} {label(e['direction'])} "
                   f"({label(e['status'])}) #{e['id']}")
    doc.line_of("Agent", e["agent"])
    doc.line_of("From", e["from"])
    doc.line_of("To", e["to"])
    doc.line_of("Subject", e["subject"])
    if e["duration_seconds"] is not None:
        doc.line_of("Duration", f"{e['duration_seconds']} s")
    doc.line_of("Disposition", label(e["disposition"]))
    if e["body"]:
        doc.paragraph(e["body"])
    for w in e["wrap_ups"]:
        doc.line_of(f"Wrap-up by {w['agent'] or 'an agent'}",
                    f"{label(w['label'])}{': ' if w['label'] and w['notes'] else ''}"
                    f"{w['notes']}")
    for f in e["files"]:
        doc.line_of("Raw message" if f["kind"] == "raw" else f"File ({label(f['kind'])})",
                    f"{f['filename']} - {f['content_type']}, {f['size']} bytes"
                    f"{', sha256 ' + f['sha256'] if f['sha256'] else ''}")
