"""State that every server process shares and that survives a restart: one SQLite file (see database.py)."""
