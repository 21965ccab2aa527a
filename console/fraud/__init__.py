"""Fraud work in the console: the fraud queue's offers, and snoozed investigations waking."""
