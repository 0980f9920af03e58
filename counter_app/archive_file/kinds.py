"""The journal entry kind of a built electronic archive file (the string never changes: it is
in existing journals and in what sync uploads)."""

KIND_ARCHIVE_BUILT = "archive.built"
