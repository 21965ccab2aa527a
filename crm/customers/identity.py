"""Who is this? Normalised contact points, find-or-create of customer + case, and merges."""

from __future__ import annotations

import base64
import functools
import secrets
import unicodedata

import phonenumbers
from sqlalchemy import Table, bindparam, delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from crm.core import audit, db, events
from crm.core.errors import Conflict, Invalid, NotFound
from crm.models import (
    Base,
    Case,
    ContactPoint,
    Customer,
    CustomerNameKey,
    PlaybookRun,
    PlaybookStepState,
    RecentCase,
    RedFlag,
    User,
)
from crm.models.workspace import contact_digits, name_key_rows

_REF_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O or 1/I to misread
_REF_SYMBOLS = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", _REF_ALPHABET)


@functools.lru_cache(maxsize=4096)  # parsing is slow, and every inbound call and message asks
def normalise_phone(raw: str, region: str = "US") -> str:
    """A phone number in any common format as E.164 (`+14155550100`), or Invalid."""
    text = (raw or "").strip()
    for prefix in ("whatsapp:", "tel:", "sms:"):
        if text.lower().startswith(prefix):
            text = text[len(prefix) :]
    try:
        number = phonenumbers.parse(text, region or None)
    except phonenumbers.NumberParseException as exc:
        raise Invalid(f"not a phone number: {raw!r}") from exc
    if not phonenumbers.is_possible_number(number):
        raise Invalid(f"not a possible phone number: {raw!r}")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise_email(raw: str) -> str:
    """An email address trimmed and lower-cased, or Invalid."""
    text = (raw or "").strip().strip("<>").lower()
    local, _, domain = text.rpartition("@")
    if not local or not domain or "." not in domain or " " in text:
        raise Invalid(f"not an email address: {raw!r}")
    return text


def normalise_contact(raw: str, region: str = "US", kind: str | None = None) -> tuple[str, str]:
    """(kind, value) for a raw address: WhatsApp ids are phones; anything with @ is email."""
    text = (raw or "").strip()
    if kind == "chat":
        return "chat", text
    if kind == "email" or (kind is None and "@" in text and not text.startswith("whatsapp:")):
        return "email", normalise_email(text)
    return "phone", normalise_phone(text, region)


# Apostrophes join ("O'Brien" is found by "obrien"); hyphens part words ("Smith-Jones" is found
# by "jones"). Migration 0011 re-keys the names stored before.
_FOLD = str.maketrans({"'": None, "\u2019": None, "\u02bc": None,
                       "-": " ", "\u2010": " ", "\u2011": " ", "\u2013": " "})


def search_key(name: str) -> str:
    """Name folded for search: accents stripped, case-insensitive, apostrophes dropped,
    hyphens as spaces, spaces collapsed."""
    decomposed = unicodedata.normalize("NFKD", (name or "").translate(_FOLD))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.casefold().split())


def new_case_reference() -> str:
    """A short, unguessable, human-readable case reference such as `CL-7K2M9QXD`."""
    # 40 random bits as 8 base-32 symbols: one call, where choosing each symbol was eight
    # (an import makes 100,000 of these).
    return "CL-" + base64.b32encode(secrets.token_bytes(5)).decode().translate(_REF_SYMBOLS)


def find_customer(session: Session, client_id: int, kind: str, value: str) -> Customer | None:
    """The customer of a client who owns this normalised contact point, if any."""
    stmt = (
        select(Customer)
        .join(ContactPoint, ContactPoint.customer_id == Customer.id)
        .where(
            ContactPoint.client_id == client_id,
            ContactPoint.kind == kind,
            ContactPoint.value == value,
        )
    )
    return session.scalars(stmt).first()


def case_of(session: Session, customer: Customer) -> Case:
    """The one case of a customer."""
    return session.scalars(select(Case).where(Case.customer_id == customer.id)).one()


def _customer_and_case(session, client_id, kind, value) -> tuple[Customer, Case] | None:
    # find_customer and case_of in one round trip: the hot path of every inbound contact.
    return session.execute(_CUSTOMER_AND_CASE, {"client_id": client_id, "kind": kind,
                                                "value": value}).first()


def cases_by_contact(session: Session, client_id: int, kind: str, values) -> dict[str, Case]:
    """The case of each of a client's contact points among values (of one kind), read with
    one query: messages arriving together are resolved together."""
    session.flush()  # a Core read: what the session holds is in the database first
    rows = session.connection().execute(_CASES_BY_CONTACT, {
        "client_id": client_id, "kind": kind, "values": list(values)}).all()
    return {row[0]: db.adopt(session, Case, row[1:]) for row in rows}


_points, _cases = ContactPoint.__table__, Case.__table__
_CASES_BY_CONTACT = (  # built once
    select(_points.c.value, *_cases.c)
    .select_from(_points.join(_cases, _cases.c.customer_id == _points.c.customer_id))
    .where(_points.c.client_id == bindparam("client_id"), _points.c.kind == bindparam("kind"),
           _points.c.value.in_(bindparam("values", expanding=True))))
# Built once: every inbound contact runs it.
_CUSTOMER_AND_CASE = (
    select(Customer, Case)
    .join(ContactPoint, ContactPoint.customer_id == Customer.id)
    .join(Case, Case.customer_id == Customer.id)
    .where(ContactPoint.client_id == bindparam("client_id"),
           ContactPoint.kind == bindparam("kind"), ContactPoint.value == bindparam("value"))
)


def find_or_create(
    session: Session,
    client_id: int,
    raw_address: str,
    *,
    display_name: str | None = None,
    region: str = "US",
    kind: str | None = None,
    looked_up: bool = False,
) -> tuple[Customer, Case, bool]:
    """Resolve an address to (customer, case, created); safe when called concurrently.

    looked_up: the caller has just found no such customer in this transaction, so the first
    look-up is skipped (a concurrent creator is still caught by the unique constraint).
    """
    kind, value = normalise_contact(raw_address, region, kind)
    for attempt in range(3):
        found = _customer_and_case(session, client_id, kind, value) \
            if attempt or not looked_up else None
        if found is not None:
            return found[0], found[1], False
        made = _create(session, client_id, kind, value, display_name)
        if made is None:
            continue  # another transaction created this contact point first: read theirs
        customer, case = made
        events.emit(session, events.CASE_UPDATED, case_id=case.id, client_id=client_id)
        return customer, case, True
    raise Conflict("could not resolve contact point under contention; try again")


def create_many(session: Session, client_id: int, wanted) -> dict[tuple[str, str], Case]:
    """find_or_create for contact points (kind, normalised value, display name) of one client
    that the caller has just looked up and not found: their customers and cases are created
    together, and any that another transaction created first are read instead."""
    # In one order everywhere: two batches inserting the same new numbers cannot deadlock.
    wanted = sorted({(kind, value): (kind, value, name) for kind, value, name in wanted}.values(),
                    key=lambda w: w[:2])
    made = _create_many(session, client_id, wanted) \
        if session.get_bind().dialect.insert_returning else {}
    cases = {}
    for kind, value, name in wanted:
        if (kind, value) in made:
            cases[(kind, value)] = made[(kind, value)][1]
            events.emit(session, events.CASE_UPDATED, case_id=cases[(kind, value)].id,
                        client_id=client_id)
        else:
            _, cases[(kind, value)], _ = find_or_create(session, client_id, value,
                                                       display_name=name, kind=kind)
    return cases


def _create(session, client_id, kind, value, display_name) -> tuple[Customer, Case] | None:
    # The new customer and case, or None when a concurrent transaction took the address.
    if not session.get_bind().dialect.insert_returning:
        return _create_with_orm(session, client_id, display_name or value, kind, value)
    return _create_many(session, client_id, [(kind, value, display_name)]).get((kind, value))


def _create_many(session, client_id, wanted) -> dict[tuple[str, str], tuple[Customer, Case]]:
    # Core INSERT .. RETURNING, adopted: a first contact is on an inbound webhook's clock, and
    # the ORM's unit of work cost several times these statements' CPU; each statement takes
    # every contact point at once. The contact points go in with ON CONFLICT DO NOTHING
    # rather than under a savepoint; the customers of those another transaction took first
    # are deleted again and left out. Rows are adopted only once all are in, so a clash
    # leaves no session object behind.
    conn = session.connection()
    names = [name or value for _, value, name in wanted]
    customers = conn.execute(_NEW_CUSTOMERS, [
        {"client_id": client_id, "display_name": name, "search_name": search_key(name)}
        for name in names]).all()
    kept = {row.customer_id for row in conn.execute(
        _new_points(session.get_bind().dialect.name), [
            {"client_id": client_id, "customer_id": customer.id, "kind": kind, "value": value,
             "digits_rev": contact_digits(kind, value)}
            for customer, (kind, value, _) in zip(customers, wanted, strict=True)])}
    lost = [customer.id for customer in customers if customer.id not in kept]
    if lost:
        conn.execute(delete(Customer.__table__).where(Customer.__table__.c.id.in_(lost)))
    made = [(c, w) for c, w in zip(customers, wanted, strict=True) if c.id in kept]
    if not made:
        return {}
    cases = conn.execute(_NEW_CASES, [
        {"client_id": client_id, "customer_id": customer.id, "reference": new_case_reference()}
        for customer, _ in made]).all()
    keys = [row for customer, _ in made
            for row in name_key_rows(customer.id, client_id, customer.search_name)]
    if keys:
        conn.execute(insert(CustomerNameKey.__table__), keys)
    out = {}
    for (customer_row, (kind, value, _)), case_row in zip(made, cases, strict=True):
        customer = db.adopt(session, Customer, customer_row)
        out[(kind, value)] = customer, db.adopt(session, Case, case_row)
        audit.record(session, None, "customer.created", customer,
                     after={"contact": f"{kind}:{value}"})
    return out


# Built once. Many rows a statement, returned in the order they were given.
_NEW_CUSTOMERS = insert(Customer.__table__).returning(*Customer.__table__.c,
                                                      sort_by_parameter_order=True)
_NEW_CASES = insert(Case.__table__).returning(*Case.__table__.c, sort_by_parameter_order=True)


@functools.cache
def _new_points(dialect: str):
    # Built once per dialect: nothing inserted (and no row returned) where the address is
    # taken.
    points = ContactPoint.__table__
    return (db.upsert_insert(dialect)(points)
            .on_conflict_do_nothing(index_elements=["client_id", "kind", "value"])
            .returning(points.c.customer_id))


def _create_with_orm(session, client_id, name, kind, value) -> tuple[Customer, Case] | None:
    # Where the database cannot return inserted rows (SQLite before 3.35): under a savepoint,
    # so a clash on the contact point's unique constraint rolls back just this part.
    try:
        with session.begin_nested():
            customer = Customer(client_id=client_id, display_name=name,
                                search_name=search_key(name))
            session.add(customer)
            session.flush()
            session.add(ContactPoint(client_id=client_id, customer_id=customer.id, kind=kind,
                                     value=value))
            case = Case(client_id=client_id, customer_id=customer.id,
                        reference=new_case_reference())
            session.add(case)
            audit.record(session, None, "customer.created", customer,
                         after={"contact": f"{kind}:{value}"})
    except IntegrityError:
        return None
    return customer, case


def add_contact_point(
    session: Session, actor: User | None, customer: Customer, raw: str, region: str = "US"
) -> ContactPoint:
    """Attach another phone or email to a customer; refuses one that belongs to someone else."""
    kind, value = normalise_contact(raw, region)
    owner = find_customer(session, customer.client_id, kind, value)
    if owner is not None and owner.id != customer.id:
        raise Conflict(f"{value} already belongs to customer {owner.id}; merge them instead")
    if owner is not None:
        return next(cp for cp in customer.contact_points if cp.value == value)
    cp = ContactPoint(client_id=customer.client_id, customer_id=customer.id, kind=kind, value=value)
    session.add(cp)
    session.flush()
    audit.record(session, actor, "contact_point.added", customer, after={"contact": value})
    events.emit(session, events.CUSTOMER_UPDATED, customer_id=customer.id)
    return cp


def merge(session: Session, actor: User | None, survivor_id: int, duplicate_id: int) -> Customer:
    """Fold a duplicate customer into the survivor: contact points, timeline and work move."""
    if survivor_id == duplicate_id:
        raise Invalid("a customer cannot be merged into itself")
    survivor = session.get(Customer, survivor_id)
    duplicate = session.get(Customer, duplicate_id)
    if survivor is None or duplicate is None:
        raise NotFound("customer not found")
    if survivor.client_id != duplicate.client_id:
        raise Invalid("customers of different clients cannot be merged")
    if duplicate.merged_into_id is not None or survivor.merged_into_id is not None:
        raise Conflict("one of these customers has already been merged")
    keep, drop = case_of(session, survivor), case_of(session, duplicate)
    moved = {"contact_points": [cp.value for cp in duplicate.contact_points]}
    session.execute(
        update(ContactPoint)
        .where(ContactPoint.customer_id == duplicate.id)
        .values(customer_id=survivor.id)
    )
    # The duplicate is no longer found by its name; the survivor keeps its own keys.
    session.execute(delete(CustomerNameKey).where(CustomerNameKey.customer_id == duplicate.id))
    _make_room(session, keep.id, drop.id)
    for table in _tables_with_case_id():
        result = session.execute(
            update(table).where(table.c.case_id == drop.id).values(case_id=keep.id)
        )
        moved[table.name] = result.rowcount
    keep.flags = sorted(set(keep.flags) | set(drop.flags))
    keep.sensitive = keep.sensitive or drop.sensitive
    keep.last_activity_at = max(keep.last_activity_at, drop.last_activity_at)
    duplicate.merged_into_id = survivor.id
    session.delete(drop)
    session.flush()
    session.expire(survivor, ["contact_points"])
    audit.record(
        session, actor, "customer.merged", survivor,
        before={"duplicate_id": duplicate.id, "duplicate_case": drop.reference,
                "duplicate_case_id": drop.id},
        after=moved,
    )
    events.emit(
        session, events.CUSTOMERS_MERGED,
        customer_id=survivor.id, merged_id=duplicate.id, case_id=keep.id, removed_case_id=drop.id,
    )
    return survivor


def _make_room(session: Session, keep_id: int, drop_id: int) -> None:
    """Drop the duplicate's rows that the survivor's case already has under a unique key
    (someone's recent view of both cases, a red flag found on both): moved, they would clash."""
    recent, flags = RecentCase.__table__, RedFlag.__table__
    session.execute(delete(recent).where(recent.c.case_id == drop_id, recent.c.user_id.in_(
        select(recent.c.user_id).where(recent.c.case_id == keep_id))))
    kept = {(r, k) for r, k in session.execute(select(flags.c.rule, flags.c.key).where(
        flags.c.case_id == keep_id))}
    for row_id, rule, key in session.execute(select(flags.c.id, flags.c.rule, flags.c.key)
                                             .where(flags.c.case_id == drop_id)).all():
        if (rule, key) in kept:
            session.execute(delete(flags).where(flags.c.id == row_id))
    # A line of work both cases run a playbook for keeps the survivor's run (one per line).
    runs, states = PlaybookRun.__table__, PlaybookStepState.__table__
    clashing = select(runs.c.id).where(runs.c.case_id == drop_id, runs.c.line_of_work.in_(
        select(runs.c.line_of_work).where(runs.c.case_id == keep_id)))
    session.execute(delete(states).where(states.c.run_id.in_(clashing)))
    session.execute(delete(runs).where(runs.c.id.in_(clashing)))


def _tables_with_case_id() -> list[Table]:
    # Every table holding case work moves with a merge, including ones added by later modules.
    # The audit trail stays as written (it is append-only): its rows keep the removed case's
    # id, and the merge's own event names both cases, so the history can still be followed.
    return [
        t for t in Base.metadata.sorted_tables
        if "case_id" in t.c and t.name not in ("cases", "audit_events")
    ]
