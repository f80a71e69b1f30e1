"""Demo news for ``flask seed-demo`` (filled in later)."""
