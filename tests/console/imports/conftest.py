"""Import fixtures: a portfolio CSV written as a collections manager's file would be."""

from __future__ import annotations

import csv
import io

import pytest

HEADER = ["external_ref", "name", "phone", "email", "time_zone", "account_number", "creditor",
          "original_balance", "balance", "currency", "charge_off_date", "delinquent_since"]


def row(n: int, **changes) -> dict:
    """A valid row for debtor n (account A-n), with any column changed."""
    base = {"external_ref": f"EXT-{n}", "name": f"Debtor {n}", "phone": f"+1415555{n:04d}",
            "email": f"debtor{n}@example.com", "time_zone": "America/Los_Angeles",
            "account_number": f"A-{n}", "creditor": "Acme Bank", "original_balance": "1200.00",
            "balance": "950.50", "currency": "USD", "charge_off_date": "2025-03-01",
            "delinquent_since": "2024-11-15"}
    return {**base, **changes}


def csv_bytes(rows, header=HEADER) -> bytes:
    """The rows as a UTF-8 CSV with a header row (unknown keys become extra columns)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


@pytest.fixture
def upload(client):
    """POST a CSV to /api/v1/imports as someone: upload(headers, data, **form)."""

    def do(headers, data: bytes, filename="debts.csv", **form):
        return client.post("/api/v1/imports", headers=headers, content_type="multipart/form-data",
                           data={"file": (io.BytesIO(data), filename), **form})

    return do


@pytest.fixture
def manager(as_user):
    """A collections manager (supervisor) of the default client and their bearer headers."""
    return as_user("supervisor", "collections")
