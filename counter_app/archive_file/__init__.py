"""The electronic archive file of a case: its materials in the order the archive rules give, one PDF plus a
manifest of hashes, stored as journal attachments (see build.py)."""
