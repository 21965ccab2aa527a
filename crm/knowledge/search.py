"""Full-text search of articles: PostgreSQL's English tsvector (GIN-indexed), SQLite's FTS5.

Both stem English words ("claims" finds "claim") and need every word searched for; the best
matches come first (ts_rank / bm25).
"""

from __future__ import annotations

import re

from sqlalchemy import Float, Select, func, literal_column, text
from sqlalchemy.orm import Session

from crm.models import Article

MAX_QUERY = 200
# SQLite's FTS5 table (and the shadow tables it keeps) and PostgreSQL's expression index: the
# migration makes them for the database in use; no model describes them.
SEARCH_TABLE, SEARCH_INDEX = "articles_fts", "ix_articles_search"
_WORD = re.compile(r"\w+", re.UNICODE)
_DOCUMENT = "to_tsvector('english', articles.title || ' ' || articles.body)"


def modelled(name: str | None, type_: str, parent_names: dict) -> bool:
    """False for the search table and index, which no model describes (an include_name)."""
    return not ((type_ == "table" and (name or "").startswith(SEARCH_TABLE))
                or (type_ == "index" and name == SEARCH_INDEX))


def words(query: str) -> list[str]:
    """The words of a query (punctuation and operators dropped), at most ten."""
    return _WORD.findall((query or "")[:MAX_QUERY].lower())[:10]


def matching(session: Session, stmt: Select, query: str) -> Select:
    """stmt (a select of Article) narrowed to articles holding every word, best first."""
    found = words(query)
    if not found:
        return stmt.where(literal_column("1") == 0)
    if session.get_bind().dialect.name == "postgresql":
        tsquery = func.plainto_tsquery(text("'english'"), " ".join(found))
        document = literal_column(_DOCUMENT)
        return stmt.where(document.op("@@")(tsquery)).order_by(
            func.ts_rank(document, tsquery).desc(), Article.id.desc())
    # FTS5: each word a quoted string (no operator can be smuggled in), all of them required.
    match = " ".join('"' + w.replace('"', "") + '"' for w in found)
    hits = text("SELECT rowid AS id, bm25(articles_fts) AS rank FROM articles_fts "
                "WHERE articles_fts MATCH :match").bindparams(match=match).columns(
        id=Article.id.type, rank=Float()).subquery("hits")
    return stmt.join(hits, hits.c.id == Article.id).order_by(hits.c.rank, Article.id.desc())
