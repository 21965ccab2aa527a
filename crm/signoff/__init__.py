"""Four-eyes sign-off: a judgement call asked by one person and decided by another."""
