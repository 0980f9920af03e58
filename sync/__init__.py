"""Sync with the provincial marriage registration system (outbox derived from the journal)."""
