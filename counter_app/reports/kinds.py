"""The journal entry kinds the reports write (the strings never change: they are in existing
journals and in what sync uploads).

Everything a report counts is an entry its own package already writes (case transitions,
parties, blanks, prints). The daily closing's signatures and the other windows' closings
returned by the province are in sync/kinds.py, because the province reads them
(docs/sync-protocol.md §14); the reports add the audit record of every export.
"""

#: A report exported or printed: who, which report and parameters, the format, where it went
#: and the SHA-256 of the bytes written (PRODUCT.md §5: every export is audited).
KIND_REPORT_EXPORTED = "report.exported"
