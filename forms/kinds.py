"""The journal entry kind of a signature bound to a form page (forms.qt.signing writes it; the
string never changes: it is in existing journals and in what sync uploads). Qt-free, so the
workflows can read it without the painter."""

KIND_SIGNATURE_CAPTURED = "signature.captured"
