"""The REST API under /api/v1: every request authenticated, every route documented."""

from console.api import (  # noqa: F401  (routes register on import)
    admin,
    articles,
    audit,
    cases,
    changes,
    chats,
    claims,
    collections,
    customer_records,
    customers,
    decisions,
    emails,
    exports,
    flags,
    fraud,
    me,
    messages,
    monitoring,
    playbooks,
    routing,
    saved_views,
    tasks,
    uploads,
    voice,
    whatsapp_templates,
    worklist,
)
from console.api.admin import hours as admin_hours  # noqa: F401
from console.api.core.blueprint import api, bp

__all__ = ["api", "bp"]
