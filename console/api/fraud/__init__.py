"""Fraud work in the API: investigations (escalate, take, work, close) and fraud rings."""

from console.api.fraud import (  # noqa: F401  (routes register on import)
    investigations,
    rings,
)
