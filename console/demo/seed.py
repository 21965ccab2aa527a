"""Deterministic demo data: a user for every role, ~200 customers and their multi-year histories."""

from __future__ import annotations

import random
import time
from datetime import timedelta

from sqlalchemy import select, update

from channels.sms import fake as fake_twilio
from console.core import database
from console.demo.data import playbooks, ring
from console.demo.data.bulk import insert_returning_ids, insert_rows
from console.demo.data.history import HistoryMaker
from console.demo.data.people import LONG_NAME, LONG_PHONE, People, Person
from console.demo.data.work import CaseWork, WorkMaker
from crm.claims import records as claim_records
from crm.core import events
from crm.customers.identity import search_key
from crm.fraud import investigations, suggestions
from crm.models import (
    ROLES,
    AuditEvent,
    CannedReply,
    Case,
    Claim,
    ClaimDocument,
    ContactPoint,
    CoverChange,
    Customer,
    CustomerNameKey,
    DebtAccount,
    Decision,
    InboundAddress,
    Interaction,
    Investigation,
    MessageTemplate,
    Payment,
    PaymentPlan,
    Promise,
    Task,
    Team,
    User,
    utcnow,
)
from crm.models.workspace import name_keys, reversed_digits
from crm.tenancy import clients as tenancy
from crm.tenancy import users

DEMO_PASSWORD = "caseline-demo"  # noqa: S105 - the published demo password
DEMO_DOMAIN = "caseline.demo"
CUSTOMERS = 200
LONG_SIZE = 20_400
MERGED = 5
MINE = 14  # cases the demo agent owns, so the worklist has work on it
TEAMS = {"claims": "Insurance claims", "fraud": "Fraud desk", "collections": "Collections"}
_REF_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def demo_users() -> list[tuple[str, str, list[str]]]:
    """(email, name, roles) of the demo staff: one per role."""
    return [(f"{role}@{DEMO_DOMAIN}", f"Demo {role.title()}", [role]) for role in ROLES]


def seed(seed: int = 7, *, customers: int = CUSTOMERS, long_size: int = LONG_SIZE) -> str:
    """Load the demo data set (once); returns a one-line summary."""
    started = time.perf_counter()
    session = database.session()
    client = tenancy.default_client(session)
    staff = _staff(session, client)
    if session.scalar(select(ContactPoint.id).where(ContactPoint.client_id == client.id,
                                                    ContactPoint.value == LONG_PHONE)):
        session.commit()
        return "demo data already present"
    loader = _Loader(session, client.id, staff, random.Random(seed))
    counts = loader.load(customers, long_size)
    # The chat widget wears the client's branding (crm.chat.widgets).
    client.brand_colour, client.greeting = "#0f5c55", "Hello! How can we help with your claim?"
    # The demo site's widget key names its client, so it still does once a second client exists.
    session.add(InboundAddress(client_id=client.id, kind="chat", value="default",
                               label="Demo website chat"))
    _templates(session, client.id)
    _canned(session, client.id)
    playbooks.load(session, client.id, session.get(User, staff["supervisor"]))
    session.commit()
    loader.fraud_work()
    return (f"seeded {len(staff)} demo users, {counts['customers']} customers "
            f"({counts['merged']} merged duplicates), {counts['interactions']:,} interactions "
            f"({LONG_NAME}: {counts['long']:,}), {counts['work']} lines of work, "
            f"{counts['tasks']} tasks in {time.perf_counter() - started:.1f} s")


def seed_if_empty() -> str:
    """Seed unless the demo users already exist."""
    session = database.session()
    if session.scalar(select(User.id).where(User.email.like(f"%@{DEMO_DOMAIN}"))):
        session.rollback()  # on SQLite an open read transaction would hold the write lock
        return "demo data already present"
    return seed()


def print_logins() -> None:
    """Show the demo sign-ins on start."""
    print(f"\nDemo sign-ins (password: {DEMO_PASSWORD}):")
    for email, _name, roles in demo_users():
        print(f"  {roles[0]:<12} {email}")
    print(flush=True)


def _templates(session, client_id: int) -> None:
    """The demo client offers the demo account's approved WhatsApp templates."""
    for sid in (t["sid"] for t in fake_twilio.DEMO_TEMPLATES):
        session.add(MessageTemplate(client_id=client_id, content_sid=sid, fields={
            "1": "customer.first_name", "2": "case.reference"}))
    session.flush()


# A few shared canned replies, so the composer's list is not empty on a first look.
CANNED = (
    ("Acknowledge", "Hello {{customer.first_name}}, thank you for getting in touch. I am "
     "looking into case {{case.reference}} now and will come back to you today."),
    ("Documents needed", "Hello {{customer.first_name}}, to move case {{case.reference}} "
     "forward we need a photo of the damage and a copy of the invoice. You can reply here "
     "with them."),
    ("Payment received", "Hello {{customer.first_name}}, we have received your payment. "
     "Thank you. {{agent.first_name}}"),
)


def _canned(session, client_id: int) -> None:
    """Client-wide canned replies for the demo (supervisors manage them on screen)."""
    for title, body in CANNED:
        session.add(CannedReply(client_id=client_id, title=title, body=body))
    session.flush()


def _staff(session, client) -> dict[str, int]:
    """The demo users by role (created when missing), each in their line's team."""
    teams = {}
    for role, name in TEAMS.items():
        team = session.scalar(select(Team).where(Team.name == name))
        if team is None:
            team = Team(name=name)
            session.add(team)
            session.flush()
        teams[role] = team.id
    staff = {}
    for email, name, roles in demo_users():
        user = session.scalar(select(User).where(User.email == email))
        if user is None:
            user = users.create_user(session, email, name, roles, DEMO_PASSWORD, [client])
            user.team_id = teams.get(roles[0])
        staff[roles[0]] = user.id
    session.flush()
    return staff


class _Loader:
    """Writes the whole data set with batched Core inserts, parents before children."""

    def __init__(self, session, client_id: int, staff: dict[str, int], rng: random.Random):
        self.session, self.client_id, self.staff, self.rng = session, client_id, staff, rng
        self.now = utcnow().replace(second=0, microsecond=0)
        names = dict(session.execute(select(User.id, User.name).where(
            User.id.in_(list(staff.values())))).all())
        self.history = HistoryMaker(rng, self.now, client_id, staff, names)
        self.work = WorkMaker(rng, self.now, client_id, staff)
        self._investigations_written = 0
        self.teams = dict(session.execute(select(Team.name, Team.id)).all())
        self._refs: set[str] = set(session.scalars(select(Case.reference)))

    def load(self, count: int, long_size: int) -> dict[str, int]:
        taken = set(self.session.scalars(select(ContactPoint.value).where(
            ContactPoint.client_id == self.client_id)))
        people = People(self.rng, self.now, taken)
        persons = [people.long_customer(long_size)] + [people.person(i) for i in range(count - 1)]
        rows = [self._customer(p) for p in persons]
        customer_ids = insert_returning_ids(self.session, Customer, rows)
        self._name_keys(customer_ids, rows)
        insert_rows(self.session, ContactPoint, [
            self._contact(cid, c, p) for cid, p in zip(customer_ids, persons, strict=True)
            for c in p.contacts])
        case_ids = insert_returning_ids(self.session, Case, [
            self._case(cid, p, k) for k, (cid, p) in enumerate(zip(customer_ids, persons,
                                                                   strict=True))])
        interactions, long, finals = 0, 0, []
        for k, (case_id, p) in enumerate(zip(case_ids, persons, strict=True)):
            case_work = self.work.lines_for(case_id, p, long=k == 0)
            self._write_investigations(case_work)
            self.work.tasks_for(case_id, p, mine=k < MINE)
            last = [p.since]
            written = insert_rows(self.session, Interaction,
                                  _track_last(self.history.rows(case_id, p, case_work), last))
            interactions += written
            long = long or written
            finals.append({"id": case_id, "last_activity_at": last[0],
                           "flags": self._flags(p, k)})
        merged = self._merge_duplicates(people, persons, customer_ids, case_ids)
        interactions += merged
        self._write_work()
        self.session.execute(update(Case), finals)
        insert_rows(self.session, AuditEvent, [
            self._audit("customer.created", cid, {"contact": f"phone:{p.phone}"})
            for cid, p in zip(customer_ids, persons, strict=True)])
        w = self.work
        return {"customers": len(persons), "merged": merged, "interactions": interactions,
                "long": long, "tasks": len(w.tasks),
                "work": len(w.claims) + len(w.investigations) + len(w.accounts)}

    def fraud_work(self) -> None:
        """Red flags, suggested links and a ring, made by the services that make them live.

        The bulk rows above go in with Core, past the listeners that run the red-flag rules;
        so the rules are run here on every case with a claim, and the ring's claims are taken,
        escalated and linked as staff would (flags with reasons, suggestions, an accepted ring).
        """
        session = self.session
        # Announced as saved, the bulk claims meet the rules listening for saved claims.
        for claim_id, case_id in session.execute(select(Claim.id, Claim.case_id)
                                                 .order_by(Claim.id)):
            events.emit(session, events.CLAIM_CHANGED, claim_id=claim_id, case_id=case_id,
                        client_id=self.client_id)
        session.commit()
        handler = session.get(User, self.staff["claims"])
        investigator = session.get(User, self.staff["fraud"])
        members = self._ring_customers()
        for (_, case_id), member in zip(members, ring.MEMBERS, strict=True):
            claim_records.create(session, handler, case_id, today=self.now.date(),
                                 **ring.claim_facts(member, self.now.date()))
        session.commit()  # the rules run as the claims commit: each flagged, links suggested
        centre, centre_case = members[0]
        found = investigations.escalate(session, handler, centre_case, ring.ESCALATION, "high")
        session.commit()
        investigations.take(session, investigator, found.id)
        for waiting in suggestions.for_customer(session, centre):
            suggestions.accept(session, investigator, waiting.suggestion.id, ring.LINK_REASON)
        session.commit()  # the other two stay a suggestion between them, to accept on screen

    def _ring_customers(self) -> list[tuple[int, int]]:
        """The ring's customers with their contact points and cases: (customer, case) ids."""
        rows = [{"client_id": self.client_id, "display_name": m.name,
                 "search_name": search_key(m.name), "external_ref": None,
                 "timezone": m.timezone, "language": m.language, "merged_into_id": None,
                 "created_at": self.now - timedelta(days=60),
                 "updated_at": self.now - timedelta(days=60)} for m in ring.MEMBERS]
        ids = insert_returning_ids(self.session, Customer, rows)
        self._name_keys(ids, rows)
        insert_rows(self.session, ContactPoint, [
            {"client_id": self.client_id, "customer_id": cid, "kind": kind, "value": value,
             "label": "mobile" if kind == "phone" else "personal", "opt_outs": {},
             "consents": {}, "created_at": row["created_at"],
             "digits_rev": reversed_digits(value) if kind == "phone" else None}
            for cid, row, m in zip(ids, rows, ring.MEMBERS, strict=True)
            for kind, value in (("phone", m.phone), ("email", m.email))])
        case_ids = insert_returning_ids(self.session, Case, [
            {"client_id": self.client_id, "customer_id": cid, "reference": self._reference(),
             "status": "open", "priority": "normal", "owner_id": self.staff["claims"],
             "team_id": self.teams[TEAMS["claims"]], "flags": [], "sensitive": False,
             "summary": f"{m.name}: insurance claims since {row['created_at'].year}.",
             "last_activity_at": row["created_at"], "created_at": row["created_at"],
             "updated_at": self.now}
            for cid, row, m in zip(ids, rows, ring.MEMBERS, strict=True)])
        return list(zip(ids, case_ids, strict=True))

    def _customer(self, p: Person) -> dict:
        return {"client_id": self.client_id, "display_name": p.name,
                "search_name": search_key(p.name), "external_ref": p.external_ref,
                "timezone": p.timezone, "language": p.language, "merged_into_id": None,
                "created_at": p.since, "updated_at": p.since}

    def _name_keys(self, customer_ids: list[int], rows: list[dict]) -> None:
        """Name-search keys for customers written with Core (the ORM hook does not see them)."""
        insert_rows(self.session, CustomerNameKey, [
            {"client_id": self.client_id, "customer_id": cid, "key": key}
            for cid, row in zip(customer_ids, rows, strict=True)
            for key in name_keys(row["search_name"])])

    def _contact(self, customer_id: int, c, p: Person) -> dict:
        return {"client_id": self.client_id, "customer_id": customer_id, "kind": c.kind,
                "value": c.value, "label": c.label, "opt_outs": c.opt_outs,
                "consents": c.consents, "created_at": p.since,
                # Core inserts bypass the ORM hook that keeps the phone-suffix search key.
                "digits_rev": reversed_digits(c.value) if c.kind == "phone" else None}

    def _case(self, customer_id: int, p: Person, k: int) -> dict:
        rng = self.rng
        line = p.lines[0]
        role = {"insurance": "claims", "fraud": "fraud", "collections": "collections"}[line]
        owner = self.staff["agent"] if k < MINE else (
            self.staff[role] if rng.random() < 0.6 else None)
        status = "open" if k < MINE else rng.choices(["open", "pending", "closed"], [70, 15, 15])[0]
        priority = rng.choices(["low", "normal", "high", "urgent"],
                               [10, 60, 20, 10 + (15 if line == "fraud" else 0)])[0]
        return {"client_id": self.client_id, "customer_id": customer_id,
                "reference": self._reference(), "status": status, "priority": priority,
                "owner_id": owner, "team_id": self.teams[TEAMS[role]], "flags": [],
                "sensitive": "fraud" in p.lines, "summary": self._summary(p),
                "last_activity_at": p.since, "created_at": p.since, "updated_at": self.now}

    def _flags(self, p: Person, k: int) -> list[str]:
        flags = []
        if "fraud" in p.lines:
            flags.append("fraud")
        if k and self.rng.random() < 0.06:
            flags.append("vulnerable")
        if any(c.opt_outs.get("voice") for c in p.contacts):
            flags.append("do_not_call")
        return flags

    @staticmethod
    def _summary(p: Person) -> str:
        words = {"insurance": "insurance claims", "fraud": "fraud investigation",
                 "collections": "collections"}
        return f"{p.name}: {' and '.join(words[x] for x in p.lines)} since {p.since.year}."

    def _reference(self) -> str:
        while True:
            ref = "CL-" + "".join(self.rng.choice(_REF_ALPHABET) for _ in range(8))
            if ref not in self._refs:
                self._refs.add(ref)
                return ref

    def _merge_duplicates(self, people: People, persons, customer_ids, case_ids) -> int:
        """A few customers were once entered twice and merged: the duplicate points at them."""
        picks = self.rng.sample(range(1, len(persons)), min(MERGED, len(persons) - 1))
        for k in picks:
            p, survivor = persons[k], customer_ids[k]
            name = people.duplicate_name(p)
            merged_at = self.now - self._days(30, 900)
            row = {**self._customer(p), "display_name": name, "search_name": search_key(name),
                   "external_ref": None, "merged_into_id": survivor,
                   "created_at": p.since - self._days(30, 400)}
            dup = insert_returning_ids(self.session, Customer, [row])[0]
            self._name_keys([dup], [row])
            insert_rows(self.session, Interaction, [self.history._row(
                case_ids[k], merged_at, {"medium": "system", "direction": "internal",
                                         "status": "recorded",
                                         "body": f"Merged duplicate customer record “{name}” "
                                                 "into this customer",
                                         "meta": {"merged_customer_id": dup}})])
            insert_rows(self.session, AuditEvent, [self._audit(
                "customer.merged", survivor, {"duplicate_id": dup}, at=merged_at)])
        return len(picks)

    def _write_work(self) -> None:
        w = self.work
        claim_ids = insert_returning_ids(self.session, Claim, w.claims)
        self._write_paperwork(claim_ids)
        account_ids = insert_returning_ids(self.session, DebtAccount, w.accounts)
        promises = w.promises(account_ids)
        plans = w.plans(account_ids)
        plan_ids = insert_returning_ids(self.session, PaymentPlan, plans) if plans else []
        promises += w.instalments(plans, plan_ids)
        insert_rows(self.session, Promise, promises)
        paid = w.payments(promises)
        insert_rows(self.session, Payment, paid)
        self.session.execute(update(DebtAccount), w.originals(account_ids, paid))
        insert_rows(self.session, Decision, w.decisions)
        insert_rows(self.session, Task, w.tasks)

    def _write_investigations(self, case_work: CaseWork) -> None:
        """The case's investigations, written before its history: the fraud team's notes
        there belong to one (veiled by its id from everyone who may not see it)."""
        rows = self.work.investigations[self._investigations_written:]
        self._investigations_written = len(self.work.investigations)
        case_work.investigation_ids = insert_returning_ids(self.session, Investigation, rows)

    def _write_paperwork(self, claim_ids: list[int]) -> None:
        """Documents asked for (each an open task of the claims handler) and cover changes."""
        maker = self.work.claim_maker
        asked = maker.document_tasks(self.work.claims, self.work.staff["claims"])
        task_ids = insert_returning_ids(self.session, Task, [t for _, t in asked])
        insert_rows(self.session, ClaimDocument, maker.documents(asked, claim_ids, task_ids))
        insert_rows(self.session, CoverChange, maker.cover_changes(self.work.claims, claim_ids))

    def _audit(self, action: str, customer_id: int, after: dict, at=None) -> dict:
        return {"actor_id": None, "actor_label": "demo-seed", "action": action,
                "object_type": "customer", "object_id": str(customer_id),
                "client_id": self.client_id, "before": None, "after": after,
                "at": at or self.now}

    def _days(self, low: int, high: int) -> timedelta:
        return timedelta(days=self.rng.randint(low, high))


def _track_last(rows, last: list):
    """Pass rows through, remembering the latest occurred_at (the case's last activity)."""
    for r in rows:
        if r["occurred_at"] > last[0]:
            last[0] = r["occurred_at"]
        yield r
