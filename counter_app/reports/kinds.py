"""The journal entry kinds the reports write (the strings never change: they are in existing
journals and in what sync uploads).

Everything a report counts is an entry its own package already writes (case transitions,
parties, blanks, prints); the reports add the daily closing's signatures, the closings of the
other windows as the province returned them, and the audit record of every export.
"""

#: A window's daily closing (日结) signed off by a registrar: the closing as signed, its hash
#: and the journal position it covers (docs/reports.md).
KIND_CLOSING_SIGNED = "closing.signed"
#: The supervisor's countersignature of a signed closing (names the closing's hash).
KIND_CLOSING_COUNTERSIGNED = "closing.countersigned"
#: The office's windows' signed closings of one day as the province returned them to a
#: supervisor's counter (docs/sync-protocol.md §14).
KIND_CLOSING_PROVINCE_COPIES = "closing.province_copies"
#: A report exported or printed: who, which report and parameters, the format, where it went
#: and the SHA-256 of the bytes written (PRODUCT.md §5: every export is audited).
KIND_REPORT_EXPORTED = "report.exported"
