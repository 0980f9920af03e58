"""The journal entry kinds of reissue (补领) and of the historical registry it searches.

The strings are in existing journals and in what sync uploads: never change one.
"""

# the reissue case: the archive record, the applicant, the declaration, the check, the issue
KIND_REISSUE_RECORD = "reissue.record"
KIND_REISSUE_PARTY = "reissue.party"
KIND_REISSUE_DECLARED = "reissue.declared"
KIND_REISSUE_CHECKED = "reissue.checked"
KIND_CASE_REISSUED = "case.reissued"

# the historical registry (archive.db): imports and the audited look-ups
KIND_ARCHIVE_IMPORTED = "archive.imported"
KIND_ARCHIVE_SEARCHED = "archive.searched"
KIND_ARCHIVE_VIEWED = "archive.viewed"
