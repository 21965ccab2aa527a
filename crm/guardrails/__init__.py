"""Send-time guardrails: the one place that decides whether anything may reach a customer.

`check` (raise the refusal) and `reason` (the composer's greyed-out text) apply the same
ordered rules (crm.guardrails.rules); each medium is data (crm.guardrails.media).
"""

from crm.guardrails.media import Medium, describe, register
from crm.guardrails.rules import (
    LIFTED,
    at_send_time,
    check,
    last_inbound,
    reason,
    refusal,
    refuse_opted_out,
)

__all__ = ["LIFTED", "Medium", "at_send_time", "check", "describe", "last_inbound", "reason",
           "refusal", "refuse_opted_out", "register"]
