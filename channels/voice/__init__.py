"""Twilio Voice: webhooks, TwiML, call control over the REST API, and the voice adapter."""
