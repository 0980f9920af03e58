"""The journal entry kinds the reports write (the strings never change: they are in existing
journals and in what sync uploads).

Everything a report counts is an entry its own package already writes (case transitions,
parties, blanks, prints). The daily closing's signatures and the other windows' closings
returned by the province are in sync/kinds.py, because the province reads them
(docs/sync-protocol.md §14); the audit record of every export (``report.exported``) is the
audit's, in counter_app/audit/kinds.py (the reports write it through
``counter_app.audit.record_exported``).
"""
