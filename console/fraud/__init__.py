"""Fraud work in the console: the fraud queue's offers, snoozed investigations waking, and
red-flag rules evaluated as facts change."""
