"""What every feature builds on: database, errors, auth, events, jobs, HTTP helpers. Imports no feature."""
