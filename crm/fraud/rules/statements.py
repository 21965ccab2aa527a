"""Facts stated in words (a note, a call's wrap-up, an email): loss dates, amounts, accounts.

Only what is said near its subject counts: a date in a sentence about the loss, an amount in
one about the claim, an account number shaped like an IBAN or introduced as an account.
Numeric dates such as 03/04/2026 are left alone: day and month cannot be told apart.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from crm.fraud.identifiers import bank_account_key

# A sentence ends at . ! ? before a space (not inside 4,500.00) or at a line break.
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")
_MONTHS = {m: n for n, m in enumerate(
    ("january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december"), start=1)}
_MONTH = r"(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_DAY_MONTH = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH},?\s+(\d{{4}})\b",
                        re.I)
_MONTH_DAY = re.compile(rf"\b{_MONTH}\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b", re.I)
_LOSS_WORDS = re.compile(r"\b(loss|lost|incident|accident|happened|occurred|stolen|theft|"
                         r"damaged?|burglary|fire|flood|crash)\b", re.I)
# At most 15 digits: an amount, not a pasted number thousands of digits long.
_MONEY = re.compile(r"(?:[$€£]\s?|\b(?:usd|eur|gbp|zar)\s?)(\d{1,3}(?:[,\s]\d{3}){1,4}|"
                    r"\d{1,15})(?:\.(\d{2}))?\b|\b(\d{1,3}(?:,\d{3}){1,4}|\d{1,15})"
                    r"(?:\.(\d{2}))?\s?(?:dollars|euros|pounds|rand)\b", re.I)
_AMOUNT_WORDS = re.compile(r"\b(claim(?:ed|ing)?|amount|worth|value[ds]?|cost|costs|"
                           r"damage|loss|repairs?|total)\b", re.I)
# Printed in groups of four ("GB29 NWBK 6016 …") or run together; a word after it is no part.
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?:(?:[ -]?[A-Z0-9]{4}){2,7}(?:[ -]?[A-Z0-9]{1,4})?|"
                   r"[A-Z0-9]{11,30})\b", re.I)
_ACCOUNT = re.compile(r"\b(?:account|acct|a/c)(?:\s+(?:number|no\.?|#))?\s*[:#]?\s*"
                      r"(\d(?:[ -]?\d){5,19})\b", re.I)


@dataclass(frozen=True)
class Stated:
    """One fact found in a text: what (loss_date, amount, bank_account), its value, the quote."""

    what: str
    value: str  # ISO date, whole cents as digits, or an account key
    shown: str  # as it was written
    quote: str  # the sentence it was said in


def sentences(text: str) -> list[str]:
    """The text cut into sentences (and lines), stripped."""
    return [s.strip() for s in _SENTENCE_END.split(text or "") if s.strip()]


def _month(word: str) -> int:
    word = word.lower().rstrip(".")
    return next(n for name, n in _MONTHS.items() if name.startswith(word[:3]))


def _dates(sentence: str) -> list[tuple[date, str]]:
    found = []
    for m in _ISO.finditer(sentence):
        found.append(((int(m[1]), int(m[2]), int(m[3])), m[0]))
    for m in _DAY_MONTH.finditer(sentence):
        found.append(((int(m[3]), _month(m[2]), int(m[1])), m[0]))
    for m in _MONTH_DAY.finditer(sentence):
        found.append(((int(m[3]), _month(m[1]), int(m[2])), m[0]))
    out = []
    for (y, mo, d), shown in found:
        try:
            out.append((date(y, mo, d), shown))
        except ValueError:
            continue  # 31 February is no date
    return out


def _cents(whole: str, fraction: str | None) -> int:
    return int(re.sub(r"[,\s]", "", whole)) * 100 + int(fraction or 0)


def stated(text: str) -> list[Stated]:
    """Every loss date, claimed amount and bank account stated in the text, in order."""
    found = []
    for sentence in sentences(text):
        if _LOSS_WORDS.search(sentence):
            found += [Stated("loss_date", d.isoformat(), shown, sentence)
                      for d, shown in _dates(sentence)]
        if _AMOUNT_WORDS.search(sentence):
            for m in _MONEY.finditer(sentence):
                whole, fraction = (m[1], m[2]) if m[1] else (m[3], m[4])
                found.append(Stated("amount", str(_cents(whole, fraction)), m[0].strip(),
                                    sentence))
        accounts = [m[0] for m in _IBAN.finditer(sentence)
                    if any(c.isdigit() for c in m[0][4:])]
        accounts += [m[1] for m in _ACCOUNT.finditer(sentence)]
        for shown in accounts:
            key = bank_account_key(shown)
            if key and not any(s.what == "bank_account" and s.value == key for s in found):
                found.append(Stated("bank_account", key, shown.strip(), sentence))
    return found
