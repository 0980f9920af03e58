"""The journal entry kind of a case's state changes (the strings never change: they are in
existing journals and in what sync uploads)."""

KIND_CASE_TRANSITION = "case.transition"
