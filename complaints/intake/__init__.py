"""Complaint intake: submission, reading (own, single, public feed, similar) and withdrawal."""
