"""The journal entry kinds the audit writes itself (the strings never change: they are in
existing journals and in what sync uploads). Everything else the audit lists is an entry its
own package already writes (prints, archive look-ups, refusals): counter_app.audit.log.
The reports sit above the audit (docs/ARCHITECTURE.md), so their export's kind is here and
they write it through :func:`counter_app.audit.record_exported`."""

#: A case opened on screen by an operator (its parties' data shown).
KIND_AUDIT_CASE_OPENED = "audit.case_opened"
#: A print or file written by a command (`forms render`, `print receipt`) outside any flow.
KIND_AUDIT_PRINTED = "audit.printed"
#: A report exported or printed (counter_app.reports): who, which report and format (``what``),
#: where it went (``output``), the SHA-256 of the bytes (``record``) and the report's parameters
#: as JSON (``purpose``; PRODUCT.md §5: every export is audited). The string is the one issue
#: 17's reports wrote before the audit listed it, so the exports in existing journals count.
KIND_REPORT_EXPORTED = "report.exported"
