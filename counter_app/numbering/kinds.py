"""The journal entry kinds of certificate numbers (字号) and blank stock (印制号).

Blocks and ranges come in by hand (counter_app.numbering) or from the province (sync writes
the same kinds, so both feed the one ledger). The strings never change: they are in existing
journals and in what sync uploads.
"""

KIND_NUMBERING_BLOCK_RECEIVED = "numbering.block_received"
KIND_NUMBERING_ALLOCATED = "numbering.allocated"
KIND_NUMBERING_RELEASED = "numbering.released"
KIND_STOCK_RANGE_RECEIVED = "stock.range_received"
KIND_STOCK_BLANK_ISSUED = "stock.blank_issued"
KIND_STOCK_BLANK_VOIDED = "stock.blank_voided"
