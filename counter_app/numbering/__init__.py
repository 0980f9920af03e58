"""Certificate numbers (字号) and blank certificate stock (印制号), kept in the journal.

API (all functions take the open :class:`counter_app.journal.Journal` first):

Numbers — counter_app.numbering.blocks
    receive_block(j, block_id=, prefix=, division_code=, year=, first_serial=, last_serial=,
                  operator=, source="manual")           -> Entry  ("numbering.block_received")
    allocate_number(j, case_id=, prefix=, division_code=, year=, operator=, low_water=50)
        -> Allocation(number, block_id, remaining, low, warning_zh, reused)
        same case + prefix -> the same number again (reprints); NumbersExhaustedError at zero
    release_number(j, number=, reason=, operator=)      -> Entry (allocated, never printed)
    remaining(j, prefix, division_code, year)           -> int

Blanks — counter_app.numbering.stock (see its docstring for the printing protocol)
    receive_range(j, range_id=, certificate=, first=, last=, operator=, source="manual")
    next_blank(j, certificate)                          -> str | None
    issued_blanks(j, case_id)                           -> [{holder, serial, certificate, ...}]
    issued_counts(j)                                    -> {case_id: blanks issued}
    issue_blank(j, certificate=, serial=, case_id=, certificate_number=, operator=,
                holder=None)        # a 字号 on at most 2 issued blanks (one per holder)
    void_blank(j, certificate=, serial=, reason=, operator=, case_id=None,
               certificate_number=None)
    reconcile(j, certificate=None)                      -> [RangeReport(blanks, counts)]

Formats — counter_app.numbering.certno: format_certno / parse_certno (``J110101-2010-000001``),
parse_printno / printno_range (印制号, format assumed [M]).

Errors are CounterAppError subclasses with Chinese messages (numbering.errors).
"""

from counter_app.numbering.blocks import (
    Allocation,
    allocate_number,
    receive_block,
    release_number,
    remaining,
)
from counter_app.numbering.certno import format_certno, parse_certno
from counter_app.numbering.errors import BlankStateError, NumbersExhaustedError, NumberStateError
from counter_app.numbering.stock import (
    RangeReport,
    issue_blank,
    issued_blanks,
    issued_counts,
    next_blank,
    receive_range,
    reconcile,
    void_blank,
)

__all__ = [
    "Allocation", "BlankStateError", "NumberStateError", "NumbersExhaustedError", "RangeReport",
    "allocate_number", "format_certno", "issue_blank", "issued_blanks", "issued_counts",
    "next_blank", "parse_certno", "receive_block", "receive_range", "reconcile", "release_number",
    "remaining", "void_blank",
]
