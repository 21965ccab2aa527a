"""The admin API under /api/v1/admin: one module per subject (routes register on import)."""

from console.api.admin import (  # noqa: F401
    addresses,
    authority,
    canned_replies,
    clients,
    dispositions,
    queues,
    users,
    widgets,
)
