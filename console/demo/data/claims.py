"""Demo claims in plausible lifecycle states, with the documents and cover changes they carry."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta

from crm.claims import lifecycle
from crm.fraud.identifiers import bank_account_key

# (what happened, the claim type)
LOSSES = [("Water damage to kitchen ceiling", "property"),
          ("Rear-end collision on the freeway", "motor"),
          ("Stolen bicycle from the garage", "property"),
          ("Hail damage to roof and car", "motor"),
          ("Burst geyser flooded the bathroom", "property"),
          ("Cracked windscreen", "motor"),
          ("Laptop stolen from a hotel room", "travel"),
          ("Storm blew over the boundary wall", "property"),
          ("Dog bite at the front gate", "liability"),
          ("Kitchen fire from a pan on the stove", "property")]
# The demo's first draw of a status (kept, so the rest of the demo's random data stays as it
# was); some of these then move on to the later states.
DRAWN = ["fnol", "triage", "awaiting_documents", "investigation", "assessed", "settled",
         "declined"]
LATER = {"assessed": "settlement_proposed", "settled": "closed", "declined": "reopened"}
REASONS = {"declined": ["Loss happened before the policy started",
                        "Wear and tear is not covered", "No proof of ownership given"],
           "reopened": ["Customer sent the missing invoice", "Second assessor's report differs"],
           "closed": [None, "Customer withdrew the claim"]}
DOCUMENTS = {"motor": ["Police report", "Repair estimate", "Photos of the damage"],
             "property": ["Repair quote", "Photos of the damage", "Proof of ownership"],
             "travel": ["Police report", "Proof of purchase", "Travel booking"],
             "liability": ["Medical report", "Witness statement"]}
BANKS = ["GB29 NWBK 6016 1331 {:04d} 19", "DE89 3704 0044 0532 {:04d} 00",
         "NL91 ABNA 0417 {:04d} 300"]


class ClaimMaker:
    """Claim rows and their paperwork, seeded like the rest of the demo.

    A claim takes the same draws from the demo's generator as it always did, and everything
    added since from a generator of its own: the people, debts and decisions drawn after it
    stay the same (browser tests find them by what the demo has always held).
    """

    def __init__(self, rng: random.Random, now: datetime, client_id: int):
        self.main, self.now, self.client_id = rng, now, client_id
        self.rng = random.Random(f"claims-{client_id}")
        self.accounts: list[str] = []

    def row(self, case_id: int, number: str, when: datetime) -> dict:
        """One claim: a loss some days before it was reported, on a policy older than that."""
        main, rng = self.main, self.rng
        policy = f"POL-{main.randint(1000000, 9999999)}"
        status = main.choice(DRAWN)
        loss = (when - timedelta(days=main.randint(0, 10))).date()
        reported = main.randint(200, 150_000) * 100
        what, kind = main.choice(LOSSES)
        if status in LATER and rng.random() < 0.35:
            status = LATER[status]
        worked = status not in ("fnol", "triage")
        return {"client_id": self.client_id, "case_id": case_id, "number": number,
                "policy_number": policy,
                "policy_start": loss - timedelta(days=rng.choice([9, 40, 200, 400, 900])),
                "status": status, "status_reason": rng.choice(REASONS.get(status, [None])),
                "loss_date": loss, "claim_type": kind, "reported_amount_cents": reported,
                "reserve_cents": int(reported * rng.uniform(0.6, 1.0)) if worked else None,
                "bank_account": (account := self._account()),
                "bank_account_key": bank_account_key(account), "description": what,
                "created_at": when, "updated_at": when}

    def _account(self) -> str:
        # Now and then two customers give the same account, typed differently: a red flag.
        if self.accounts and self.rng.random() < 0.08:
            return self.rng.choice(self.accounts).replace(" ", "").lower()
        account = self.rng.choice(BANKS).format(self.rng.randint(0, 9999))
        self.accounts.append(account)
        return account

    def document_tasks(self, claims: list[dict], owner_id: int) -> list[tuple[int, dict]]:
        """(claim index, task) for each document asked for on claims waiting for documents."""
        out = []
        for n, claim in enumerate(claims):
            if claim["status"] not in ("awaiting_documents", "investigation"):
                continue
            for name in self.rng.sample(DOCUMENTS[claim["claim_type"]], 2):
                due = datetime.combine(self.now.date() + timedelta(days=self.rng.randint(-2, 7)),
                                       time(9), UTC)
                out.append((n, {"client_id": self.client_id, "case_id": claim["case_id"],
                                "kind": "document", "status": "open", "due_at": due,
                                "title": f"Claim {claim['number']}: waiting for {name}",
                                "assignee_id": owner_id, "created_by_id": owner_id,
                                "source_interaction_id": None, "completed_at": None,
                                "created_at": due - timedelta(days=7)}))
        return out

    def documents(self, asked: list[tuple[int, dict]], claim_ids: list[int],
                  task_ids: list[int]) -> list[dict]:
        """The document requests behind those tasks."""
        return [{"client_id": self.client_id, "case_id": task["case_id"],
                 "claim_id": claim_ids[n], "name": task["title"].split("waiting for ", 1)[1],
                 "status": "requested", "task_id": task_id, "attachment_id": None,
                 "requested_by_id": task["created_by_id"], "received_by_id": None,
                 "created_at": task["created_at"], "received_at": None}
                for (n, task), task_id in zip(asked, task_ids, strict=True)]

    def cover_changes(self, claims: list[dict], claim_ids: list[int]) -> list[dict]:
        """Some policies had their cover raised, a few shortly before the loss."""
        out = []
        for claim, claim_id in zip(claims, claim_ids, strict=True):
            if self.rng.random() > 0.2 or claim["status"] in lifecycle.FINISHED:
                continue
            start: date = claim["policy_start"]
            before_loss = (claim["loss_date"] - start).days
            on = claim["loss_date"] - timedelta(days=self.rng.randint(1, max(1, before_loss)))
            out.append({"client_id": self.client_id, "claim_id": claim_id, "kind": "increase",
                        "effective_on": max(on, start),
                        "sum_insured_cents": claim["reported_amount_cents"] * 3,
                        "note": "Customer raised the cover by phone", "created_by_id": None,
                        "created_at": datetime.combine(max(on, start), time(10), UTC)})
        return out
