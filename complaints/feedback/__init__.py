"""The reporter's side after handling: the public timeline, reopening ("belum beres") and the 1-5 rating."""
