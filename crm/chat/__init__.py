"""Web chat: visits resolved to a case, and verifying who a visitor is."""
