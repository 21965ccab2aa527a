"""Collections in the API: debt accounts and their money, portfolio imports, contact rules."""

from console.api.collections import (  # noqa: F401  (routes register on import)
    contact_rules,
    debts,
    imports,
)
