"""Pieces of the deterministic demo data set: people, histories, lines of work, bulk loading."""
