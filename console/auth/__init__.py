"""Who is calling (sessions, API tokens) and limits on failed sign-ins."""
