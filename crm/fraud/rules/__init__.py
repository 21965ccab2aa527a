"""Red-flag rules: each a small named function of a case's facts returning what it found.

A rule says *why* it fired in words and keeps the facts it matched; flags.evaluate stores
them on the case and clears the ones no longer found. Thresholds come from the environment.
"""

from crm.fraud.rules import history, inconsistency, known_fraud, shared, timing
from crm.fraud.rules.base import DEFAULT, Facts, Finding, Thresholds

# name -> evaluate(facts) -> [Finding], in the order a case's flags are read.
RULES = {
    timing.NAME: timing.evaluate,
    history.NAME: history.evaluate,
    shared.NAME: shared.evaluate,
    known_fraud.NAME: known_fraud.evaluate,
    inconsistency.NAME: inconsistency.evaluate,
}

__all__ = ["DEFAULT", "RULES", "Facts", "Finding", "Thresholds"]
