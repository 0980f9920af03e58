"""The case's archive file: its materials in the order the archive rules give, one PDF plus a
manifest of hashes, stored as journal attachments (see archive.py)."""
