"""One-box customer search: exact identifiers, the end of a phone number, name words."""

from __future__ import annotations

import pytest
from sqlalchemy import event, text

from crm.customers import identity, search
from crm.models import Base, Claim, DebtAccount


@pytest.fixture
def people(session, default_client, other_client, agent):
    """A few customers of the default client and one of another client."""
    made = {}
    for key, phone, name in [("ana", "+14155550100", "Ana María López"),
                             ("chloe", "+14155557788", "Chloé Müller"),
                             ("jose", "+27825550100", "José de la Cruz")]:
        customer, case, _ = identity.find_or_create(session, default_client.id, phone,
                                                    display_name=name)
        made[key] = (customer, case)
    identity.add_contact_point(session, None, made["ana"][0], "Ana@Example.com")
    session.add(DebtAccount(client_id=default_client.id, case_id=made["jose"][1].id,
                            account_number="ACC-0042"))
    session.add(Claim(client_id=default_client.id, case_id=made["chloe"][1].id,
                      number="CLM-7"))
    stranger, _, _ = identity.find_or_create(session, other_client.id, "+14155550100",
                                             display_name="Ana Stranger")
    made["stranger"] = (stranger, None)
    session.commit()
    return made


def names(hits):
    return [h.customer.display_name for h in hits]


@pytest.mark.parametrize("q", ["+1 (415) 555-0100", "415.555.0100", "4155550100",
                               "+14155550100", "1-415-555-0100"])
def test_a_phone_in_any_format_finds_exactly_its_customer(session, agent, people, q):
    hits = search.search_customers(session, agent, q)
    assert names(hits) == ["Ana María López"]
    assert hits[0].matched == "phone" and hits[0].case_id == people["ana"][1].id


@pytest.mark.parametrize("q", ["0100", "5550100", "555-0100"])
def test_the_end_of_a_number_finds_every_customer_whose_number_ends_so(session, agent,
                                                                        people, q):
    assert sorted(names(search.search_customers(session, agent, q))) == [
        "Ana María López", "José de la Cruz"]


def test_the_end_of_a_number_needs_four_digits(session, agent, people):
    assert search.search_customers(session, agent, "100") == []
    assert names(search.search_customers(session, agent, "7788")) == ["Chloé Müller"]


@pytest.mark.parametrize("q", ["ana", "ANA", "lopez", "LÓPEZ", "maria lo", "muller", "chlo",
                               "cruz", "de la"])
def test_names_match_by_the_start_of_any_word_ignoring_accents_and_case(session, agent,
                                                                         people, q):
    hits = search.search_customers(session, agent, q)
    assert len(hits) == 1 and hits[0].matched == "name"


def test_apostrophes_join_and_hyphens_part_the_words_of_a_name(session, agent,
                                                               default_client):
    for phone, name in [("+14155550301", "Camila O'Brien"), ("+14155550302", "Ana Smith-Jones"),
                        ("+14155550303", "Seán O\u2019Neill")]:
        identity.find_or_create(session, default_client.id, phone, display_name=name)
    session.commit()
    for q, found in [("obrien", "Camila O'Brien"), ("O'Brien", "Camila O'Brien"),
                     ("jones", "Ana Smith-Jones"), ("smith-jones", "Ana Smith-Jones"),
                     ("oneill", "Seán O\u2019Neill"), ("sean o'neill", "Seán O\u2019Neill")]:
        assert names(search.search_customers(session, agent, q)) == [found], q


def test_a_name_does_not_match_in_the_middle_of_a_word(session, agent, people):
    assert search.search_customers(session, agent, "uller") == []


def test_email_case_reference_account_and_claim_numbers(session, agent, people):
    assert names(search.search_customers(session, agent, " ANA@example.COM ")) == [
        "Ana María López"]
    ref = people["chloe"][1].reference
    assert names(search.search_customers(session, agent, ref.lower())) == ["Chloé Müller"]
    assert names(search.search_customers(session, agent, "ACC-0042")) == ["José de la Cruz"]
    assert names(search.search_customers(session, agent, "clm-7")) == ["Chloé Müller"]


def test_other_clients_customers_are_never_found(session, agent, people):
    assert "Ana Stranger" not in names(search.search_customers(session, agent, "ana"))


def test_a_renamed_customer_is_found_by_the_new_name(session, agent, people):
    customer = people["chloe"][0]
    customer.display_name = "Zoë Kruger"
    customer.search_name = identity.search_key(customer.display_name)
    session.commit()
    assert names(search.search_customers(session, agent, "zoe")) == ["Zoë Kruger"]
    assert search.search_customers(session, agent, "chloe") == []


def test_merged_duplicates_are_not_found(session, agent, people, default_client):
    dup, _, _ = identity.find_or_create(session, default_client.id, "+14155551234",
                                        display_name="Ana Lopez")
    session.commit()
    identity.merge(session, None, people["ana"][0].id, dup.id)
    session.commit()
    assert names(search.search_customers(session, agent, "1234")) == ["Ana María López"]
    # The duplicate's name no longer finds anyone (only the survivor's own name does).
    assert names(search.search_customers(session, agent, "Lopez")) == ["Ana María López"]
    assert search.search_customers(session, agent, "Ana Lopez") == []


def test_empty_and_too_long_searches(session, agent, people):
    from crm.core.errors import Invalid

    assert search.search_customers(session, agent, "   ") == []
    with pytest.raises(Invalid):
        search.search_customers(session, agent, "x" * 201)


@pytest.mark.parametrize("q", ["+1 415 555 0100", "ana@example.com", "5550100", "lopez",
                               "ACC-0042"])
def test_every_search_is_an_index_lookup_never_a_table_scan(session, agent, people, q):
    """On SQLite, EXPLAIN every statement a search runs: no full scan of a big table."""
    if session.get_bind().dialect.name != "sqlite":
        pytest.skip("query plans are checked on SQLite; PostgreSQL plans depend on table stats")
    statements = []

    def capture(_conn, _cursor, statement, parameters, _context, _many):
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append((statement, parameters))

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", capture)
    try:
        search.search_customers(session, agent, q)
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    assert statements
    conn = session.connection()
    for statement, parameters in statements:
        plan = [row[-1] for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement,
                                                        parameters)]
        # "SCAN <table>" (even USING an index) reads a whole table or index; the union's
        # own small result ("SCAN anon_1") is fine.
        scans = [p for p in plan if p.startswith("SCAN") and p.split()[1] in Base.metadata.tables]
        assert not scans, (statement, plan)
    session.rollback()


def test_the_exact_phone_path_runs_no_partial_match(session, agent, people):
    """A full number that hits stops before the digit-suffix and name lookups."""
    seen = []
    engine = session.get_bind()

    def capture(_conn, _cursor, statement, *_args):
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", capture)
    try:
        search.search_customers(session, agent, "(415) 555-0100")
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    assert not any("digits_rev" in s or "customer_name_keys" in s for s in seen)
    assert session.execute(text("SELECT count(*) FROM customer_name_keys")).scalar() > 0
