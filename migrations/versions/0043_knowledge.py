"""The knowledge base: articles, their ratings, and full-text search on both databases.

PostgreSQL searches a GIN index over the English tsvector of title and body; SQLite an FTS5
table kept in step with articles by triggers (its external content is the articles table).

Revision ID: 0043
Revises: 0042
Create Date: 2026-12-08
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from crm.models.base import BigId, UTCDateTime

revision = "0043"
down_revision = "0042"
branch_labels = None
depends_on = None

_JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
_SQLITE_FTS = (
    "CREATE VIRTUAL TABLE articles_fts USING fts5(title, body, content='articles', "
    "content_rowid='id', tokenize='porter unicode61')",
    "CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN "
    "INSERT INTO articles_fts(rowid, title, body) VALUES (new.id, new.title, new.body); END",
    "CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN "
    "INSERT INTO articles_fts(articles_fts, rowid, title, body) "
    "VALUES ('delete', old.id, old.title, old.body); END",
    "CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, body ON articles BEGIN "
    "INSERT INTO articles_fts(articles_fts, rowid, title, body) "
    "VALUES ('delete', old.id, old.title, old.body); "
    "INSERT INTO articles_fts(rowid, title, body) VALUES (new.id, new.title, new.body); END",
)


def _fk(table: str, column: str, target: str, ondelete: str | None = None):
    return sa.ForeignKey(f"{target}.id", ondelete=ondelete,
                         name=f"fk_{table}_{column}_{target}")


def upgrade() -> None:
    """Create articles and article_ratings, and the search index of the database in use."""
    op.create_table(
        "articles",
        sa.Column("id", BigId, nullable=False),
        sa.Column("client_id", BigId, _fk("articles", "client_id", "clients", "CASCADE"),
                  nullable=False),
        sa.Column("line_of_work", sa.String(32), nullable=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("tags", _JSON, nullable=False),
        sa.Column("rating_total", sa.Integer(), nullable=False),
        sa.Column("rating_count", sa.Integer(), nullable=False),
        sa.Column("outdated", sa.Boolean(), nullable=False),
        sa.Column("outdated_note", sa.Text(), nullable=True),
        sa.Column("outdated_by_id", BigId, _fk("articles", "outdated_by_id", "users", "SET NULL"),
                  nullable=True),
        sa.Column("created_by_id", BigId, _fk("articles", "created_by_id", "users", "SET NULL"),
                  nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_articles"),
    )
    op.create_index("ix_articles_client_line", "articles", ["client_id", "line_of_work"])
    op.create_table(
        "article_ratings",
        sa.Column("id", BigId, nullable=False),
        sa.Column("article_id", BigId,
                  _fk("article_ratings", "article_id", "articles", "CASCADE"), nullable=False),
        sa.Column("user_id", BigId, _fk("article_ratings", "user_id", "users", "CASCADE"),
                  nullable=False),
        sa.Column("stars", sa.Integer(), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_article_ratings"),
        sa.UniqueConstraint("article_id", "user_id",
                            name="uq_article_ratings_article_id_user_id"),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE INDEX ix_articles_search ON articles USING gin "
                   "(to_tsvector('english', title || ' ' || body))")
    else:
        for statement in _SQLITE_FTS:
            op.execute(statement)


def downgrade() -> None:
    """Drop them again."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX ix_articles_search")
    else:
        for name in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER articles_fts_{name}")
        op.execute("DROP TABLE articles_fts")
    op.drop_table("article_ratings")
    op.drop_index("ix_articles_client_line", table_name="articles")
    op.drop_table("articles")
