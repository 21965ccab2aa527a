"""Claims in the API: the claim and its lifecycle, documents asked for, cover changes."""

from console.api.claims import claims, documents  # noqa: F401  (routes register on import)
