"""Moderation: the queue of new complaints in a moderator's area and the actions on them (verify and route,
reject, ask for information, mark duplicate, redact), plus validating a resolution before it is closed."""
