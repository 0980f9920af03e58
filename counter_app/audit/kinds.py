"""The journal entry kinds the audit writes itself (the strings never change: they are in
existing journals and in what sync uploads). Everything else the audit lists is an entry its
own package already writes (prints, archive look-ups, refusals): counter_app.audit.log."""

#: A case opened on screen by an operator (its parties' data shown).
KIND_AUDIT_CASE_OPENED = "audit.case_opened"
#: A print or file written by a command (`forms render`, `print receipt`) outside any flow.
KIND_AUDIT_PRINTED = "audit.printed"
