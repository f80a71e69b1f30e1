"""Messages between the reporter and staff on a complaint; internal notes are visible to staff only."""
