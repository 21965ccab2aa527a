"""Lines of work on demo cases: claims, fraud investigations, debts, promises, decisions, tasks."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from console.demo.data.claims import ClaimMaker
from console.demo.data.people import Person
from crm.signoff import decisions

CREDITORS = ["Northwind Bank", "Contoso Retail Credit", "Fabrikam Auto Finance",
             "Tailspin Telecom", "Woodgrove Card Services"]
FRAUD_KINDS = ["Card-not-present transactions the customer does not recognise",
               "SIM swap followed by a password reset", "Same invoice submitted on two claims",
               "Account opened with a mismatched ID document",
               "Phishing call impersonating the bank", "Claim for a phone reported sold"]
SEVERITIES = ["low", "medium", "medium", "high", "critical"]
# What an investigator writes when closing, by outcome.
OUTCOME_SUMMARIES = {
    "false_positive": ["Receipts and bank records match the claim; no sign of fraud.",
                       "Shared account belongs to a family member; explained and verified."],
    "confirmed_fraud": ["Invoices were fabricated; repair shop confirms no such job.",
                        "Same device used on three claims under different names; referred to SIU."],
    "inconclusive": ["Customer stopped responding; not enough evidence either way.",
                     "Documents ambiguous; monitoring the account for six months."],
}
DECISION_KINDS = {line: list(kinds) for line, kinds in decisions.KINDS_BY_LINE.items()}
TASK_TITLES = {
    "insurance": ["Call back about the assessor's visit", "Chase the repair quote",
                  "Review uploaded photos", "Confirm banking details for payout"],
    "fraud": ["Verify ID documents", "Request bank statements", "Call back after card block",
              "Check device fingerprint report"],
    "collections": ["Call back on promise date", "Send payment plan letter",
                    "Confirm income and expenses", "Follow up on dispute evidence"],
}


@dataclass
class CaseWork:
    """References of one case's lines of work, which its history talks about."""

    claims: list[str] = field(default_factory=list)
    investigations: list[str] = field(default_factory=list)
    # Their ids once written: the fraud team's notes on the case are the newest one's.
    investigation_ids: list[int] = field(default_factory=list)
    accounts: list[str] = field(default_factory=list)
    creditors: list[str] = field(default_factory=list)


class WorkMaker:
    """Builds rows for the lines of work, from the same seeded random generator."""

    def __init__(self, rng: random.Random, now: datetime, client_id: int, staff: dict[str, int]):
        self.rng, self.now, self.client_id, self.staff = rng, now, client_id, staff
        self.claims: list[dict] = []
        self.claim_maker = ClaimMaker(rng, now, client_id)
        self.investigations: list[dict] = []
        self.accounts: list[dict] = []
        self.account_cases: list[int] = []
        self.decisions: list[dict] = []
        self.tasks: list[dict] = []
        self._serial = 0

    def lines_for(self, case_id: int, person: Person, long: bool = False) -> CaseWork:
        """Claims, investigations and debt accounts of one case."""
        rng, work = self.rng, CaseWork()
        for line in person.lines:
            count = 3 if long else rng.choice([1, 1, 1, 2])
            for _ in range(count):
                when = self._between(person.since, self.now - timedelta(days=3))
                if line == "insurance":
                    work.claims.append(self._claim(case_id, when))
                elif line == "fraud":
                    work.investigations.append(self._investigation(case_id, when))
                    break
                else:
                    creditor = rng.choice(CREDITORS)
                    work.accounts.append(self._account(case_id, when, creditor))
                    work.creditors.append(creditor)
        self._decisions(case_id, person)
        return work

    def promises(self, account_ids: list[int]) -> list[dict]:
        """Promises to pay on the debt accounts just written (ids in creation order)."""
        rows = []
        for account_id, case_id in zip(account_ids, self.account_cases, strict=True):
            for k in range(self.rng.choice([0, 1, 1, 2, 3, 4])):
                age = self.rng.randint(-20, 400) if k else self.rng.randint(-20, 30)
                due = (self.now - timedelta(days=age)).date()
                status = "open" if age <= 0 else self.rng.choice(["kept", "kept", "broken"])
                amount = self.rng.randint(20, 400) * 500
                rows.append({"client_id": self.client_id, "case_id": case_id,
                             "debt_account_id": account_id,
                             "amount_cents": amount, "due_on": due, "status": status,
                             "paid_cents": amount if status == "kept" else 0, "plan_id": None,
                             "closed_on": None if status == "open" else due,
                             "created_by_id": self.staff["collections"],
                             "created_at": self.now - timedelta(days=max(age, 0) + 7)})
        return rows

    def payments(self, promises: list[dict]) -> list[dict]:
        """A payment for each kept promise, paid on or a day before its due day."""
        return [{"client_id": p["client_id"], "case_id": p["case_id"],
                 "debt_account_id": p["debt_account_id"], "amount_cents": p["amount_cents"],
                 "paid_on": p["due_on"] - timedelta(days=self.rng.randint(0, 1)),
                 "method": self.rng.choice(["card", "bank_transfer", "ach", "check"]),
                 "reference": f"PAY-{self._next():07d}", "reverses_payment_id": None,
                 "reason": None, "applied": [], "created_by_id": p["created_by_id"],
                 "created_at": datetime.combine(p["due_on"], time(10), self.now.tzinfo)}
                for p in promises if p["status"] == "kept"]

    def originals(self, account_ids: list[int], payments: list[dict]) -> list[dict]:
        """Each account's original balance as what it owes now plus what was paid on it, so
        the figures add up (original - payments = balance): rows for an update by id."""
        paid = dict.fromkeys(account_ids, 0)
        for payment in payments:
            paid[payment["debt_account_id"]] += payment["amount_cents"]
        rows = []
        for account_id, account in zip(account_ids, self.accounts, strict=True):
            account["original_balance_cents"] = account["balance_cents"] + paid[account_id]
            rows.append({"id": account_id,
                         "original_balance_cents": account["original_balance_cents"]})
        return rows

    def plans(self, account_ids: list[int]) -> list[dict]:
        """A running plan on each account whose status says it is on one."""
        rows = []
        for account_id, account in zip(account_ids, self.accounts, strict=True):
            if account["status"] != "payment_plan":
                continue
            count = self.rng.choice([6, 12, 18])
            first = (self.now - timedelta(weeks=self.rng.randint(1, 8))).date()
            rows.append({"client_id": self.client_id, "case_id": account["case_id"],
                         "debt_account_id": account_id, "frequency": "weekly",
                         "instalment_cents": max(1000, account["balance_cents"] // count // 100
                                                 * 100),
                         "first_due_on": first, "count": count, "status": "active",
                         "settlement_id": None, "created_by_id": self.staff["collections"],
                         "created_at": datetime.combine(first, time(9), self.now.tzinfo)
                         - timedelta(days=3)})
        return rows

    def instalments(self, plans: list[dict], plan_ids: list[int]) -> list[dict]:
        """Each plan's instalments as promises: the past ones kept (one missed now and then),
        the rest open."""
        rows, today = [], self.now.date()
        for plan_id, plan in zip(plan_ids, plans, strict=True):
            missed = False
            for n in range(plan["count"]):
                due = plan["first_due_on"] + timedelta(weeks=n)
                status = "open"
                if due < today - timedelta(days=2):
                    status = "broken" if not missed and self.rng.random() < 0.15 else "kept"
                    missed = missed or status == "broken"
                rows.append({"client_id": plan["client_id"], "case_id": plan["case_id"],
                             "debt_account_id": plan["debt_account_id"],
                             "amount_cents": plan["instalment_cents"], "due_on": due,
                             "status": status,
                             "paid_cents": plan["instalment_cents"] if status == "kept" else 0,
                             "closed_on": None if status == "open" else due,
                             "plan_id": plan_id, "created_by_id": plan["created_by_id"],
                             "created_at": plan["created_at"]})
        return rows

    def tasks_for(self, case_id: int, person: Person, mine: bool) -> None:
        """Open follow-ups (some due today, some the demo agent's) and a few done ones."""
        rng = self.rng
        count = rng.choice([0, 1, 1, 2, 3]) + (2 if mine else 0)
        for k in range(count):
            line = rng.choice(person.lines)
            title = rng.choice(TASK_TITLES[line])
            done = k > 0 and rng.random() < 0.3
            due_roll = rng.random()
            if due_roll < 0.25:  # due today, at a working hour
                due = datetime.combine(self.now.date(), time(rng.randint(8, 17), rng.choice(
                    [0, 15, 30, 45])), self.now.tzinfo)
            elif due_roll < 0.45:
                due = self.now - timedelta(days=rng.randint(1, 6), hours=rng.randint(0, 8))
            else:
                due = self.now + timedelta(days=rng.randint(1, 14), hours=rng.randint(0, 8))
            owner = self.staff["agent"] if mine and k < 2 else self.staff[self._role(line)]
            self.tasks.append({
                "client_id": self.client_id, "case_id": case_id,
                "kind": "callback" if title.startswith("Call back") else "follow_up",
                "title": title, "status": "done" if done else "open",
                "due_at": due, "assignee_id": owner, "created_by_id": self.staff[self._role(line)],
                "source_interaction_id": None,
                "created_at": due - timedelta(days=rng.randint(1, 9)),
                "completed_at": due if done else None})

    def _claim(self, case_id: int, when: datetime) -> str:
        number = f"CLM-{when.year}-{self._next():06d}"
        self.claims.append(self.claim_maker.row(case_id, number, when))
        return number

    def _investigation(self, case_id: int, when: datetime) -> str:
        ref = f"INV-{when.year}-{self._next():05d}"
        rng = self.rng
        status = rng.choice(["open", "investigating", "investigating", "escalated", "closed"])
        taken = when + timedelta(hours=rng.randint(1, 48))
        row = {"client_id": self.client_id, "case_id": case_id, "reference": ref,
               "status": status, "severity": rng.choice(SEVERITIES),
               "summary": rng.choice(FRAUD_KINDS),  # risk: from the flags (crm.fraud.risk)
               "assigned_to_id": None, "taken_at": None, "snoozed_until": None,
               "outcome": None, "outcome_summary": None, "closed_at": None,
               "created_at": when}
        if status != "open":  # taken by the fraud desk
            row.update(assigned_to_id=self.staff["fraud"], taken_at=min(taken, self.now))
        if status == "investigating" and rng.random() < 0.2:
            row["snoozed_until"] = self.now + timedelta(days=rng.randint(1, 10))
        if status == "closed":
            outcome = rng.choice(list(OUTCOME_SUMMARIES))
            row.update(outcome=outcome, outcome_summary=rng.choice(OUTCOME_SUMMARIES[outcome]),
                       closed_at=min(taken + timedelta(days=rng.randint(1, 20)), self.now))
        self.investigations.append(row)
        return ref

    def _account(self, case_id: int, when: datetime, creditor: str) -> str:
        number = f"{self.rng.choice([40, 41, 52, 60])}{self._next():08d}"
        rng = self.rng
        balance = rng.randint(150, 25_000) * 100
        delinquent = (when - timedelta(days=rng.randint(30, 200))).date()
        self.accounts.append({
            "client_id": self.client_id, "case_id": case_id, "account_number": number,
            "creditor": creditor, "balance_cents": balance,
            "original_balance_cents": balance,  # plus what is paid on it (originals())
            "currency": "USD",
            "status": rng.choice(["active", "active", "payment_plan", "settled"]),
            "delinquent_since": delinquent,
            "charge_off_date": delinquent + timedelta(days=180),
            "statute_of_limitations_on": delinquent + timedelta(days=3 * 365),
            "validation_notice_sent_on": delinquent + timedelta(days=rng.randint(20, 40)),
            "attorney_represented": rng.random() < 0.06, "disputed": rng.random() < 0.1,
            "ceased": rng.random() < 0.03, "created_at": when})
        self.account_cases.append(case_id)
        return number

    def _decisions(self, case_id: int, person: Person) -> None:
        rng = self.rng
        for _ in range(rng.choice([0, 0, 1, 1, 2])):
            line = rng.choice(person.lines)
            kind = rng.choice(DECISION_KINDS[line])
            pending = rng.random() < 0.55
            made = self.now - timedelta(days=rng.randint(0, 3) if pending else rng.randint(5, 600),
                                        hours=rng.randint(0, 9))
            self.decisions.append({
                "client_id": self.client_id, "case_id": case_id, "kind": kind,
                "summary": f"{kind.replace('_', ' ').capitalize()} proposed for {person.name}",
                "status": "pending" if pending else rng.choice(["approved", "approved",
                                                                 "rejected"]),
                "maker_id": self.staff[self._role(line)],
                "checker_id": None if pending else self.staff["reviewer"],
                "decided_at": None if pending else made + timedelta(hours=rng.randint(1, 30)),
                "created_at": made})

    @staticmethod
    def _role(line: str) -> str:
        return {"insurance": "claims", "fraud": "fraud", "collections": "collections"}[line]

    def _between(self, start: datetime, end: datetime) -> datetime:
        if end <= start:
            return start
        return start + (end - start) * self.rng.random()

    def _next(self) -> int:
        self._serial += 1
        return 1000 + self._serial * 7 + self.rng.randint(0, 6)
