"""One row of a debt portfolio CSV, checked and normalised, or the reason it is refused."""

from __future__ import annotations

import csv
import functools
import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from zoneinfo import available_timezones

from crm.core.errors import Invalid
from crm.customers import identity

# The columns a file must name in its header row (any order; other columns are ignored).
COLUMNS = ("external_ref", "name", "phone", "email", "time_zone", "account_number", "creditor",
           "original_balance", "balance", "currency", "charge_off_date", "delinquent_since")
# Active ISO 4217 codes: an account's currency is one of these.
CURRENCIES = frozenset((
    "AED", "AFN", "ALL", "AMD", "ANG", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT",
    "BGN", "BHD", "BIF", "BMD", "BND", "BOB", "BRL", "BSD", "BTN", "BWP", "BYN", "BZD", "CAD",
    "CDF", "CHF", "CLP", "CNY", "COP", "CRC", "CUP", "CVE", "CZK", "DJF", "DKK", "DOP", "DZD",
    "EGP", "ERN", "ETB", "EUR", "FJD", "FKP", "GBP", "GEL", "GHS", "GIP", "GMD", "GNF", "GTQ",
    "GYD", "HKD", "HNL", "HTG", "HUF", "IDR", "ILS", "INR", "IQD", "IRR", "ISK", "JMD", "JOD",
    "JPY", "KES", "KGS", "KHR", "KMF", "KPW", "KRW", "KWD", "KYD", "KZT", "LAK", "LBP", "LKR",
    "LRD", "LSL", "LYD", "MAD", "MDL", "MGA", "MKD", "MMK", "MNT", "MOP", "MRU", "MUR", "MVR",
    "MWK", "MXN", "MYR", "MZN", "NAD", "NGN", "NIO", "NOK", "NPR", "NZD", "OMR", "PAB", "PEN",
    "PGK", "PHP", "PKR", "PLN", "PYG", "QAR", "RON", "RSD", "RUB", "RWF", "SAR", "SBD", "SCR",
    "SDG", "SEK", "SGD", "SHP", "SLE", "SOS", "SRD", "SSP", "STN", "SVC", "SYP", "SZL", "THB",
    "TJS", "TMT", "TND", "TOP", "TRY", "TTD", "TWD", "TZS", "UAH", "UGX", "USD", "UYU", "UZS",
    "VES", "VND", "VUV", "WST", "XAF", "XCD", "XOF", "XPF", "YER", "ZAR", "ZMW", "ZWL",
))
# Column widths of the tables the values go to.
_WIDTHS = {"external_ref": 64, "name": 200, "account_number": 64, "creditor": 200}
MAX_CENTS = 10**13  # a hundred billion in major units: anything larger is a typo


@dataclass(slots=True)
class Record:
    """A valid row: who the customer is and the account's figures, normalised."""

    row: int
    external_ref: str | None
    name: str
    phone: str | None
    email: str | None
    time_zone: str | None
    account_number: str
    creditor: str
    original_balance_cents: int
    balance_cents: int
    currency: str
    charge_off_date: date | None
    delinquent_since: date | None


# Two rows that import as they stand: what the sample CSV offered on the import page holds.
SAMPLE = (("CUST-1001", "Ada Example", "+14155550101", "ada@example.com", "America/New_York",
           "6000001001", "Acme Bank", "1250.00", "980.50", "USD", "2026-03-31", "2025-11-15"),
          ("CUST-1002", "Ben Sample", "+14155550102", "", "America/Chicago", "6000001002",
           "Acme Bank", "400.00", "400.00", "USD", "", "2026-06-01"))


def sample_csv() -> str:
    """A CSV with the required header row and two example rows, to start a file from."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    writer.writerows(SAMPLE)
    return out.getvalue()


def missing_columns(header: list[str]) -> list[str]:
    """The required columns a header row lacks (names compared trimmed, case-insensitive)."""
    named = {h.strip().lower() for h in header}
    return [c for c in COLUMNS if c not in named]


def positions(header: list[str]) -> dict[str, int]:
    """Where each required column is in a row (the first of a repeated name)."""
    found: dict[str, int] = {}
    for i, h in enumerate(header):
        found.setdefault(h.strip().lower(), i)
    return {c: found[c] for c in COLUMNS}


def parse(row: int, values: list[str], where: dict[str, int], region: str,
          today: date) -> Record:
    """The row as a Record; Invalid naming every column that is wrong and why, "; " apart
    (whoever fixes the file fixes the row once, not once per error)."""
    v = {c: (values[i].strip() if i < len(values) else "") for c, i in where.items()}
    problems: list[str] = []
    flawed: set[str] = set()  # said once: their own checks below would only repeat it

    def take(column, read, *args):
        if column in flawed:
            return None
        try:
            return read(*args)
        except Invalid as exc:
            problems.append(exc.message)
            return None

    for column, text in v.items():
        if "\x00" in text:
            problems.append(f"{column}: contains a NUL character")
        elif len(text) > _WIDTHS.get(column, 320):
            problems.append(f"{column}: longer than {_WIDTHS.get(column, 320)} characters")
        else:
            continue
        flawed.add(column)
    for column in ("account_number", "name"):
        if not v[column] and column not in flawed:
            problems.append(f"{column}: required")
    if not (v["external_ref"] or v["phone"] or v["email"]):
        problems.append("external_ref, phone or email: at least one is required to know the "
                        "customer")
    balance = take("balance", _cents, "balance", v["balance"], True)
    original = take("original_balance", _cents, "original_balance", v["original_balance"]) \
        if v["original_balance"] else balance
    charge_off = take("charge_off_date", _date, "charge_off_date", v["charge_off_date"], today)
    delinquent = take("delinquent_since", _date, "delinquent_since", v["delinquent_since"], today)
    if charge_off and delinquent and charge_off < delinquent:
        problems.append("charge_off_date: before delinquent_since")
    phone = take("phone", _contact, "phone", v["phone"], region)
    email = take("email", _contact, "email", v["email"], region)
    zone = take("time_zone", _zone, v["time_zone"])
    currency = take("currency", _currency, v["currency"])
    if problems:
        raise Invalid("; ".join(problems))
    return Record(
        row=row, external_ref=v["external_ref"] or None, name=" ".join(v["name"].split()),
        phone=phone, email=email, time_zone=zone, account_number=v["account_number"],
        creditor=v["creditor"], original_balance_cents=original, balance_cents=balance,
        currency=currency, charge_off_date=charge_off, delinquent_since=delinquent)


def _cents(column: str, text: str, required: bool = False) -> int:
    if not text:
        raise Invalid(f"{column}: required")
    try:
        amount = Decimal(text.replace(",", ""))
    except InvalidOperation:
        raise Invalid(f"{column}: not an amount ({text!r}), write it like 1234.56") from None
    if not amount.is_finite() or amount < 0:
        raise Invalid(f"{column}: must be zero or more ({text!r})")
    if amount != amount.quantize(Decimal("0.01")):
        raise Invalid(f"{column}: more than two decimal places ({text!r})")
    cents = int(amount * 100)
    if cents > MAX_CENTS:
        raise Invalid(f"{column}: implausibly large ({text!r})")
    return cents


def _date(column: str, text: str, today: date) -> date | None:
    if not text:
        return None
    try:
        value = date.fromisoformat(text)
    except ValueError:
        raise Invalid(f"{column}: not a date ({text!r}), write it as YYYY-MM-DD") from None
    if value > today:
        raise Invalid(f"{column}: in the future ({text})")
    return value


def _contact(kind: str, text: str, region: str) -> str | None:
    if not text:
        return None
    try:
        return identity.normalise_phone(text, region) if kind == "phone" \
            else identity.normalise_email(text)
    except Invalid as exc:
        raise Invalid(f"{kind}: {exc.message}") from None


def _zone(text: str) -> str | None:
    if text and text not in _zones():
        raise Invalid(f"time_zone: not an IANA time zone ({text!r}), e.g. America/New_York")
    return text or None


def _currency(text: str) -> str:
    code = text.upper() or "USD"
    if code not in CURRENCIES:
        raise Invalid(f"currency: not an ISO 4217 code ({text!r})")
    return code


@functools.cache
def _zones() -> frozenset[str]:
    return frozenset(available_timezones())
