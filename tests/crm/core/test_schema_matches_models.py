"""The migrations build exactly the schema the models describe (no model change without one)."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from crm.core.db import make_engine
from crm.knowledge import search
from crm.models import Base


def test_migrated_schema_matches_the_models(database_url):
    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": False,
                                                              "include_name": search.modelled})
            differences = compare_metadata(context, Base.metadata)
    finally:
        engine.dispose()
    assert differences == []
