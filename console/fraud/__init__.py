"""Fraud work's wiring in the console: red-flag rules evaluated as facts change."""
