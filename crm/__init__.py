"""The Caseline domain: customers, cases, timelines and their rules (no web, no Twilio)."""
