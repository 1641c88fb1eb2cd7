"""Lessons: short sequences of steps read from TOML files, checked on the student's own state (never executed)."""
