"""The journal entry kinds the counter's workflows write (marriage and divorce cases).

A kind is the name an entry keeps for ever: it is in every journal already written and in what
sync uploads, so a string here never changes; a new fact gets a new kind. Readers import the
constant (tests/meta/test_entry_kinds.py fails on the string spelled anywhere else).
"""

# 初审 -> 受理 (intake): the parties, the registrar's questions, the rules' answer
KIND_INTAKE_PARTY = "intake.party"
KIND_INTAKE_ANSWERS = "intake.answers"
KIND_INTAKE_RULES_CHECKED = "intake.rules_checked"
KIND_INTAKE_CHIP_PHOTO = "intake.chip_photo"  # a chip passport's photo, beside its party

# the preparation steps: photo and identity check, declarations, papers on the 高拍仪
KIND_CAPTURE_PHOTO = "capture.photo"
KIND_CAPTURE_IDENTITY = "capture.identity"
KIND_DECLARATION_DETAILS = "declaration.details"
KIND_DECLARATION_FINGERPRINT = "declaration.fingerprint"
KIND_DECLARATION_WITNESSED = "declaration.witnessed"
KIND_DOCUMENT_SCANNED = "document.scanned"
KIND_DOCUMENT_SUPERSEDED = "document.superseded"
KIND_DOCUMENT_AGREEMENT_SUMMARY = "document.agreement_summary"
