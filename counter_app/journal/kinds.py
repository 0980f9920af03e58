"""The journal's own entry kinds: backups made and restores done (technician commands)."""

KIND_JOURNAL_BACKED_UP = "journal.backed_up"
KIND_JOURNAL_RESTORED = "journal.restored"
