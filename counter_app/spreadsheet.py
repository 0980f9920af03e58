"""Cells the counter writes for spreadsheets (CSV, xlsx): never a formula (shared, stdlib only).

Names, addresses and 字号 come from ID cards, archive files and registrars' typing. A cell that
begins with ``=``, ``+``, ``-`` or ``@`` (or a tab or CR, which Excel skips before one) is run
as a formula when the file is opened in Excel or LibreOffice: ``=HYPERLINK(...)`` sends data
away, ``=cmd|...`` (DDE) starts a program. Every exporter passes its text cells through
:func:`neutralise`, which prefixes such a cell with an apostrophe (the OWASP recommendation):
the spreadsheet shows the text as it was, and the apostrophe tells a reader it was changed.
Numbers and dates are not text and are left alone (export them as numbers, not as "-5").

For xlsx (openpyxl), write text cells whose :func:`formula_like` is true as text explicitly:
``cell.value = text; cell.data_type = "s"; cell.quotePrefix = True`` — openpyxl would otherwise
store a string beginning with "=" as a formula. :func:`write_csv` is the CSV exporter.
"""

from __future__ import annotations

import csv
import os
import tempfile
from pathlib import Path
from typing import Any, Iterable

#: What a spreadsheet reads as the start of a formula (tab and CR: skipped before one).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def formula_like(text: str) -> bool:
    """True when a spreadsheet could read ``text`` as a formula, leading spaces or not
    (LibreOffice's import can trim them; full-width ＝ is not a formula anywhere)."""
    return text.lstrip(" ").startswith(FORMULA_STARTS)


def neutralise(value: Any) -> Any:
    """``value`` as a cell: text that could run as a formula gets a leading apostrophe;
    anything that is not text (numbers, dates, None) is returned as it is."""
    if isinstance(value, str) and formula_like(value):
        return "'" + value
    return value


def write_csv(path: Path, header: Iterable[str], rows: Iterable[Iterable[Any]]) -> int:
    """Write a CSV for Excel (UTF-8 with BOM, CRLF) with every cell neutralised; all or
    nothing (a temporary file renamed over ``path`` when complete). Returns the rows written."""
    path = Path(path)
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    written = 0
    try:
        with os.fdopen(handle, "w", encoding="utf-8-sig", newline="") as out:
            writer = csv.writer(out, lineterminator="\r\n")
            writer.writerow([neutralise(h) for h in header])
            for row in rows:
                writer.writerow([neutralise(cell) for cell in row])
                written += 1
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return written
