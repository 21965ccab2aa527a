"""Who is calling (sessions, API tokens, second factor, single sign-on), password resets,
and limits on failed sign-ins."""
