"""Business hours: the weekly schedule, its settings, and what happens outside it."""
