"""An extractive summary, computed locally: the sentences that carry a document's dates,
amounts, names and policy, claim and account numbers, ranked; and those facts, extracted.

No model and no network: sentences are scored by what they hold (a policy number counts
most), the best few are kept in the order the document has them. Loss dates, amounts and
bank accounts are read as the fraud rules read notes (crm.fraud.rules.statements), so a
document's facts compare with the claim record in the same terms.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from crm.fraud.rules.statements import stated

MAX_SENTENCES = 6
MAX_SENTENCE = 400  # characters of one sentence shown (a table row can run on)
# Forms put each field on a line of its own; prose ends sentences with . ! ?
_SPLIT = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9])|\n+")
# A reference holds a digit ("HOM-4471-22"), so the word "number" itself is never one.
_NUMBER = r"((?=[A-Z\-/]*\d)[A-Z0-9][A-Z0-9\-/]{2,30}[A-Z0-9])"
_SAYS = r"\s*(?:[:#]|is|was)?\s*"
_POLICY = re.compile(rf"\bpolicy\s*(?:number|no\.?|#|ref(?:erence)?)?{_SAYS}{_NUMBER}", re.I)
_CLAIM = re.compile(rf"\bclaim\s*(?:number|no\.?|#|ref(?:erence)?){_SAYS}{_NUMBER}", re.I)
_NAME = re.compile(r"\b(?:name|policyholder|policy holder|insured|claimant|account holder)"
                   r"\s*(?:name)?\s*:\s*([A-Z][a-z'\-]+(?: [A-Z][a-z'\-]+){1,3})\b")
_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?"
                   r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?,?\s+\d{4}\b|"
                   r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2}"
                   r"(?:st|nd|rd|th)?,?\s+\d{4}\b|\b\d{1,2}/\d{1,2}/\d{2,4}\b", re.I)
_MONEY = re.compile(r"(?:[$€£]|\b(?:usd|eur|gbp|zar)\s?)\s?\d[\d,\s]*(?:\.\d{2})?", re.I)
_PROPER = re.compile(r"\b[A-Z][a-z]+ [A-Z][a-z]+\b")


@dataclass(frozen=True)
class Summary:
    """The ranked sentences (in document order) and the facts found."""

    sentences: list[dict]
    facts: dict


def sentences(text: str) -> list[str]:
    """The text cut into sentences and form lines, whitespace collapsed, no repeats."""
    seen, out = set(), []
    for part in _SPLIT.split(text or ""):
        line = " ".join(part.split())
        if len(line) >= 8 and line.lower() not in seen:
            seen.add(line.lower())
            out.append(line)
    return out


def _identifier(pattern: re.Pattern, text: str) -> str | None:
    for m in pattern.finditer(text):
        if any(c.isdigit() for c in m[1]):
            return m[1].upper()
    return None


def _score(sentence: str) -> tuple[int, list[str]]:
    tags = []
    account = re.search(r"\b(?:account|iban|acct)\b", sentence, re.I) and \
        sum(c.isdigit() for c in sentence) >= 6
    if _identifier(_POLICY, sentence) or _identifier(_CLAIM, sentence) or account:
        tags.append("number")
    if _MONEY.search(sentence):
        tags.append("amount")
    if _DATE.search(sentence):
        tags.append("date")
    if _NAME.search(sentence) or _PROPER.search(sentence):
        tags.append("name")
    weights = {"number": 4, "amount": 3, "date": 3, "name": 1}
    return sum(weights[t] for t in tags), tags


def summarise(text: str) -> Summary:
    """The best sentences of the text and its facts."""
    found = sentences(text)
    scored = [(score, -i, i, s, tags) for i, s in enumerate(found)
              for score, tags in [_score(s)] if score]
    best = sorted(scored, reverse=True)[:MAX_SENTENCES]
    chosen = [{"text": s[:MAX_SENTENCE], "tags": tags, "score": score}
              for score, _, _, s, tags in sorted(best, key=lambda b: b[2])]
    return Summary(chosen, facts(text))


def facts(text: str) -> dict:
    """policy_number, claim_number, names, loss_date, amount (the claimed one: the first in a
    sentence about the claim), amounts, bank_account; each with the sentence it is in."""
    out: dict = {}
    policy = _identifier(_POLICY, text)
    if policy:
        out["policy_number"] = {"value": policy, "shown": policy,
                                "quote": _quote(text, policy)}
    claim = _identifier(_CLAIM, text)
    if claim:
        out["claim_number"] = {"value": claim, "shown": claim, "quote": _quote(text, claim)}
    names = list(dict.fromkeys(m[1] for m in _NAME.finditer(text)))[:5]
    if names:
        out["names"] = names
    said = stated(text)
    for what in ("loss_date", "amount", "bank_account"):
        first = next((s for s in said if s.what == what), None)
        if first:
            out[what] = {"value": first.value, "shown": first.shown,
                         "quote": first.quote[:MAX_SENTENCE]}
    amounts = list(dict.fromkeys(s.shown for s in said if s.what == "amount"))[:10]
    if amounts:
        out["amounts"] = amounts
    return out


def _quote(text: str, value: str) -> str:
    return next((s for s in sentences(text) if value.lower() in s.lower()), value)[
        :MAX_SENTENCE]
