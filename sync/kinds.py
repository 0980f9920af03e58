"""The journal entry kinds sync writes, and the one the sync protocol reads.

Every fact sync learns from the server becomes an entry of one of these kinds. The strings are
in existing journals and in the protocol: never change one.
"""

KIND_ENROLLED = "sync.enrolled"
KIND_CASE_STATUS = "sync.case_status"
KIND_ENTRY_REJECTED = "sync.entry_rejected"
KIND_MARITAL_CHECK = "sync.marital_check"
KIND_REFERENCE = "reference.updated"
#: A server answer refused as untrue (it contradicted what was sent or held, or its signature
#: did not verify): what was refused and why, for the technician and the audit.
KIND_ANSWER_REFUSED = "sync.answer_refused"
#: The pinned server signing key was replaced (a rotation statement, or a confirmed fingerprint).
KIND_SERVER_KEY_CHANGED = "sync.server_key_changed"

# Written by the registration workflow; named here because the province reads it (the
# protocol's REGISTRATION_KINDS: the server checks registrations for conflicts), and sync sits
# below the workflows.
KIND_CASE_REGISTERED = "case.registered"

# The daily closings (counter_app.reports.closing writes the first two; named here because the
# province reads them: docs/sync-protocol.md §14), and the office's windows' signed closings as
# the province returns them to a supervisor's counter (sync.closings writes it).
KIND_CLOSING_SIGNED = "closing.signed"
KIND_CLOSING_COUNTERSIGNED = "closing.countersigned"
KIND_CLOSING_PROVINCE_COPIES = "closing.province_copies"
