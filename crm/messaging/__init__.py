"""Messaging: inbound texts, the outbound queue and delivery, canned replies."""
