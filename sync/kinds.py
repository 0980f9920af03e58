"""The journal entry kinds sync writes, and the one the sync protocol reads.

Every fact sync learns from the server becomes an entry of one of these kinds. The strings are
in existing journals and in the protocol: never change one.
"""

KIND_ENROLLED = "sync.enrolled"
KIND_CASE_STATUS = "sync.case_status"
KIND_ENTRY_REJECTED = "sync.entry_rejected"
KIND_MARITAL_CHECK = "sync.marital_check"
KIND_REFERENCE = "reference.updated"

# Written by the registration workflow; named here because the province reads it (the
# protocol's REGISTRATION_KINDS: the server checks registrations for conflicts), and sync sits
# below the workflows.
KIND_CASE_REGISTERED = "case.registered"
