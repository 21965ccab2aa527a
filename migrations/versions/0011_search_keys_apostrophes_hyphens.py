"""Names are searchable without their apostrophes and by each part of a hyphenated name.

"Camila O'Brien" was stored as "camila o'brien", so typing "obrien" found nothing; and
"Smith-Jones" was one word, so "jones" found nothing. crm.customers.identity.search_key now drops
apostrophes and parts words at hyphens; this re-keys the names stored the old way (only
those with such a character change). The folds are copied here as they are at this revision,
so later changes to search_key do not change what this migration did.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-29
"""

import unicodedata

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

_JOINED = ("'", "\u2019", "\u02bc")
_PARTED = ("-", "\u2010", "\u2011", "\u2013")
_NEW = str.maketrans({**dict.fromkeys(_JOINED, None), **dict.fromkeys(_PARTED, " ")})
_BATCH = 500


def _fold(name: str, table) -> str:
    decomposed = unicodedata.normalize("NFKD", (name or "").translate(table))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.casefold().split())


def _keys(search_name: str) -> list[str]:
    words = search_name.split()
    return [" ".join(words[i:])[:200] for i in range(len(words))]


def _rekey(table) -> None:
    conn = op.get_bind()
    customers = sa.table("customers", sa.column("id"), sa.column("client_id"),
                         sa.column("display_name"), sa.column("search_name"))
    keys = sa.table("customer_name_keys", sa.column("client_id"), sa.column("customer_id"),
                    sa.column("key"))
    touched = sa.or_(*(customers.c.display_name.contains(c, autoescape=True)
                       for c in _JOINED + _PARTED))
    rows = conn.execute(sa.select(customers.c.id, customers.c.client_id,
                                  customers.c.display_name).where(touched)).all()
    for start in range(0, len(rows), _BATCH):
        batch = rows[start:start + _BATCH]
        folded = {r.id: _fold(r.display_name, table) for r in batch}
        conn.execute(sa.update(customers).where(customers.c.id == sa.bindparam("cid"))
                     .values(search_name=sa.bindparam("name")),
                     [{"cid": cid, "name": name} for cid, name in folded.items()])
        conn.execute(sa.delete(keys).where(keys.c.customer_id.in_(list(folded))))
        new = [{"client_id": r.client_id, "customer_id": r.id, "key": k}
               for r in batch for k in _keys(folded[r.id])]
        if new:
            conn.execute(sa.insert(keys), new)


def upgrade() -> None:
    """Re-key the names with an apostrophe or a hyphen."""
    _rekey(_NEW)


def downgrade() -> None:
    """Key them as before (apostrophes and hyphens kept)."""
    _rekey(str.maketrans({}))
